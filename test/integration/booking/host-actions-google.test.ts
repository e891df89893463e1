// The host's confirm, decline and cancel by slot id (the bookings page's operations) and the guest's
// cancel, in the Google flow: the same Calendar calls as the email links, Google telling the guest.
import { services } from '../../../functions/services';
import { cancelAsGuest } from '../../../shared/booking/cancel-booking';
import { HostCalendarUnavailable } from '../../../shared/booking/errors';
import { actAsHost } from '../../../shared/booking/host-actions';
import { eventIdForSlot } from '../../../shared/google/event-identity';
import { SlotNotFound } from '../../../shared/store/slots';
import { availability, book, decide, decisionLinks, freeSlot, GUEST, tokenOf } from '../../support/booking-client';
import { startSystem, type TestHost, type TestSystem } from '../../support/system';
import { until } from '../../support/until';

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
});
afterAll(() => sys.close());

let guests = 0;

async function bookOne(options: { autoConfirm?: boolean } = {}): Promise<{ host: TestHost; slotId: string; start: string; guest: string }> {
  const host = await sys.createHost(options);
  guests += 1;
  const guest = `google.actions.${guests}@example.org`;
  const slot = await freeSlot(sys.functionsUrl, host.slug);
  const res = await book(sys.functionsUrl, { host: host.slug, start: slot.start, guest: { ...GUEST, email: guest } });
  expect(res.status).toBe(201);
  return { host, slotId: ((await res.json()) as { slotId: string }).slotId, start: slot.start, guest };
}

const googleMailKinds = async (guest: string, slotId: string) => (await sys.googleMail(guest)).filter((m) => m.eventId === eventIdForSlot(slotId)).map((m) => m.kind);
const calls = async (operation: string) => (await sys.control<{ byOperation: Record<string, number> }>('/requests')).byOperation[operation] ?? 0;
const stored = (slotId: string) => services().slots.require(slotId);
const causes = async (slotId: string) => (await stored(slotId)).history.map((h) => [h.from, h.to, h.cause]);
const offered = async (host: TestHost) => (await availability(sys.functionsUrl, host.slug)).slots.map((s) => s.start);

describe("the host's actions by slot id, Google flow", () => {
  it('confirm patches the event confirmed with the host accepted and Google updates the guest; again is a repeat, then decline is a conflict', async () => {
    const { host, slotId, guest } = await bookOne();

    const first = await actAsHost(services(), host.id, slotId, 'confirm');
    expect(first).toMatchObject({ kind: 'done', action: 'confirm', repeated: false, slot: { status: 'booked' } });
    const event = await sys.calendarEvent(host, slotId);
    expect(event.status).toBe('confirmed');
    expect(event.attendees?.find((a) => a.email.toLowerCase() === host.calendarId.toLowerCase())?.responseStatus).toBe('accepted');
    expect(await googleMailKinds(guest, slotId)).toEqual(['invitation', 'update']);
    expect(await causes(slotId)).toEqual([
      [null, 'requested', 'guest_booked'],
      ['requested', 'booked', 'host_confirmed'],
    ]);

    expect(await actAsHost(services(), host.id, slotId, 'confirm')).toMatchObject({ kind: 'done', repeated: true, slot: { status: 'booked' } });
    expect(await actAsHost(services(), host.id, slotId, 'deny')).toMatchObject({ kind: 'conflict', slot: { status: 'booked' } });
    expect(await googleMailKinds(guest, slotId)).toEqual(['invitation', 'update']);
  });

  it('decline deletes the event (Google tells the guest), the slot is declined by the host and its time is free; the email link then answers 409', async () => {
    const { host, slotId, start, guest } = await bookOne();
    const { confirm } = decisionLinks((await sys.sinkMessages(host.email))[0]!.content.map((c) => c.value).join('\n'));

    expect(await actAsHost(services(), host.id, slotId, 'deny')).toMatchObject({ kind: 'done', action: 'deny', repeated: false, slot: { status: 'declined' } });
    expect((await sys.calendarEvent(host, slotId)).status).toBe('cancelled');
    expect(await googleMailKinds(guest, slotId)).toEqual(['invitation', 'cancellation']);
    expect((await causes(slotId)).at(-1)).toEqual(['requested', 'declined', 'host_denied']);
    expect(await offered(host)).toContain(start);
    expect((await decide(sys.functionsUrl, tokenOf(confirm), 'confirm')).status).toBe(409);
  });

  it('cancel of a booked slot deletes the event with sendUpdates=all, mails the guest the host\'s note, records host_cancelled and frees the time; again is a repeat', async () => {
    const { host, slotId, start, guest } = await bookOne({ autoConfirm: true });
    const deletes = await calls('events.delete');

    const outcome = await actAsHost(services(), host.id, slotId, 'cancel', { message: 'Sorry, I am ill.\nNext week?' });

    expect(outcome).toMatchObject({ kind: 'done', action: 'cancel', repeated: false, slot: { status: 'cancelled', decision: null } });
    expect(await stored(slotId)).toMatchObject({ status: 'cancelled', claimIds: [], decision: null });
    expect((await sys.calendarEvent(host, slotId)).status).toBe('cancelled');
    // The emulator mails a cancellation only for a delete with sendUpdates=all.
    expect(await googleMailKinds(guest, slotId)).toEqual(['invitation', 'cancellation']);
    const ours = await sys.sinkMessages(guest);
    expect(ours).toHaveLength(1);
    expect(ours[0]!.subject).toMatch(/^Cancelled: Host \d+/);
    expect(ours[0]!.content.find((c) => c.type === 'text/plain')!.value).toContain('> Sorry, I am ill.\n> Next week?');
    expect(ours[0]!.attachments ?? []).toEqual([]);
    expect((await causes(slotId)).at(-1)).toEqual(['booked', 'cancelled', 'host_cancelled']);
    expect(await offered(host)).toContain(start);
    expect((await book(sys.functionsUrl, { host: host.slug, start, guest: { ...GUEST, email: 'next.one@example.org' } })).status).toBe(201);

    expect(await actAsHost(services(), host.id, slotId, 'cancel')).toMatchObject({ kind: 'done', action: 'cancel', repeated: true, slot: { status: 'cancelled' } });
    expect(await calls('events.delete')).toBe(deletes + 1);
    expect(await sys.sinkMessages(guest)).toHaveLength(1);
  });

  it('cancel without a note sends the guest nothing of ours: Google has told them', async () => {
    const { host, slotId, guest } = await bookOne();
    expect(await actAsHost(services(), host.id, slotId, 'cancel', { message: null })).toMatchObject({ kind: 'done', slot: { status: 'cancelled' } });
    expect(await googleMailKinds(guest, slotId)).toEqual(['invitation', 'cancellation']);
    expect(await sys.sinkMessages(guest)).toEqual([]);
  });

  it('cancel of a declined slot is a conflict and changes nothing', async () => {
    const { host, slotId } = await bookOne();
    await actAsHost(services(), host.id, slotId, 'deny');
    expect(await actAsHost(services(), host.id, slotId, 'cancel')).toMatchObject({ kind: 'conflict', slot: { status: 'declined' } });
    expect((await stored(slotId)).history).toHaveLength(2);
  });

  it('cancel of an event already deleted in Google still cancels the booking', async () => {
    const { host, slotId } = await bookOne({ autoConfirm: true });
    const res = await fetch(`${sys.google.url}/calendar/v3/calendars/${encodeURIComponent(host.calendarId)}/events/${eventIdForSlot(slotId)}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${await sys.accessToken(host)}` },
    });
    expect(res.status).toBe(204);
    expect(await actAsHost(services(), host.id, slotId, 'cancel')).toMatchObject({ kind: 'done', repeated: false, slot: { status: 'cancelled' } });
  });

  it('another host\'s slot, and a name that is no slot id, are not found, for every action; the slot is untouched', async () => {
    const { slotId } = await bookOne();
    const other = await sys.createHost();
    for (const action of ['confirm', 'deny', 'cancel'] as const) {
      await expect(actAsHost(services(), other.id, slotId, action)).rejects.toBeInstanceOf(SlotNotFound);
      await expect(actAsHost(services(), other.id, '../slots', action)).rejects.toBeInstanceOf(SlotNotFound);
      await expect(actAsHost(services(), other.id, 'no-such-slot', action)).rejects.toBeInstanceOf(SlotNotFound);
    }
    expect(await stored(slotId)).toMatchObject({ status: 'requested', decision: null });
  });

  it('a failure at Google leaves the slot as it was, and the cancel can be tried again', async () => {
    const { host, slotId, guest } = await bookOne({ autoConfirm: true });
    await sys.control('/faults', { method: 'DELETE', pathContains: `/events/${eventIdForSlot(slotId)}`, status: 503, count: 20 });
    try {
      await expect(actAsHost(services(), host.id, slotId, 'cancel')).rejects.toBeInstanceOf(HostCalendarUnavailable);
    } finally {
      await fetch(`${sys.google.url}/emulator/v1/faults`, { method: 'DELETE' });
    }
    expect(await stored(slotId)).toMatchObject({ status: 'booked', decision: null });
    expect((await sys.calendarEvent(host, slotId)).status).toBe('confirmed');

    expect(await actAsHost(services(), host.id, slotId, 'cancel')).toMatchObject({ kind: 'done', repeated: false, slot: { status: 'cancelled' } });
    expect(await googleMailKinds(guest, slotId)).toEqual(['invitation', 'cancellation']);
  });

  it('the guest cancels: Google tells them, the host gets our mail, the slot records guest_cancelled and the time is free', async () => {
    const { host, slotId, start, guest } = await bookOne({ autoConfirm: true });
    expect(await cancelAsGuest(services(), slotId)).toMatchObject({ kind: 'done', action: 'cancel', repeated: false, slot: { status: 'cancelled' } });
    expect(await googleMailKinds(guest, slotId)).toEqual(['invitation', 'cancellation']);
    const hostMails = await sys.sinkMessages(host.email);
    expect(hostMails.map((m) => m.subject)).toEqual([expect.stringMatching(/^New booking/), expect.stringMatching(/^Gina Guest cancelled: /)]);
    expect(await sys.sinkMessages(guest)).toEqual([]);
    expect((await causes(slotId)).at(-1)).toEqual(['booked', 'cancelled', 'guest_cancelled']);
    expect(await offered(host)).toContain(start);
    // The host cancelling afterwards is a repeat that tells nobody anything new.
    expect(await actAsHost(services(), host.id, slotId, 'cancel', { message: 'too late' })).toMatchObject({ kind: 'done', repeated: true });
    expect(await sys.sinkMessages(host.email)).toHaveLength(2);
    expect(await sys.sinkMessages(guest)).toEqual([]);
  });
});

describe('races on one slot', () => {
  it('two cancels at once: one Google delete, one cancellation to the guest, one mail to the host; both answer done', async () => {
    const { host, slotId, guest } = await bookOne({ autoConfirm: true });
    const deletes = await calls('events.delete');

    const [a, b] = await Promise.all([actAsHost(services(), host.id, slotId, 'cancel'), cancelAsGuest(services(), slotId)]);

    expect([a.kind, b.kind]).toEqual(['done', 'done']);
    expect([a, b].filter((o) => o.kind === 'done' && !o.repeated)).toHaveLength(1);
    expect(await calls('events.delete')).toBe(deletes + 1);
    expect(await googleMailKinds(guest, slotId)).toEqual(['invitation', 'cancellation']);
    expect((await stored(slotId)).history.filter((h) => h.to === 'cancelled')).toHaveLength(1);
  });

  it('a cancel while another is at Google waits for it and answers the same', async () => {
    const { host, slotId } = await bookOne({ autoConfirm: true });
    const deletes = await calls('events.delete');
    await sys.control('/faults', { method: 'DELETE', pathContains: `/events/${eventIdForSlot(slotId)}`, delayMs: 1500, count: 1 });
    const first = actAsHost(services(), host.id, slotId, 'cancel');
    await until(async () => ((await stored(slotId)).decision?.action === 'cancel' ? true : undefined), 'the first cancel to be taken');

    const second = await cancelAsGuest(services(), slotId);

    expect(second).toMatchObject({ kind: 'done', repeated: true, slot: { status: 'cancelled' } });
    expect(await first).toMatchObject({ kind: 'done', repeated: false });
    expect(await calls('events.delete')).toBe(deletes + 1);
    expect((await causes(slotId)).at(-1)).toEqual(['booked', 'cancelled', 'host_cancelled']);
  });

  it('a cancel while a confirm is at Google waits for it, then cancels the booking', async () => {
    const { host, slotId, guest } = await bookOne();
    await sys.control('/faults', { method: 'PATCH', pathContains: `/events/${eventIdForSlot(slotId)}`, delayMs: 1500, count: 1 });
    const confirm = actAsHost(services(), host.id, slotId, 'confirm');
    await until(async () => ((await stored(slotId)).decision?.action === 'confirm' ? true : undefined), 'the confirm to be taken');

    const cancel = await actAsHost(services(), host.id, slotId, 'cancel');

    expect(await confirm).toMatchObject({ kind: 'done', action: 'confirm', repeated: false });
    expect(cancel).toMatchObject({ kind: 'done', action: 'cancel', repeated: false, slot: { status: 'cancelled' } });
    expect((await causes(slotId)).map(([, , cause]) => cause)).toEqual(['guest_booked', 'host_confirmed', 'host_cancelled']);
    expect(await googleMailKinds(guest, slotId)).toEqual(['invitation', 'update', 'cancellation']);
  });

  it('a confirm while a cancel is at Google is a conflict, and Google hears only the cancel', async () => {
    const { host, slotId, guest } = await bookOne();
    const { confirm } = decisionLinks((await sys.sinkMessages(host.email))[0]!.content.map((c) => c.value).join('\n'));
    const patches = await calls('events.patch');
    await sys.control('/faults', { method: 'DELETE', pathContains: `/events/${eventIdForSlot(slotId)}`, delayMs: 1500, count: 1 });
    const cancel = actAsHost(services(), host.id, slotId, 'cancel');
    await until(async () => ((await stored(slotId)).decision?.action === 'cancel' ? true : undefined), 'the cancel to be taken');

    const confirmed = await decide(sys.functionsUrl, tokenOf(confirm), 'confirm');

    expect(confirmed.status).toBe(409);
    expect(await cancel).toMatchObject({ kind: 'done', slot: { status: 'cancelled' } });
    expect(await calls('events.patch')).toBe(patches);
    expect(await googleMailKinds(guest, slotId)).toEqual(['invitation', 'cancellation']);
  });

  async function bookHeldAtGoogle(guest: string): Promise<{ host: TestHost; slotId: string; booking: Promise<Response> }> {
    const host = await sys.createHost();
    const slot = await freeSlot(sys.functionsUrl, host.slug);
    await sys.control('/faults', { method: 'POST', pathContains: '/events?', delayMs: 1500, count: 1 });
    const booking = book(sys.functionsUrl, { host: host.slug, start: slot.start, guest: { ...GUEST, email: guest } });
    const slotId = await until(async () => {
      const found = await sys.db.collection('slots').where('subscriberId', '==', host.id).get();
      return found.docs.find((d) => d.get('inviteInFlight'))?.id;
    }, 'the slot with its invite in flight');
    return { host, slotId, booking };
  }

  it("a confirm from the bookings page while the booking's invite is being made waits for it, then confirms", async () => {
    const { host, slotId, booking } = await bookHeldAtGoogle('confirm.in.flight@example.org');

    const confirmed = await actAsHost(services(), host.id, slotId, 'confirm');

    expect((await booking).status).toBe(201);
    expect(confirmed).toMatchObject({ kind: 'done', action: 'confirm', repeated: false, slot: { status: 'booked' } });
    expect((await sys.calendarEvent(host, slotId)).status).toBe('confirmed');
    expect(await googleMailKinds('confirm.in.flight@example.org', slotId)).toEqual(['invitation', 'update']);
  });

  it('a confirm of a booking whose request ended before Google had the event changes nothing (503) instead of taking it for a delete in Google', async () => {
    const { host, slotId, booking } = await bookHeldAtGoogle('ended.in.flight@example.org');
    // As if the request had been cut off at its time limit: the mark is out of time, no event yet.
    await sys.db.doc(`slots/${slotId}`).update({ 'inviteInFlight.until': new Date(Date.now() - 1000) });

    await expect(actAsHost(services(), host.id, slotId, 'confirm')).rejects.toBeInstanceOf(HostCalendarUnavailable);

    expect(await stored(slotId)).toMatchObject({ status: 'requested', decision: null });
    expect((await booking).status).toBe(201);
  });

  it("a cancel while the booking's invite is being made waits for the invite, then cancels: the guest is invited, then told", async () => {
    const { host, slotId, booking } = await bookHeldAtGoogle('cancel.in.flight@example.org');

    const cancelled = await actAsHost(services(), host.id, slotId, 'cancel');

    expect((await booking).status).toBe(201);
    expect(cancelled).toMatchObject({ kind: 'done', action: 'cancel', repeated: false, slot: { status: 'cancelled' } });
    expect((await sys.calendarEvent(host, slotId)).status).toBe('cancelled');
    expect(await googleMailKinds('cancel.in.flight@example.org', slotId)).toEqual(['invitation', 'cancellation']);
  });

  it('confirm and cancel at once: whichever comes first, the slot ends as Google has it, and Google heard each action at most once', async () => {
    const { host, slotId, guest } = await bookOne();

    const [confirm, cancel] = await Promise.all([actAsHost(services(), host.id, slotId, 'confirm'), actAsHost(services(), host.id, slotId, 'cancel')]);

    const slot = await stored(slotId);
    const event = await sys.calendarEvent(host, slotId);
    expect(cancel).toMatchObject({ kind: 'done', slot: { status: 'cancelled' } });
    expect(slot.status).toBe('cancelled');
    expect(event.status).toBe('cancelled');
    const kinds = await googleMailKinds(guest, slotId);
    if (confirm.kind === 'done') expect(kinds).toEqual(['invitation', 'update', 'cancellation']);
    else expect(kinds).toEqual(['invitation', 'cancellation']);
  });
});
