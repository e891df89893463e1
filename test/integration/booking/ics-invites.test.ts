// The flag-off flow (GOOGLE_INVITE_ENABLED=false, still the production default): a silent HOLD
// event in the host's calendar and our own mail with an .ics for the guest.
import { book, decide, decisionLinks, freeSlot, GUEST, tokenOf } from '../../support/booking-client';
import { startSystem, type TestHost, type TestSystem, type SinkMessage } from '../../support/system';

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
