// The guest's manage link in the Google flow: the link rides in the event's description (Google
// mails it), the page shows the booking, and a reschedule moves the event with Google telling the
// guest, the host told by us, and nothing reported as a move the host made.
import { services } from '../../../functions/services';
import { eventIdForSlot } from '../../../shared/google/event-identity';
import { availability, book, decide, decisionLinks, freeSlot, GUEST, tokenOf } from '../../support/booking-client';
import { bookedHost } from '../../support/booked-host';
import { channelState } from '../../support/channel-state';
import { claimsOf, manageAct, manageLinkIn, manageTokenOf, openManagePage, setSchedule } from '../../support/manage-client';
import { startSystem, type CalendarEvent, type TestHost, type TestSystem } from '../../support/system';
import { until } from '../../support/until';

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
});
afterAll(() => sys.close());

type TimedEvent = CalendarEvent & { start: { dateTime: string }; end: { dateTime: string } };

async function eventOf(host: TestHost, slotId: string): Promise<TimedEvent> {
  return (await sys.calendarEvent(host, slotId)) as TimedEvent;
}

async function bookOne(host: TestHost, email: string, n = 0): Promise<{ slotId: string; start: string }> {
  const slot = await freeSlot(sys.functionsUrl, host.slug, n);
  const res = await book(sys.functionsUrl, { host: host.slug, start: slot.start, guest: { ...GUEST, email } });
  expect(res.status).toBe(201);
  return { slotId: ((await res.json()) as { slotId: string }).slotId, start: slot.start };
}

function textOf(message: { content: { value: string }[] }): string {
  return message.content.map((c) => c.value).join('\n');
}

async function settled(channelId: string): Promise<void> {
  await until(async () => {
    const state = await channelState(channelId);
    return state && !state.lease && !state.dirty ? true : undefined;
  }, 'the channel to settle');
}

describe('the guest\'s manage link, Google flow', () => {
  it('rides in the event Google mails the guest; the page shows the booking in both zones and changes nothing', async () => {
    const host = await sys.createHost();
    const { slotId } = await bookOne(host, 'page.guest@example.org');
    const event = await eventOf(host, slotId);
    const link = manageLinkIn(event.description);
    const before = await services().slots.require(slotId);

    const page = await openManagePage(link);
    expect(page.status).toBe(200);
    expect(page.headers.get('cache-control')).toBe('no-store');
    const html = await page.text();
    expect(html).toContain(`Your booking with Host`);
    expect(html).toContain('America/New_York');
    expect(html).toContain('Europe/Berlin');
    expect(html).toContain('Waiting for Host');
    expect(html).toMatch(/<form method="post"[^>]*\/booking\/manage"/);
    expect(html).toContain('name="start"');
    expect(html).not.toContain('<script');

    const json = await openManagePage(link, 'application/json');
    expect(await json.json()).toMatchObject({ slotId, status: 'requested', canChange: true, host: { timezone: 'Europe/Berlin' }, guest: { timezone: 'America/New_York' } });
    expect(await services().slots.require(slotId)).toEqual(before);
  });

  it('reschedule of a confirmed booking: the event moves (Google tells the guest, with the new link), the host is asked again, the old time is free and no move in Google is reported', async () => {
    const guest = 'mover.guest@example.org';
    const { host, slotId, channelId } = await bookedHost(sys, guest);
    const [hostMail] = await sys.sinkMessages(host.email);
    expect((await decide(sys.functionsUrl, tokenOf(decisionLinks(textOf(hostMail!)).confirm), 'confirm')).status).toBe(200);
    await settled(channelId);
    const booked = await services().slots.require(slotId);
    const oldLink = manageLinkIn((await eventOf(host, slotId)).description);
    const target = await freeSlot(sys.functionsUrl, host.slug, 5);

    const res = await manageAct(sys.functionsUrl, manageTokenOf(oldLink), { action: 'reschedule', start: target.start });
    expect(res.status).toBe(200);
    const body = (await res.json()) as { slotId: string; status: string; start: string; end: string; manageUrl: string };
    expect(body).toMatchObject({ slotId, status: 'requested', start: target.start, end: target.end });

    const event = await eventOf(host, slotId);
    expect(new Date(event.start.dateTime).toISOString()).toBe(target.start);
    expect(event.status).toBe('tentative');
    expect(event.attendees?.find((a) => a.self)?.responseStatus).toBe('needsAction');
    const newLink = manageLinkIn(event.description);
    expect(newLink).not.toBe(oldLink);
    expect(newLink).toBe(body.manageUrl);
    const google = (await sys.googleMail(guest)).filter((m) => m.eventId === eventIdForSlot(slotId)).map((m) => m.kind);
    expect(google.at(-1)).toBe('update');

    // As the move answers: our own bookings count from their slots, not from the push of the move.
    const offered = (await availability(sys.functionsUrl, host.slug)).slots.map((s) => s.start);
    expect(offered).toContain(booked.start.toISOString());
    expect(offered).not.toContain(target.start);
    const claims = await claimsOf(slotId);
    expect(claims.naming).toEqual(claims.held);

    await until(async () => ((await sys.sinkMessages(host.email)).some((m) => m.subject.includes('moved their booking')) ? true : undefined), 'the host to be told');
    await settled(channelId);
    const after = await services().slots.require(slotId);
    expect(after.history.map((t) => t.cause)).toEqual(['guest_booked', 'host_confirmed', 'guest_rescheduled']);
    expect(after.inviteInFlight ?? null).toBeNull();
    const hostMails = await sys.sinkMessages(host.email);
    expect(hostMails.filter((m) => m.subject.includes('moved their booking'))).toHaveLength(1);
    expect(hostMails.filter((m) => m.subject.startsWith('Booking moved'))).toEqual([]);
    // The host is asked again, with fresh links that confirm the new time.
    const moved = hostMails.find((m) => m.subject.includes('moved their booking'))!;
    const again = decisionLinks(textOf(moved));
    expect((await decide(sys.functionsUrl, tokenOf(again.confirm), 'confirm')).status).toBe(200);
    expect((await services().slots.require(slotId)).status).toBe('booked');

    const spent = await manageAct(sys.functionsUrl, manageTokenOf(oldLink), { action: 'cancel' });
    expect(spent.status).toBe(410);
    expect(await spent.json()).toMatchObject({ error: 'link_spent' });
    expect((await openManagePage(oldLink)).status).toBe(410);
    expect((await openManagePage(newLink)).status).toBe(200);
  });

  it('a host who confirms automatically keeps the booking confirmed through a reschedule', async () => {
    const host = await sys.createHost({ autoConfirm: true });
    const { slotId } = await bookOne(host, 'auto.guest@example.org');
    const link = manageLinkIn((await eventOf(host, slotId)).description);
    const target = await freeSlot(sys.functionsUrl, host.slug, 3);
    const res = await manageAct(sys.functionsUrl, manageTokenOf(link), { action: 'reschedule', start: target.start });
    expect(res.status).toBe(200);
    expect(await res.json()).toMatchObject({ status: 'booked', start: target.start });
    const event = await eventOf(host, slotId);
    expect(event.status).toBe('confirmed');
    expect(event.attendees?.find((a) => a.self)?.responseStatus).toBe('accepted');
    const mail = (await sys.sinkMessages(host.email)).find((m) => m.subject.includes('moved their booking'));
    expect(textOf(mail!)).not.toMatch(/decision\?token=/);
  });

  it('a time the host does not offer, or one another booking holds, is refused and the booking stays where it was', async () => {
    const host = await sys.createHost();
    const { slotId } = await bookOne(host, 'stay.guest@example.org');
    const other = await bookOne(host, 'other.guest@example.org', 2);
    const link = manageLinkIn((await eventOf(host, slotId)).description);
    const before = await services().slots.require(slotId);
    const beforeEvent = await eventOf(host, slotId);

    const taken = await manageAct(sys.functionsUrl, manageTokenOf(link), { action: 'reschedule', start: other.start });
    expect(taken.status).toBe(409);
    expect(await taken.json()).toMatchObject({ error: 'slot_unavailable', reason: 'taken' });
    const offGrid = new Date(Date.parse(other.start) + 7 * 60_000).toISOString();
    const notOffered = await manageAct(sys.functionsUrl, manageTokenOf(link), { action: 'reschedule', start: offGrid });
    expect(notOffered.status).toBe(409);
    expect(await notOffered.json()).toMatchObject({ error: 'slot_unavailable', reason: 'not_offered' });
    const bad = await manageAct(sys.functionsUrl, manageTokenOf(link), { action: 'reschedule', start: 'tomorrow' });
    expect(bad.status).toBe(400);

    expect(await services().slots.require(slotId)).toEqual(before);
    expect((await eventOf(host, slotId)).start).toEqual(beforeEvent.start);
  });

  it('after the host\'s limit the page offers nothing and POSTs are refused with 403', async () => {
    const host = await sys.createHost();
    const { slotId } = await bookOne(host, 'late.guest@example.org');
    const link = manageLinkIn((await eventOf(host, slotId)).description);
    await setSchedule(host.id, { guestChangeLimitHours: 24 * 30 });

    const html = await (await openManagePage(link)).text();
    expect(html).toContain('too late to change this booking online');
    expect(html).not.toContain('<form');
    const target = await freeSlot(sys.functionsUrl, host.slug, 3);
    for (const action of [{ action: 'cancel' as const }, { action: 'reschedule' as const, start: target.start }]) {
      const res = await manageAct(sys.functionsUrl, manageTokenOf(link), action);
      expect(res.status).toBe(403);
      expect(await res.json()).toMatchObject({ error: 'change_window_closed' });
    }
    expect((await services().slots.require(slotId)).status).toBe('requested');
  });

  it('works as plain forms: a reschedule and a cancel answer pages, and a form with no time chosen shows the page again', async () => {
    const host = await sys.createHost();
    const guest = 'form.guest@example.org';
    const { slotId } = await bookOne(host, guest);
    const link = manageLinkIn((await eventOf(host, slotId)).description);

    const empty = await fetch(`${sys.functionsUrl}/booking/manage`, {
      method: 'POST',
      headers: { 'content-type': 'application/x-www-form-urlencoded' },
      body: new URLSearchParams({ token: manageTokenOf(link), action: 'reschedule' }).toString(),
    });
    expect(empty.status).toBe(400);
    expect(await empty.text()).toContain('Choose a new time first.');

    const target = await freeSlot(sys.functionsUrl, host.slug, 4);
    const moved = await manageAct(sys.functionsUrl, manageTokenOf(link), { action: 'reschedule', start: target.start }, 'form');
    expect(moved.status).toBe(200);
    const page = await moved.text();
    expect(page).toContain('Booking moved');
    const newLink = manageLinkIn(page.replaceAll('&amp;', '&'));

    const cancelled = await manageAct(sys.functionsUrl, manageTokenOf(newLink), { action: 'cancel' }, 'form');
    expect(cancelled.status).toBe(200);
    expect(await cancelled.text()).toContain('Booking cancelled');
    const slot = await services().slots.require(slotId);
    expect(slot.status).toBe('cancelled');
    expect(slot.history.at(-1)?.cause).toBe('guest_cancelled');
    expect(slot.claimIds).toEqual([]);
    const kinds = (await sys.googleMail(guest)).filter((m) => m.eventId === eventIdForSlot(slotId)).map((m) => m.kind);
    expect(kinds.at(-1)).toBe('cancellation');
    await until(async () => ((await sys.sinkMessages(host.email)).length >= 3 ? true : undefined), 'the host to be told of the cancel');

    const again = await manageAct(sys.functionsUrl, manageTokenOf(newLink), { action: 'cancel' });
    expect(again.status).toBe(200);
    expect(await again.json()).toMatchObject({ status: 'cancelled', repeated: true });
    const move = await manageAct(sys.functionsUrl, manageTokenOf(newLink), { action: 'reschedule', start: target.start });
    expect(move.status).toBe(409);
    expect(await move.json()).toMatchObject({ error: 'booking_over', status: 'cancelled' });
  });

  it('lists the free times a few days at a time; "Later times" goes on where the page ended', async () => {
    const host = await sys.createHost();
    const { slotId } = await bookOne(host, 'pager.guest@example.org');
    const link = manageLinkIn((await eventOf(host, slotId)).description);
    const starts = (html: string) => [...html.matchAll(/name="start" value="([^"]+)"/g)].map((m) => m[1]!);
    const page = await (await openManagePage(link)).text();
    const first = starts(page);
    const guestDays = new Set(first.map((t) => new Date(t).toLocaleDateString('en-CA', { timeZone: GUEST.timezone })));
    expect(guestDays.size).toBe(4);
    expect(first).not.toContain((await services().slots.require(slotId)).start.toISOString());
    const later = /<a href="([^"]+)">Later times<\/a>/.exec(page)?.[1]?.replaceAll('&amp;', '&');
    const next = starts(await (await openManagePage(later!)).text());
    expect(next.length).toBeGreaterThan(0);
    expect(Date.parse(next[0]!)).toBeGreaterThan(Date.parse(first.at(-1)!));
  });

  it('a move sent twice (a double click, a retry after a lost answer) answers the second as done, without handing the spent link the new one', async () => {
    const host = await sys.createHost();
    const { slotId } = await bookOne(host, 'double.click@example.org');
    const token = manageTokenOf(manageLinkIn((await eventOf(host, slotId)).description));
    const target = await freeSlot(sys.functionsUrl, host.slug, 3);
    const first = await manageAct(sys.functionsUrl, token, { action: 'reschedule', start: target.start }, 'form');
    expect(first.status).toBe(200);
    const moved = await services().slots.require(slotId);

    const again = await manageAct(sys.functionsUrl, token, { action: 'reschedule', start: target.start }, 'form');
    expect(again.status).toBe(200);
    const page = await again.text();
    expect(page).toContain('Your booking was already at this time; nothing has changed.');
    expect(page).not.toContain('/booking/manage?token=');
    const retry = await manageAct(sys.functionsUrl, token, { action: 'reschedule', start: target.start });
    expect(retry.status).toBe(200);
    const body = (await retry.json()) as Record<string, unknown>;
    expect(body).toMatchObject({ slotId, start: target.start, repeated: true });
    expect(body.manageUrl).toBeUndefined();
    expect(await services().slots.require(slotId)).toEqual(moved);

    const elsewhere = await manageAct(sys.functionsUrl, token, { action: 'reschedule', start: (await freeSlot(sys.functionsUrl, host.slug, 6)).start });
    expect(elsewhere.status).toBe(410);
  });
});
