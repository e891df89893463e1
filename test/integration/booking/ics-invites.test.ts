// The flag-off flow (GOOGLE_INVITE_ENABLED=false, still the production default): a silent HOLD
// event in the host's calendar and our own mail with an .ics for the guest.
import { services, syncDeps } from '../../../functions/services';
import { formatTimeRange } from '../../../shared/mail/templates';
import { syncChannel } from '../../../shared/sync/sync-channel';
import { book, decide, decisionLinks, freeSlot, GUEST, tokenOf } from '../../support/booking-client';
import { expectItipRules, readCalendarMessages } from '../../support/calendar-files';
import { startSystem, type TestHost, type TestSystem, type SinkMessage } from '../../support/system';
import { until } from '../../support/until';
import { channelState, watchRefOf } from '../../support/channel-state';

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'false' });
});
afterAll(() => sys.close());

function eventOf(host: TestHost, slotId: string) {
  return sys.calendarEvent(host, slotId);
}

function ics(message: SinkMessage): string {
  const attachment = message.attachments?.find((a) => a.filename.endsWith('.ics'));
  const text = Buffer.from(attachment!.content, 'base64').toString('utf8');
  expect(attachment?.type).toBe(`text/calendar; method=${/^METHOD:(\w+)\r$/m.exec(text)?.[1]}`);
  return text;
}

async function deleteInGoogle(host: TestHost, slotId: string): Promise<void> {
  const event = await eventOf(host, slotId);
  const res = await fetch(`${sys.google.url}/calendar/v3/calendars/${encodeURIComponent(host.calendarId)}/events/${event.id}`, {
    method: 'DELETE',
    headers: { authorization: `Bearer ${await sys.accessToken(host)}` },
  });
  expect(res.status).toBe(204);
}

/** The host's calendar watched as first-time setup watches it, and the channel's sync settled. */
async function watch(host: TestHost): Promise<string> {
  const { channelId } = await services().channels.ensureChannel(host.id, (await services().subscribers.get(host.id))!, host.calendarId);
  return channelId;
}

async function settled(channelId: string): Promise<void> {
  await until(async () => {
    const channel = await channelState(channelId);
    return channel && !channel.lease && !channel.dirty ? true : undefined;
  }, 'the channel to settle');
}

async function moveInGoogle(host: TestHost, slotId: string, start: Date, end: Date): Promise<void> {
  const event = await eventOf(host, slotId);
  const res = await fetch(`${sys.google.url}/calendar/v3/calendars/${encodeURIComponent(host.calendarId)}/events/${event.id}?sendUpdates=none`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${await sys.accessToken(host)}`, 'content-type': 'application/json' },
    body: JSON.stringify({ start: { dateTime: start.toISOString() }, end: { dateTime: end.toISOString() } }),
  });
  expect(res.status).toBe(200);
}

async function bookOne(host: TestHost, guest: typeof GUEST): Promise<string> {
  const slot = await freeSlot(sys.functionsUrl, host.slug);
  const res = await book(sys.functionsUrl, { host: host.slug, start: slot.start, guest });
  expect(res.status).toBe(201);
  return ((await res.json()) as { slotId: string }).slotId;
}

describe('booking with our own .ics invitations', () => {
  it('holds the time with a HOLD event, Google mails nobody, and the guest gets a tentative .ics from us', async () => {
    const host = await sys.createHost();
    const guest = { ...GUEST, email: 'hold.guest@example.org' };
    const slotId = await bookOne(host, guest);
    const hold = await eventOf(host, slotId);
    expect(hold.summary.startsWith('HOLD:')).toBe(true);
    expect(await sys.googleMail(guest.email)).toEqual([]);
    const [guestMail] = await sys.sinkMessages(guest.email);
    const invitation = ics(guestMail!);
    expect(invitation).toContain('METHOD:REQUEST');
    expect(invitation).toMatch(/ATTENDEE[^:]*PARTSTAT=NEEDS-ACTION/);
    expect(invitation).toMatch(/ATTENDEE[^:]*RSVP=TRUE/);
    expect((await sys.sinkMessages(host.email)).length).toBe(1);
  });

  // The emulator answers 409 duplicate to any second import of an iCalUID, as real Google does:
  // confirm must turn the HOLD event into the booking in place.
  it('confirm turns the HOLD event into the booking in place and mails the guest the final invitation', async () => {
    const host = await sys.createHost();
    const guest = { ...GUEST, email: 'confirmed.guest@example.org' };
    const slotId = await bookOne(host, guest);
    const hold = await eventOf(host, slotId);
    const [hostMail] = await sys.sinkMessages(host.email);
    const { confirm } = decisionLinks(hostMail!.content.map((c) => c.value).join('\n'));
    expect((await decide(sys.functionsUrl, tokenOf(confirm), 'confirm')).status).toBe(200);
    const event = await eventOf(host, slotId);
    expect(event).toMatchObject({ id: hold.id, status: 'confirmed', summary: hold.summary.replace(/^HOLD: /, '') });
    expect(event.attendees).toBeUndefined();
    expect((await sys.db.doc(`slots/${slotId}`).get()).data()).toMatchObject({ status: 'booked' });
    const guestMails = await sys.sinkMessages(guest.email);
    expect(guestMails).toHaveLength(2);
    const final = ics(guestMails[1]!);
    expect(final).toContain('METHOD:REQUEST');
    expect(final).toContain('STATUS:CONFIRMED');
    expect(await sys.googleMail(guest.email)).toEqual([]);
  });

  it('deny removes the HOLD event and mails the guest a cancellation', async () => {
    const host = await sys.createHost();
    const guest = { ...GUEST, email: 'denied.guest@example.org' };
    const slotId = await bookOne(host, guest);
    const [hostMail] = await sys.sinkMessages(host.email);
    const { deny } = decisionLinks(hostMail!.content.map((c) => c.value).join('\n'));
    expect((await decide(sys.functionsUrl, tokenOf(deny), 'deny')).status).toBe(200);
    expect((await eventOf(host, slotId)).status).toBe('cancelled');
    const guestMails = await sys.sinkMessages(guest.email);
    expect(guestMails).toHaveLength(2);
    expect(ics(guestMails[1]!)).toContain('METHOD:CANCEL');
    expect(await sys.googleMail(guest.email)).toEqual([]);
  });

  it('confirm after the host deleted the HOLD event in Google cancels the booking instead of bringing the event back', async () => {
    const host = await sys.createHost();
    const guest = { ...GUEST, email: 'deleted.hold.guest@example.org' };
    const slotId = await bookOne(host, guest);
    await deleteInGoogle(host, slotId);
    const [hostMail] = await sys.sinkMessages(host.email);
    const { confirm } = decisionLinks(hostMail!.content.map((c) => c.value).join('\n'));
    expect((await decide(sys.functionsUrl, tokenOf(confirm), 'confirm')).status).toBe(409);
    expect((await eventOf(host, slotId)).status).toBe('cancelled');
    expect((await sys.db.doc(`slots/${slotId}`).get()).data()).toMatchObject({ status: 'cancelled' });
  });

  it('deny after the host deleted the HOLD event in Google still declines the booking', async () => {
    const host = await sys.createHost();
    const guest = { ...GUEST, email: 'deleted.hold.denied@example.org' };
    const slotId = await bookOne(host, guest);
    await deleteInGoogle(host, slotId);
    const [hostMail] = await sys.sinkMessages(host.email);
    const { deny } = decisionLinks(hostMail!.content.map((c) => c.value).join('\n'));
    const answer = await decide(sys.functionsUrl, tokenOf(deny), 'deny');
    const status = ((await sys.db.doc(`slots/${slotId}`).get()).data() as { status: string }).status;
    // The push of the host's delete may cancel the slot before the deny: either way it holds no time.
    if (answer.status === 200) expect(status).toBe('declined');
    else expect({ answer: answer.status, status }).toEqual({ answer: 409, status: 'cancelled' });
  });

  it('the host moving the event in Google sends the guest the new time as an update, and the host what moved, once however often the sync repeats', async () => {
    const host = await sys.createHost();
    const channelId = await watch(host);
    const guest = { ...GUEST, email: 'moved.guest@example.org' };
    const slotId = await bookOne(host, guest);
    await settled(channelId);
    const staleToken = (await channelState(channelId))!.syncToken;
    const before = await services().slots.require(slotId);
    const start = new Date(before.start.getTime() + 26 * 3600_000);
    const end = new Date(start.getTime() + 30 * 60_000);

    await moveInGoogle(host, slotId, start, end);

    const guestMails = await until(async () => {
      const mails = await sys.sinkMessages(guest.email);
      return mails.length === 2 ? mails : undefined;
    }, 'the update to the guest');
    const [invitation, update] = readCalendarMessages(guestMails);
    expect(update).toMatchObject({ method: 'REQUEST', status: 'TENTATIVE', uid: invitation!.uid, start: start.toISOString(), end: end.toISOString() });
    expect(update!.sequence).toBeGreaterThan(invitation!.sequence);
    expect(guestMails[1]!.subject).toMatch(/^New time: /);
    const hostMails = await until(async () => {
      const mails = await sys.sinkMessages(host.email);
      return mails.length === 2 ? mails : undefined;
    }, 'the host notice');
    const moved = hostMails[1]!.content.find((c) => c.type === 'text/plain')!.value;
    expect(moved).toContain(`From: ${formatTimeRange(before.start, before.end, 'Europe/Berlin')}`);
    expect(moved).toContain(`To: ${formatTimeRange(start, end, 'Europe/Berlin')}`);

    // As if the sync token had never been saved: the same change comes again, and nothing is sent.
    await settled(channelId);
    await (await watchRefOf(channelId)).update({ syncToken: staleToken });
    expect((await syncChannel(syncDeps(), channelId, 5_000)).outcome).toBe('synced');
    expect(await sys.sinkMessages(guest.email)).toHaveLength(2);
    expect(await sys.sinkMessages(host.email)).toHaveLength(2);
    expect((await services().slots.require(slotId)).history.filter((h) => h.cause === 'moved_in_google')).toHaveLength(1);
  });

  it('a host without a Google calendar still takes bookings: our .ics mail only, nothing written at Google', async () => {
    const host = await sys.createHost({ google: false });
    const guest = { ...GUEST, email: 'no.google.guest@example.org' };
    const calendarCalls = async () => ((await sys.control('/requests')) as { total: number }).total;
    const before = await calendarCalls();
    const slotId = await bookOne(host, guest);
    const [guestMail] = await sys.sinkMessages(guest.email);
    expect(ics(guestMail!)).toContain('METHOD:REQUEST');
    const [hostMail] = await sys.sinkMessages(host.email);
    const { confirm } = decisionLinks(hostMail!.content.map((c) => c.value).join('\n'));
    expect((await decide(sys.functionsUrl, tokenOf(confirm), 'confirm')).status).toBe(200);
    expect((await sys.db.doc(`slots/${slotId}`).get()).data()).toMatchObject({ status: 'booked', inviteMode: 'ics', calendarId: null });
    expect(ics((await sys.sinkMessages(guest.email))[1]!)).toContain('STATUS:CONFIRMED');
    expect(await calendarCalls()).toBe(before);
  });
});

describe("every .ics a guest gets, read by ical.js and Python's icalendar", () => {
  async function decideByMail(host: TestHost, action: 'confirm' | 'deny'): Promise<void> {
    const [hostMail] = await sys.sinkMessages(host.email);
    const links = decisionLinks(hostMail!.content.map((c) => c.value).join('\n'));
    expect((await decide(sys.functionsUrl, tokenOf(links[action]), action)).status).toBe(200);
  }

  async function guestFiles(email: string, count: number) {
    const mails = await until(async () => {
      const found = await sys.sinkMessages(email);
      return found.length >= count ? found : undefined;
    }, `${count} mails to the guest`);
    return readCalendarMessages(mails);
  }

  it('book → confirm → move in Google → cancel in Google: one UID, SEQUENCE rising with each message, STATUS following the booking', async () => {
    const host = await sys.createHost();
    const channelId = await watch(host);
    const guest = { ...GUEST, email: 'itip.flow@example.org' };
    const slotId = await bookOne(host, guest);
    await settled(channelId);
    const { start: first } = await services().slots.require(slotId);
    await decideByMail(host, 'confirm');
    await settled(channelId);
    const start = new Date(first.getTime() + 50 * 3600_000);
    await moveInGoogle(host, slotId, start, new Date(start.getTime() + 30 * 60_000));
    await guestFiles(guest.email, 3);
    await deleteInGoogle(host, slotId);

    const files = await guestFiles(guest.email, 4);

    expectItipRules(files);
    expect(files.map((f) => `${f.method} ${f.status} ${f.start}`)).toEqual([
      `REQUEST TENTATIVE ${first.toISOString()}`,
      `REQUEST CONFIRMED ${first.toISOString()}`,
      `REQUEST CONFIRMED ${start.toISOString()}`,
      `CANCEL CANCELLED ${start.toISOString()}`,
    ]);
    await settled(channelId);
    expect(await sys.sinkMessages(guest.email)).toHaveLength(4);
  });

  it('book → deny: a tentative request, then its cancellation', async () => {
    const host = await sys.createHost();
    const guest = { ...GUEST, email: 'itip.denied@example.org' };
    await bookOne(host, guest);
    await decideByMail(host, 'deny');

    const files = await guestFiles(guest.email, 2);

    expectItipRules(files);
    expect(files.map((f) => `${f.method} ${f.status}`)).toEqual(['REQUEST TENTATIVE', 'CANCEL CANCELLED']);
  });

  it('an auto-confirmed booking moved in Google: a confirmed request, then the confirmed new time', async () => {
    const host = await sys.createHost({ autoConfirm: true });
    const channelId = await watch(host);
    const guest = { ...GUEST, email: 'itip.auto@example.org' };
    const slotId = await bookOne(host, guest);
    await settled(channelId);
    const { start: first } = await services().slots.require(slotId);
    const start = new Date(first.getTime() + 2 * 3600_000);
    await moveInGoogle(host, slotId, start, new Date(start.getTime() + 30 * 60_000));

    const files = await guestFiles(guest.email, 2);

    expectItipRules(files);
    expect(files.map((f) => `${f.method} ${f.status} ${f.start}`)).toEqual([`REQUEST CONFIRMED ${first.toISOString()}`, `REQUEST CONFIRMED ${start.toISOString()}`]);
  });
});
