// The small version of the upkeep's scale simulation (issue 16): 9 hosts over 3 shards, 30 simulated
// hours of hourly runs of every shard at once, against the emulator with our clock and its moved
// together. Every push is lost from the start (only the reconcile sees changes), Google fails some
// watches, and the shards share one paced rate of Calendar calls. Checked every hour: every
// host's calendar has a channel of ours live until the next check, no window's reservations pass
// the rate, and a guest's decline whose push was lost is applied by the next run (its host has a
// live booking, so its calendar is reconciled every run).
import { services, upkeepDeps } from '../../../functions/services';
import { eventIdForSlot } from '../../../shared/google/event-identity';
import { CallPacer } from '../../../shared/upkeep/call-budget';
import { firestoreReserve } from '../../../shared/upkeep/call-budget-store';
import { LiveBookings } from '../../../shared/upkeep/live-bookings';
import { runUpkeep, type UpkeepOptions } from '../../../shared/upkeep/run-upkeep';
import { book, freeSlot, GUEST } from '../../support/booking-client';
import { simClock, type SimClock } from '../../support/sim-clock';
import { startSystem, type TestHost, type TestSystem } from '../../support/system';

jest.setTimeout(600_000);

const HOUR = 3_600_000;
const HOSTS = 9;
const SHARDS = 3;
/** 30 hours: each channel of a day is renewed at least once; kept short for CI's 2 cores. */
const HOURS = 30;
/** A real second stands for the minute: at most this many calls in it, over all shards. */
const LIMIT = 60;
const OPTIONS: UpkeepOptions = { windowMs: 48 * HOUR, reconcileIntervalMs: 0, idleReconcileIntervalMs: 24 * HOUR, budgetMs: 20_000, concurrency: 4 };

let sys: TestSystem;
let clock: SimClock;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true', LOG_LEVEL: 'silent' });
  clock = simClock(sys);
  // Channels of a day: each is renewed at least once in the 30 hours.
  await sys.control('/channel-policy', { maxTtlSeconds: 24 * 3600 });
});
afterAll(async () => {
  clock.restore();
  await sys.close();
});

interface LiveChannel {
  id: string;
  calendarId: string;
  expiration: number;
}

async function uncovered(hosts: TestHost[], horizon: number): Promise<string[]> {
  const ours = new Set((await services().channels.channels.all()).map(({ id }) => id));
  const live = (await sys.control<LiveChannel[]>('/channels')).filter((channel) => ours.has(channel.id) && channel.expiration >= horizon);
  return hosts.filter((host) => !live.some((channel) => channel.calendarId === host.calendarId)).map((host) => host.calendarId);
}

it('no channel dies, no lost change waits past the next run, and the shards keep under the rate', async () => {
  const s = services();
  const hosts: TestHost[] = [];
  for (let i = 0; i < HOSTS; i += 1) {
    const host = await sys.createHost();
    await s.channels.ensureChannel(host.id, (await s.subscribers.get(host.id))!, host.calendarId);
    hosts.push(host);
  }
  // Three hosts have a booking each, for a guest who declines later while every push is lost.
  const declines = new Map<number, { host: TestHost; slotId: string; email: string }>();
  for (const [n, hour] of [5, 17, 29].entries()) {
    const host = hosts[n]!;
    const email = `guest-${n}@example.org`;
    const offered = await freeSlot(sys.functionsUrl, host.slug, 40);
    const res = await book(sys.functionsUrl, { host: host.slug, start: offered.start, guest: { ...GUEST, email } });
    expect(res.status).toBe(201);
    declines.set(hour, { host, slotId: ((await res.json()) as { slotId: string }).slotId, email });
  }
  await sys.control('/push', { mode: 'drop' });

  const deps = { ...upkeepDeps(), live: new LiveBookings(sys.db) };
  const pace = { limit: LIMIT, windowMs: 1_000, block: 10, now: Date.now, sleep: (ms: number) => new Promise<void>((wake) => setTimeout(wake, ms)) };
  const problems: string[] = [];
  let declined: { slotId: string; hour: number } | undefined;
  for (let hour = 0; hour < HOURS; hour += 1) {
    const change = declines.get(hour);
    if (change) {
      const eventId = eventIdForSlot(change.slotId);
      await sys.control(`/calendars/${encodeURIComponent(change.host.calendarId)}/events/${eventId}/respond`, { email: change.email, responseStatus: 'declined' });
      declined = { slotId: change.slotId, hour };
    }
    // Google fails a few watches this hour: the renewal is tried again next run.
    if (hour % 5 === 0) await sys.control('/faults', { pathContains: '/watch', status: 503, count: 2 });
    await Promise.all(
      Array.from({ length: SHARDS }, (_, index) => runUpkeep({ ...deps, pacer: new CallPacer(firestoreReserve(sys.db, LIMIT), pace) }, { ...OPTIONS, shard: { index, count: SHARDS } })),
    );
    if (declined) {
      const status = (await s.slots.require(declined.slotId)).status;
      if (status !== 'declined') problems.push(`hour ${hour}: the decline made at hour ${declined.hour} is not applied (${status})`);
      declined = undefined;
    }
    await clock.advance(HOUR);
    for (const calendarId of await uncovered(hosts, clock.now().getTime())) problems.push(`hour ${hour}: ${calendarId} has no channel of ours live`);
  }
  expect(problems).toEqual([]);
  const windows = (await sys.db.collection('upkeepCalls').get()).docs.map((doc) => doc.get('reserved') as number);
  expect(Math.max(...windows)).toBeLessThanOrEqual(LIMIT);
});
