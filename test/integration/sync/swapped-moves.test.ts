// The host swaps two bookings' times in Google: two edits, so two changes the sync applies one
// after the other, in either order, in one sync or two. However they are applied, each slot ends
// holding all of its new time, and no guest can book or is offered any part of either.
import { services, syncDeps } from '../../../functions/services';
import { eventIdForSlot } from '../../../shared/google/event-identity';
import { claimIdsFor } from '../../../shared/store/slot-claims';
import { syncChannel } from '../../../shared/sync/sync-channel';
import { availability, book, freeSlot, GUEST } from '../../support/booking-client';
import { startSystem, type TestHost, type TestSystem } from '../../support/system';
import { until } from '../../support/until';
import { channelState } from '../../support/channel-state';

jest.setTimeout(90_000);

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
});
afterAll(() => sys.close());
afterEach(() => sys.control('/push', { mode: 'normal' }));

interface Booking {
  slotId: string;
  start: Date;
  end: Date;
}

async function settled(channelId: string): Promise<void> {
  await until(async () => {
    const channel = await channelState(channelId);
    return channel && !channel.lease && !channel.dirty ? true : undefined;
  }, 'the channel to settle');
}

/** A host with a live channel and two requested bookings, apart from each other, both synced back. */
async function hostWithTwoBookings(): Promise<{ host: TestHost; channelId: string; a: Booking; b: Booking }> {
  const host = await sys.createHost();
  const subscriber = await services().subscribers.get(host.id);
  const { channelId } = await services().channels.ensureChannel(host.id, subscriber!, host.calendarId);
  const made: Booking[] = [];
  for (const n of [0, 3]) {
    const offered = await freeSlot(sys.functionsUrl, host.slug, n);
    const res = await book(sys.functionsUrl, { host: host.slug, start: offered.start, guest: { ...GUEST, email: `swap-${n}@example.org` } });
    expect(res.status).toBe(201);
    const { slotId } = (await res.json()) as { slotId: string };
    made.push({ slotId, start: new Date(offered.start), end: new Date(offered.end) });
  }
  await until(async () => ((await channelState(channelId))?.lastSyncedAt ? true : undefined), 'the bookings to be synced');
  await settled(channelId);
  return { host, channelId, a: made[0]!, b: made[1]! };
}

async function moveInGoogle(host: TestHost, slotId: string, to: { start: Date; end: Date }): Promise<void> {
  const res = await fetch(`${sys.google.url}/calendar/v3/calendars/${encodeURIComponent(host.calendarId)}/events/${eventIdForSlot(slotId)}?sendUpdates=all`, {
    method: 'PATCH',
    headers: { authorization: `Bearer ${await sys.accessToken(host)}`, 'content-type': 'application/json' },
    body: JSON.stringify({ start: { dateTime: to.start.toISOString() }, end: { dateTime: to.end.toISOString() } }),
  });
  expect(res.status).toBe(200);
}

/** The text of the host's "Booking moved" mails, in the order sent, once there are `count` of them. */
async function moveMails(host: TestHost, count: number): Promise<string[]> {
  return until(async () => {
    const texts = (await sys.sinkMessages(host.email)).filter((m) => m.subject.startsWith('Booking moved: ')).map((m) => m.content.map((c) => c.value).join('\n'));
    return texts.length >= count ? texts : undefined;
  }, `${count} move mails to the host`);
}

const OVERLAP = 'overlaps another booking';

async function slotAt(slotId: string, time: { start: Date }): Promise<true | undefined> {
  return (await services().slots.require(slotId)).start.getTime() === time.start.getTime() ? true : undefined;
}

/** After the swap: each slot holds every cell of its new time, and a guest can neither be offered nor book any of it. */
async function expectSwapped(host: TestHost, a: Booking, b: Booking): Promise<void> {
  const [slotA, slotB] = [await services().slots.require(a.slotId), await services().slots.require(b.slotId)];
  expect({ start: slotA.start, end: slotA.end }).toEqual({ start: b.start, end: b.end });
  expect({ start: slotB.start, end: slotB.end }).toEqual({ start: a.start, end: a.end });
  expect(slotA.claimIds).toEqual(claimIdsFor(host.id, b.start, b.end));
  expect(slotB.claimIds).toEqual(claimIdsFor(host.id, a.start, a.end));
  for (const [slotId, time] of [
    [a.slotId, b],
    [b.slotId, a],
  ] as const) {
    for (const cell of claimIdsFor(host.id, time.start, time.end)) expect((await sys.db.collection('slotClaims').doc(cell).get()).get('slotId')).toBe(slotId);
  }
  const offered = (await availability(sys.functionsUrl, host.slug)).slots.map((s) => Date.parse(s.start));
  for (const time of [a, b]) {
    expect(offered.filter((start) => start >= time.start.getTime() - 25 * 60_000 && start < time.end.getTime())).toEqual([]);
    const res = await book(sys.functionsUrl, { host: host.slug, start: time.start.toISOString(), guest: { ...GUEST, email: 'latecomer@example.org' } });
    expect(res.status).toBe(409);
  }
}

describe('two bookings whose times the host swaps in Google', () => {
  it.each([
    ['the first', 'a'],
    ['the second', 'b'],
  ] as const)('each holds all of its new time when %s booking is moved and synced first', async (_name, first) => {
    const { host, channelId, a, b } = await hostWithTwoBookings();
    const [mover, other] = first === 'a' ? [a, b] : [b, a];
    await moveInGoogle(host, mover.slotId, other);
    await until(() => slotAt(mover.slotId, other), 'the first move to be synced');
    await settled(channelId);
    // Halfway: the events overlap in Google. The mover waits behind the other slot, whose cells
    // still hold the time; nothing of it is offered.
    expect((await services().slots.require(mover.slotId)).claimIds).toEqual([]);
    expect((await services().slots.heldTime(host.id, other.start, other.end)).length).toBe(1);
    // The host is told, with the move, that its new time overlaps another booking.
    expect((await moveMails(host, 1))[0]).toContain(OVERLAP);
    await moveInGoogle(host, other.slotId, mover);
    await until(() => slotAt(other.slotId, mover), 'the second move to be synced');
    await settled(channelId);
    await expectSwapped(host, a, b);
    const mails = await moveMails(host, 2);
    expect(mails).toHaveLength(2);
    expect(mails[1]).not.toContain(OVERLAP);
  });

  it('each holds all of its new time when both moves are applied in one sync', async () => {
    const { host, channelId, a, b } = await hostWithTwoBookings();
    await sys.control('/push', { mode: 'drop' });
    await moveInGoogle(host, a.slotId, b);
    await moveInGoogle(host, b.slotId, a);
    const report = await syncChannel(syncDeps(), channelId, 20_000);
    expect(report.outcome).toBe('synced');
    await expectSwapped(host, a, b);
  });

  it('a booking moved onto another keeps waiting behind it and takes its time over when the other is cancelled', async () => {
    const { host, channelId, a, b } = await hostWithTwoBookings();
    await moveInGoogle(host, a.slotId, b);
    await until(() => slotAt(a.slotId, b), 'the move to be synced');
    await settled(channelId);
    await fetch(`${sys.google.url}/calendar/v3/calendars/${encodeURIComponent(host.calendarId)}/events/${eventIdForSlot(b.slotId)}?sendUpdates=all`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${await sys.accessToken(host)}` },
    });
    await until(async () => ((await services().slots.require(b.slotId)).status === 'cancelled' ? true : undefined), 'the other to be cancelled');
    expect((await services().slots.require(a.slotId)).claimIds).toEqual(claimIdsFor(host.id, b.start, b.end));
    const res = await book(sys.functionsUrl, { host: host.slug, start: b.start.toISOString(), guest: { ...GUEST, email: 'latecomer@example.org' } });
    expect(res.status).toBe(409);
  });
});
