// The reconcile takes the calendars with live bookings every run and the others within the idle
// bound (shared/upkeep/live-bookings.ts): the run marks the calendars whose slots became live,
// from the slots changed since its last mark.
import { services, upkeepDeps } from '../../../functions/services';
import { watchKey } from '../../../shared/channels/watches';
import { LiveBookings } from '../../../shared/upkeep/live-bookings';
import { runUpkeep, type UpkeepOptions } from '../../../shared/upkeep/run-upkeep';
import { book, freeSlot, GUEST } from '../../support/booking-client';
import { startSystem, type TestHost, type TestSystem } from '../../support/system';

jest.setTimeout(90_000);

const HOUR = 3_600_000;
const OPTIONS: UpkeepOptions = { windowMs: 48 * HOUR, reconcileIntervalMs: 0, idleReconcileIntervalMs: 24 * HOUR, budgetMs: 30_000, concurrency: 4 };
let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
});
afterAll(() => sys.close());

async function watchedHost(): Promise<TestHost> {
  const host = await sys.createHost();
  const s = services();
  await s.channels.ensureChannel(host.id, (await s.subscribers.get(host.id))!, host.calendarId);
  return host;
}

async function lastSynced(host: TestHost): Promise<number> {
  const snap = await sys.db.collection('googleCalendarWatches').doc(watchKey(host.id, host.calendarId)).get();
  return (snap.get('lastSyncedAt') as { toMillis(): number }).toMillis();
}

it('a calendar with a live booking is reconciled every run; one without, not again within the idle bound', async () => {
  const booked = await watchedHost();
  const idle = await watchedHost();
  const slot = await freeSlot(sys.functionsUrl, booked.slug, 0);
  expect((await book(sys.functionsUrl, { host: booked.slug, start: slot.start, guest: GUEST })).status).toBe(201);
  const deps = { ...upkeepDeps(), live: new LiveBookings(sys.db) };

  await runUpkeep(deps, OPTIONS);
  const watch = await sys.db.collection('googleCalendarWatches').doc(watchKey(booked.id, booked.calendarId)).get();
  expect((watch.get('liveUntil') as { toDate(): Date }).toDate()).toEqual(new Date(slot.end));
  expect((await sys.db.collection('googleCalendarWatches').doc(watchKey(idle.id, idle.calendarId)).get()).get('liveUntil')).toBeUndefined();
  const [bookedBefore, idleBefore] = [await lastSynced(booked), await lastSynced(idle)];

  await runUpkeep(deps, OPTIONS);
  expect(await lastSynced(booked)).toBeGreaterThan(bookedBefore);
  expect(await lastSynced(idle)).toBe(idleBefore);

  // Past the idle bound, the calendar without bookings is reconciled too.
  await runUpkeep(deps, { ...OPTIONS, idleReconcileIntervalMs: 0 });
  expect(await lastSynced(idle)).toBeGreaterThan(idleBefore);
});
