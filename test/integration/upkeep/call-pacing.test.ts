// Two shards' runs at once spend Calendar calls from one per-project counter in Firestore
// (shared/upkeep/call-budget.ts): in no window do they reserve more than the limit, the calls the
// emulator saw are within what was reserved, and what did not fit is left for the next run.
import { services, upkeepDeps } from '../../../functions/services';
import { CallPacer, type PacerOptions } from '../../../shared/upkeep/call-budget';
import { firestoreReserve } from '../../../shared/upkeep/call-budget-store';
import { runUpkeep, type UpkeepOptions } from '../../../shared/upkeep/run-upkeep';
import { startSystem, type TestSystem } from '../../support/system';

jest.setTimeout(120_000);

const HOUR = 3_600_000;
/** A window of 2 s stands for the minute: 8 calls a window, in blocks of 4. */
const LIMIT = 8;
const PACE: Omit<PacerOptions, 'limit'> = { windowMs: 2_000, block: 4, now: Date.now, sleep: (ms) => new Promise((wake) => setTimeout(wake, ms)) };
let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
});
afterAll(() => sys.close());

it('two shards together never reserve more than the rate in a window; the emulator saw no more calls than were reserved', async () => {
  const s = services();
  for (let i = 0; i < 10; i += 1) {
    const host = await sys.createHost();
    await s.channels.ensureChannel(host.id, (await s.subscribers.get(host.id))!, host.calendarId);
  }
  const soon = new Date(Date.now() + HOUR);
  await Promise.all((await sys.db.collection('googleCalendarChannels').get()).docs.map((doc) => doc.ref.update({ expiration: soon })));
  const before = (await sys.control<{ total: number }>('/requests')).total;

  const options: UpkeepOptions = { windowMs: 48 * HOUR, reconcileIntervalMs: 0, budgetMs: 5_000, concurrency: 4 };
  const pacers = [0, 1].map(() => new CallPacer(firestoreReserve(sys.db, LIMIT), { limit: LIMIT, ...PACE }));
  const summaries = await Promise.all(pacers.map((pacer, index) => runUpkeep({ ...upkeepDeps(), pacer }, { ...options, shard: { index, count: 2 } })));

  const windows = (await sys.db.collection('upkeepCalls').get()).docs.map((doc) => doc.get('reserved') as number);
  expect(windows.length).toBeGreaterThanOrEqual(2);
  for (const reserved of windows) expect(reserved).toBeLessThanOrEqual(LIMIT);
  const reserved = pacers.reduce((sum, pacer) => sum + pacer.reserved, 0);
  expect(windows.reduce((a, b) => a + b, 0)).toBe(reserved);
  const calls = (await sys.control<{ total: number }>('/requests')).total - before;
  expect(calls).toBeLessThanOrEqual(reserved);
  // 10 renewals (20 calls) and 10 reconciles do not fit in ~3 windows of 8: the rest is left.
  expect(summaries.reduce((sum, summary) => sum + summary.remaining, 0)).toBeGreaterThan(0);
  expect(summaries.reduce((sum, summary) => sum + summary.renewed, 0)).toBeGreaterThan(0);
});
