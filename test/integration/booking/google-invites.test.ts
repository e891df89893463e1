// The Google path end to end through the functions: the event goes into the host's calendar with
// events.insert, Google mails the guest, and the host decides from our mail.
import { eventIdForSlot } from '../../../shared/google/event-identity';
import { availability, book, decide, decisionLinks, freeSlot, GUEST, tokenOf } from '../../support/booking-client';
import { startSystem, type CalendarEvent, type TestHost, type TestSystem } from '../../support/system';

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
});
afterAll(() => sys.close());

function eventOf(host: TestHost, slotId: string): Promise<CalendarEvent> {
  return sys.calendarEvent(host, slotId);
}

async function hostMail(host: TestHost) {
  const messages = await sys.sinkMessages(host.email);
  expect(messages).toHaveLength(1);
  const message = messages[0]!;
  return { message, text: message.content.map((c) => c.value).join('\n') };
}

describe('booking with Google invites', () => {
  it('inserts a tentative event with both attendees; Google invites the guest and the host gets Confirm and Deny links', async () => {
    const host = await sys.createHost();
    const slot = await freeSlot(sys.functionsUrl, host.slug);
    const res = await book(sys.functionsUrl, { host: host.slug, start: slot.start, message: 'About the roof' });
    expect(res.status).toBe(201);
    const body = (await res.json()) as { slotId: string; status: string; start: string; end: string };
    expect(body).toMatchObject({ status: 'requested', start: slot.start, end: slot.end });

    const event = await eventOf(host, body.slotId);
    expect(event.status).toBe('tentative');
    expect(event.summary).toContain(GUEST.name);
    expect(event.description).toContain('About the roof');
    expect(event.extendedProperties?.private?.slotId).toBe(body.slotId);
    expect((event.attendees ?? []).map((a) => [a.email.toLowerCase(), a.responseStatus]).sort()).toEqual(
      [
        [host.calendarId.toLowerCase(), 'needsAction'],
        [GUEST.email, 'needsAction'],
      ].sort(),
    );

    const invites = (await sys.googleMail(GUEST.email)).filter((m) => m.eventId === eventIdForSlot(body.slotId));
    expect(invites.map((m) => m.kind)).toEqual(['invitation']);
    expect(await sys.sinkMessages(GUEST.email)).toEqual([]);
    const { text } = await hostMail(host);
    expect(text).toContain(GUEST.name);
    expect(text).toContain('About the roof');
    decisionLinks(text);
  });

  it('the booked time is no longer offered', async () => {
    const host = await sys.createHost();
    const slot = await freeSlot(sys.functionsUrl, host.slug);
    expect((await book(sys.functionsUrl, { host: host.slug, start: slot.start })).status).toBe(201);
    const after = await availability(sys.functionsUrl, host.slug);
    expect(after.slots.map((s) => s.start)).not.toContain(slot.start);
    expect(after.host).toEqual({ name: expect.any(String), timezone: 'Europe/Berlin' });
    expect(after.slotMinutes).toBe(30);
  });

  it('auto-confirm inserts the event confirmed with the host accepted, and the host gets a new-booking notice', async () => {
    const host = await sys.createHost({ autoConfirm: true });
    const slot = await freeSlot(sys.functionsUrl, host.slug);
    const res = await book(sys.functionsUrl, { host: host.slug, start: slot.start });
    const body = (await res.json()) as { slotId: string; status: string };
    expect(res.status).toBe(201);
    expect(body.status).toBe('booked');
    const event = await eventOf(host, body.slotId);
    expect(event.status).toBe('confirmed');
    expect(event.attendees?.find((a) => a.email.toLowerCase() === host.calendarId.toLowerCase())?.responseStatus).toBe('accepted');
    const { text } = await hostMail(host);
    expect(text).not.toMatch(/decision\?token=/);
    expect((await sys.googleMail(GUEST.email)).filter((m) => m.eventId === eventIdForSlot(body.slotId)).map((m) => m.kind)).toEqual(['invitation']);
  });

  it('confirm: the page changes nothing, the POST confirms the event and Google tells the guest; repeating answers the same', async () => {
    const host = await sys.createHost();
    const slot = await freeSlot(sys.functionsUrl, host.slug);
    const { slotId } = (await (await book(sys.functionsUrl, { host: host.slug, start: slot.start })).json()) as { slotId: string };
    const { confirm, deny } = decisionLinks((await hostMail(host)).text);

    const page = await fetch(confirm);
    expect(page.status).toBe(200);
    expect(await page.text()).toContain(GUEST.name);
    expect((await eventOf(host, slotId)).status).toBe('tentative');

    const first = await decide(sys.functionsUrl, tokenOf(confirm), 'confirm');
    expect(first.status).toBe(200);
    expect(await first.json()).toEqual({ status: 'booked', action: 'confirm', repeated: false });
    const event = await eventOf(host, slotId);
    expect(event.status).toBe('confirmed');
    expect(event.attendees?.find((a) => a.email.toLowerCase() === host.calendarId.toLowerCase())?.responseStatus).toBe('accepted');
    const kinds = (await sys.googleMail(GUEST.email)).filter((m) => m.eventId === eventIdForSlot(slotId)).map((m) => m.kind);
    expect(kinds).toEqual(['invitation', 'update']);

    const again = await decide(sys.functionsUrl, tokenOf(confirm), 'confirm');
    expect(again.status).toBe(200);
    expect(await again.json()).toEqual({ status: 'booked', action: 'confirm', repeated: true });
    const conflicting = await decide(sys.functionsUrl, tokenOf(deny), 'deny');
    expect(conflicting.status).toBe(409);
    expect(await conflicting.json()).toEqual({ error: 'already_decided', status: 'booked' });
    expect((await eventOf(host, slotId)).status).toBe('confirmed');
  });

  it('deny: Google cancels the event and tells the guest, the slot is declined and its time is free again', async () => {
    const host = await sys.createHost();
    const slot = await freeSlot(sys.functionsUrl, host.slug);
    const { slotId } = (await (await book(sys.functionsUrl, { host: host.slug, start: slot.start })).json()) as { slotId: string };
    const { confirm, deny } = decisionLinks((await hostMail(host)).text);

    const res = await decide(sys.functionsUrl, tokenOf(deny), 'deny', 'form');
    expect(res.status).toBe(200);
    expect(res.headers.get('content-type')).toContain('text/html');
    expect((await eventOf(host, slotId)).status).toBe('cancelled');
    const kinds = (await sys.googleMail(GUEST.email)).filter((m) => m.eventId === eventIdForSlot(slotId)).map((m) => m.kind);
    expect(kinds).toEqual(['invitation', 'cancellation']);
    expect((await availability(sys.functionsUrl, host.slug)).slots.map((s) => s.start)).toContain(slot.start);

    const stored = (await sys.db.doc(`slots/${slotId}`).get()).data() as { status: string; history: { from: string | null; to: string; cause: string }[] };
    expect(stored.status).toBe('declined');
    expect(stored.history.map((h) => [h.from, h.to, h.cause])).toEqual([
      [null, 'requested', 'guest_booked'],
      ['requested', 'declined', 'host_denied'],
    ]);
    const late = await decide(sys.functionsUrl, tokenOf(confirm), 'confirm', 'form');
    expect(late.status).toBe(409);
    expect(await late.text()).toMatch(/declined/i);
  });
});
