// What keeps bookings correct under races, retries and failures.
import { services } from '../../../functions/services';
import type { BookingNotices } from '../../../shared/booking/booking-notices';
import { requestBooking } from '../../../shared/booking/request-booking';
import { eventIdForSlot } from '../../../shared/google/event-identity';
import { createLogger } from '../../../shared/log';
import { slotIdForKey } from '../../../shared/store/booking-requests';
import type { Slot } from '../../../shared/store/slots';
import { availability, book, freeSlot, GUEST } from '../../support/booking-client';
import { startSystem, type TestSystem } from '../../support/system';

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
});
afterAll(() => sys.close());
afterEach(async () => {
  await fetch(`${sys.google.url}/emulator/v1/faults`, { method: 'DELETE' });
  await fetch(`${sys.mail.url}/faults`, { method: 'DELETE' });
});

async function invitesFor(eventId: string): Promise<number> {
  return (await sys.googleMail(GUEST.email)).filter((m) => m.eventId === eventId && m.kind === 'invitation').length;
}

describe('booking guarantees', () => {
  it('twenty guests racing for one time: exactly one gets it, the others a clean 409', async () => {
    const host = await sys.createHost();
    const slot = await freeSlot(sys.functionsUrl, host.slug);
    const answers = await Promise.all(
      Array.from({ length: 20 }, (_, i) =>
        book(sys.functionsUrl, { host: host.slug, start: slot.start, guest: { ...GUEST, email: `racer${i}@example.org` } }),
      ),
    );
    const statuses = answers.map((a) => a.status).sort();
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(19);
    const losers = await Promise.all(answers.filter((a) => a.status === 409).map((a) => a.json()));
    expect(losers.every((l) => (l as { error: string }).error === 'slot_unavailable')).toBe(true);
    const slots = await sys.db.collection('slots').where('subscriberId', '==', host.id).get();
    expect(slots.size).toBe(1);
  });

  it('the same Idempotency-Key returns the first answer and books nothing more', async () => {
    const host = await sys.createHost();
    const slot = await freeSlot(sys.functionsUrl, host.slug);
    const key = 'retry-me-0001';
    const first = await book(sys.functionsUrl, { host: host.slug, start: slot.start }, { 'idempotency-key': key });
    const second = await book(sys.functionsUrl, { host: host.slug, start: slot.start }, { 'idempotency-key': key });
    expect(first.status).toBe(201);
    expect(second.status).toBe(201);
    const [a, b] = [await first.json(), await second.json()];
    expect(b).toEqual(a);
    expect(second.headers.get('idempotent-replayed')).toBe('true');
    expect(await invitesFor(eventIdForSlot((a as { slotId: string }).slotId))).toBe(1);
    expect((await sys.db.collection('slots').where('subscriberId', '==', host.id).get()).size).toBe(1);
  });

  it('an Idempotency-Key reused for another request is refused', async () => {
    const host = await sys.createHost();
    const [one, two] = [await freeSlot(sys.functionsUrl, host.slug, 0), await freeSlot(sys.functionsUrl, host.slug, 3)];
    expect((await book(sys.functionsUrl, { host: host.slug, start: one.start }, { 'idempotency-key': 'k-reused' })).status).toBe(201);
    const reused = await book(sys.functionsUrl, { host: host.slug, start: two.start }, { 'idempotency-key': 'k-reused' });
    expect(reused.status).toBe(422);
    expect(await reused.json()).toMatchObject({ error: 'idempotency_key_reused' });
  });

  it("Google's 429s are ridden out: one event, one invite", async () => {
    const host = await sys.createHost();
    const slot = await freeSlot(sys.functionsUrl, host.slug);
    await sys.control('/faults', { method: 'POST', pathContains: '/events', status: 429, count: 2 });
    const res = await book(sys.functionsUrl, { host: host.slug, start: slot.start });
    expect(res.status).toBe(201);
    const { slotId } = (await res.json()) as { slotId: string };
    expect(await invitesFor(eventIdForSlot(slotId))).toBe(1);
  });

  it('a request that stopped after Google had the event is finished by its retry: the insert answers 409 and counts as done', async () => {
    const host = await sys.createHost();
    const slot = await freeSlot(sys.functionsUrl, host.slug);
    const key = 'stopped-half-way';
    // The same code the function runs, but the instance "stops" right after the calendar step.
    const stopping = {
      ...services(),
      googleInviteEnabled: true,
      log: createLogger({ level: 'silent' }),
      notices: {
        // The invite carries the guest's manage link, made as the function makes it.
        manageUrl: (slotId: string, slot: Slot) => services().notices.manageUrl(slotId, slot),
        bookingMade: () => Promise.reject(new Error('instance stopped')),
      } as unknown as BookingNotices,
    };
    await expect(requestBooking(stopping, { host: host.slug, start: new Date(slot.start), guest: GUEST, message: null }, key)).rejects.toThrow('instance stopped');
    const slotId = slotIdForKey(host.id, key);
    expect(await invitesFor(eventIdForSlot(slotId))).toBe(1);
    expect(await sys.sinkMessages(host.email)).toEqual([]);

    const inserts = async () => ((await sys.control('/requests')) as { byOperation: Record<string, number> }).byOperation['events.insert'] ?? 0;
    const insertsBefore = await inserts();
    const retry = await book(sys.functionsUrl, { host: host.slug, start: slot.start }, { 'idempotency-key': key });
    expect(retry.status).toBe(201);
    expect(((await retry.json()) as { slotId: string }).slotId).toBe(slotId);
    expect(await inserts()).toBe(insertsBefore + 1);
    expect(await invitesFor(eventIdForSlot(slotId))).toBe(1);
    expect(await sys.sinkMessages(host.email)).toHaveLength(1);
  });

  it('when Google keeps failing the answer is 503 and the time stays free', async () => {
    const host = await sys.createHost();
    const slot = await freeSlot(sys.functionsUrl, host.slug);
    await sys.control('/faults', { method: 'POST', pathContains: '/events', status: 503, count: 50 });
    const res = await book(sys.functionsUrl, { host: host.slug, start: slot.start });
    expect(res.status).toBe(503);
    expect(await res.json()).toMatchObject({ error: 'calendar_unavailable' });
    await fetch(`${sys.google.url}/emulator/v1/faults`, { method: 'DELETE' });
    expect((await availability(sys.functionsUrl, host.slug)).slots.map((s) => s.start)).toContain(slot.start);
    expect((await book(sys.functionsUrl, { host: host.slug, start: slot.start })).status).toBe(201);
  });

  it('when SendGrid is down the booking stands and the host mail waits in the outbox', async () => {
    const host = await sys.createHost();
    const slot = await freeSlot(sys.functionsUrl, host.slug);
    await fetch(`${sys.mail.url}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 503, count: 5 }) });
    const res = await book(sys.functionsUrl, { host: host.slug, start: slot.start });
    expect(res.status).toBe(201);
    expect(await sys.sinkMessages(host.email)).toEqual([]);
    const outbox = await sys.db.collection('mailOutbox').where('request.to.email', '==', host.email).get();
    const queued = outbox.docs.map((d) => d.data() as { status: string; attempts: number });
    expect(queued).toEqual([expect.objectContaining({ status: 'pending', attempts: 1 })]);
  });
});
