// A host's buffers before and after each booking, through the booking API and the local stack
// (Firestore, the Google Calendar emulator): the claim cells hold them, availability honours
// them, and a reschedule's new time is checked with the slot's own time counted as free.
import { DateTime } from 'luxon';
import { services } from '../../../functions/services';
import { busyTime, checkNewTime } from '../../../shared/booking/availability-service';
import { SlotUnavailable } from '../../../shared/booking/errors';
import { claimIdsFor } from '../../../shared/store/slot-claims';
import { availability, book, freeSlot, GUEST, type OfferedSlot } from '../../support/booking-client';
import { startSystem, type TestHost, type TestSystem } from '../../support/system';

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
});
afterAll(() => sys.close());

const MINUTE = 60_000;
const plus = (iso: string, minutes: number): string => new Date(Date.parse(iso) + minutes * MINUTE).toISOString();

/** A host (30-minute slots on a 30-minute grid, every day) with these buffers. */
async function hostWithBuffers(beforeMinutes: number, afterMinutes: number): Promise<TestHost> {
  const host = await sys.createHost();
  await sys.db.collection('subscribers').doc(host.id).update({ 'schedule.bufferBeforeMinutes': beforeMinutes, 'schedule.bufferAfterMinutes': afterMinutes });
  return host;
}

async function bookAt(host: TestHost, start: string, email = GUEST.email): Promise<Response> {
  return book(sys.functionsUrl, { host: host.slug, start, guest: { ...GUEST, email } });
}

async function booked(host: TestHost, start: string, email?: string): Promise<string> {
  const res = await bookAt(host, start, email);
  if (res.status !== 201) throw new Error(`booking answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { slotId: string }).slotId;
}

async function offered(host: TestHost): Promise<string[]> {
  return (await availability(sys.functionsUrl, host.slug)).slots.map((s: OfferedSlot) => s.start);
}

/**
 * 09:00 in the test host's zone (free all day, every day) of a day well ahead: the times hours
 * either side of it are on the same day whatever the hour the test runs at (see freeSlot).
 */
async function morningSlot(host: TestHost): Promise<string> {
  const found = (await freeSlot(sys.functionsUrl, host.slug)).start;
  const local = DateTime.fromISO(found, { zone: 'Europe/Berlin' });
  if (local.hour !== 9 || local.minute !== 0) throw new Error(`the first free time counted from 09:00 is ${local.toISO()}`);
  return found;
}

describe('buffers around bookings', () => {
  it('a booking holds its buffers: the time right after it is refused (409 taken) and not offered; the time after the buffer is', async () => {
    const host = await hostWithBuffers(0, 15);
    const first = { start: await morningSlot(host) };
    const slotId = await booked(host, first.start);

    const slot = await services().slots.require(slotId);
    expect(slot.buffer).toEqual({ beforeMinutes: 0, afterMinutes: 15 });
    expect(slot.claimIds).toEqual(claimIdsFor(host.id, new Date(first.start), new Date(plus(first.start, 45))));

    const times = await offered(host);
    expect(times).not.toContain(plus(first.start, 30));
    expect(times).toContain(plus(first.start, 60));

    const right = await bookAt(host, plus(first.start, 30), 'right.after@example.org');
    expect(right.status).toBe(409);
    expect(await right.json()).toMatchObject({ error: 'slot_unavailable', reason: 'taken' });
    expect((await bookAt(host, plus(first.start, 60), 'after.buffer@example.org')).status).toBe(201);
  });

  it("a booking's buffer before keeps the time just ahead of it, and the two buffers add up", async () => {
    const host = await hostWithBuffers(15, 15);
    const first = { start: await morningSlot(host) };
    await booked(host, first.start);
    // Held: [start - 15, start + 45). Before it: the slot ending at start needs [start - 45, start + 15).
    const times = await offered(host);
    expect(times).not.toContain(plus(first.start, -30));
    expect(times).not.toContain(plus(first.start, 30));
    // The next slot whose own buffer before (15) starts after the first's buffer after (15).
    expect(times).toContain(plus(first.start, 60));
    expect(times).toContain(plus(first.start, -60));
    expect((await bookAt(host, plus(first.start, -30), 'before@example.org')).status).toBe(409);
    expect((await bookAt(host, plus(first.start, 60), 'after@example.org')).status).toBe(201);
  });

  it('guests racing for adjacent times within each other\'s buffer: exactly one wins', async () => {
    const host = await hostWithBuffers(0, 15);
    const first = { start: await morningSlot(host) };
    const answers = await Promise.all(
      Array.from({ length: 8 }, (_, i) => bookAt(host, i % 2 === 0 ? first.start : plus(first.start, 30), `racer${i}@example.org`)),
    );
    const statuses = answers.map((a) => a.status);
    expect(statuses.filter((s) => s === 201)).toHaveLength(1);
    expect(statuses.filter((s) => s === 409)).toHaveLength(7);
    expect((await sys.db.collection('slots').where('subscriberId', '==', host.id).get()).size).toBe(1);
  });

  it('a slot keeps the buffers it was booked with when the host changes them', async () => {
    const host = await hostWithBuffers(0, 15);
    const first = { start: await morningSlot(host) };
    const slotId = await booked(host, first.start);
    await sys.db.collection('subscribers').doc(host.id).update({ 'schedule.bufferAfterMinutes': 0 });
    expect((await services().slots.require(slotId)).buffer).toEqual({ beforeMinutes: 0, afterMinutes: 15 });
    // Its cells still hold the buffer: the time right after it stays taken.
    expect((await bookAt(host, plus(first.start, 30), 'later@example.org')).status).toBe(409);
  });
});

describe('checking a new time for a slot (checkNewTime)', () => {
  async function check(host: TestHost, slotId: string, start: string): Promise<{ start: Date; end: Date }> {
    const subscriber = await services().subscribers.get(host.id);
    const slot = await services().slots.require(slotId);
    return checkNewTime(services(), host.id, subscriber!, slotId, slot, new Date(start));
  }

  it("counts the slot's own cells and its own Google event as free: a move by less than its length is free", async () => {
    const host = await hostWithBuffers(0, 15);
    const first = { start: await morningSlot(host) };
    const slotId = await booked(host, first.start);
    // Google reports the slot's own event busy (its cells left out here, its event not).
    const subscriber = await services().subscribers.get(host.id);
    const elsewhere = { start: new Date(0), end: new Date(MINUTE) };
    const google = await busyTime(services(), host.id, subscriber!, { start: new Date(first.start), end: new Date(plus(first.start, 30)) }, { slotId, event: elsewhere });
    expect(google.length).toBeGreaterThan(0);
    await expect(check(host, slotId, plus(first.start, 30))).resolves.toEqual({ start: new Date(plus(first.start, 30)), end: new Date(plus(first.start, 60)) });
    await expect(check(host, slotId, first.start)).resolves.toEqual({ start: new Date(first.start), end: new Date(plus(first.start, 30)) });
  });

  it("another booking's time or buffer → taken; off the grid or inside the minimum notice → not_offered", async () => {
    const host = await hostWithBuffers(0, 15);
    // Three hours on from a morning time stay inside the day whatever the hour the test runs at
    // (from the first times offered, +150 minutes ran past the day's last slot in the evening).
    const first = { start: await morningSlot(host) };
    const slotId = await booked(host, first.start);
    await booked(host, plus(first.start, 120), 'other@example.org');
    const reason = (start: string) => check(host, slotId, start).then(() => 'free', (error: unknown) => (error instanceof SlotUnavailable ? error.reason : String(error)));
    // [+90, +135) meets the other booking at +120; [+150, +195) meets its buffer after (to +165).
    expect(await reason(plus(first.start, 90))).toBe('taken');
    expect(await reason(plus(first.start, 150))).toBe('taken');
    expect(await reason(plus(first.start, 180))).toBe('free');
    expect(await reason(plus(first.start, 5))).toBe('not_offered');
    // On the grid, but inside the minimum notice (half an hour before the first time offered).
    const soonest = (await availability(sys.functionsUrl, host.slug)).slots[0]!.start;
    expect(await reason(plus(soonest, -30))).toBe('not_offered');
  });
});
