// `npm run ops -- status` as an operator runs it, against the whole local system: the figures
// it counts in Firestore now.
import { services } from '../../../functions/services';
import { watchKey } from '../../../shared/channels/watches';
import { START, UpkeepStateRepository } from '../../../shared/upkeep/upkeep-state';
import { bookedHost } from '../../support/booked-host';
import { startSystem, type TestSystem } from '../../support/system';
import { answer, runOps } from './run-ops';
import { DAY_MS, hostWatchedDaysAgo } from './watched-host';

jest.setTimeout(180_000);

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem();
});
afterAll(() => sys.close());

interface Status {
  channels: { total: number; byState: Record<string, number>; expiringWithin24h: number; expired: number; soonestExpiry: string | null; dirty: number; failing: number };
  lastRun: { shard: string; at: string; running: boolean; summary: Record<string, unknown> | null } | null;
  runs: { shard: string; at: string; running: boolean; summary: Record<string, unknown> | null }[];
  outbox: { depth: number; oldestAgeSeconds: number | null };
  bookings: { byStatus: Record<string, number> };
  pushes: { windowMinutes: number; byOutcome: Record<string, number>; averageLagMs: number | null };
}

it('counts channels by state and expiry, dirty and failing calendars, the last run, the outbox and the day\'s bookings', async () => {
  const empty = await runOps(['status', '--json'], sys.env);
  expect(empty.stderr).toBe('');
  expect(answer<Status>(empty)).toMatchObject({
    channels: { total: 0, byState: { pending: 0, active: 0 }, expiringWithin24h: 0, soonestExpiry: null, dirty: 0, failing: 0 },
    lastRun: null,
    outbox: { depth: 0, oldestAgeSeconds: null },
    bookings: { byStatus: { requested: 0, booked: 0, declined: 0, cancelled: 0 } },
  });

  const booked = await bookedHost(sys, 'status-guest@example.test');
  // Watched 29.5 days ago: the emulator's 30-day channel expires within the next 24 h.
  const soon = await hostWatchedDaysAgo(sys, 29.5);
  await hostWatchedDaysAgo(sys, 1);
  const { channels } = services();
  await channels.watches.refOf(booked.host.id, booked.host.calendarId).update({ errorCount: 2 });
  await channels.watches.ref(watchKey(soon.host.id, soon.host.calendarId)).update({ dirty: true });
  const state = new UpkeepStateRepository(sys.db);
  await state.begin('status-test', new Date(), 60_000);
  await state.end('status-test', START, { renewed: 3, failed: 0 }, new Date(Date.now() - 60_000));
  // Two shards' runs of a sharded install: each keeps its own document; the status shows every one,
  // and the latest as lastRun. (liveBookings lives in the same collection and is not a run.)
  await state.begin('status-shard-0', new Date(), 60_000, { index: 0, count: 2 });
  await state.end('status-shard-0', START, { renewed: 5, failed: 1 }, new Date(), { index: 0, count: 2 });
  await state.begin('status-shard-1', new Date(), 60_000, { index: 1, count: 2 });
  await sys.db.collection('upkeep').doc('liveBookings').set({ checkedUpTo: new Date() }, { merge: true });
  // The sink refuses: the mail waits in the outbox.
  await (await fetch(`${sys.mail.url}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 500, count: 1 }) })).text();
  await services().mailer.send({ to: { email: 'late@example.test' }, subject: 'Booking request', text: 'hello', html: '<p>hello</p>' }, 'status-test:late');

  const run = await runOps(['status', '--json'], sys.env);
  expect(run.status).toBe(0);
  const status = answer<Status>(run);
  expect(status.channels).toMatchObject({ total: 3, byState: { pending: 0, active: 3 }, expiringWithin24h: 1, expired: 0, dirty: 1, failing: 1 });
  expect(Date.parse(status.channels.soonestExpiry!) - Date.now()).toBeLessThan(DAY_MS);
  expect(status.lastRun).toMatchObject({ shard: '1of2', running: true });
  expect(status.runs.map(({ shard, running, summary }) => ({ shard, running, summary }))).toEqual([
    { shard: '0of1', running: false, summary: { renewed: 3, failed: 0 } },
    { shard: '0of2', running: false, summary: { renewed: 5, failed: 1 } },
    { shard: '1of2', running: true, summary: null },
  ]);
  expect(status.outbox.depth).toBe(1);
  expect(status.outbox.oldestAgeSeconds).toBeGreaterThanOrEqual(0);
  expect(status.bookings.byStatus).toEqual({ requested: 1, booked: 0, declined: 0, cancelled: 0 });
  // The pushes the webhooks have written (this process's own wait in memory for their batch).
  expect(status.pushes).toMatchObject({ windowMinutes: 60, byOutcome: { handled: expect.any(Number), coalesced: expect.any(Number), refused: expect.any(Number) } });

  const text = await runOps(['status'], sys.env);
  expect(text.status).toBe(0);
  expect(text.stdout).toMatch(/^channels +3 \(active 3, pending 0\); 1 expiring within 24 h/m);
  expect(text.stdout).toMatch(/^syncs +1 calendars left dirty, 1 failing$/m);
  expect(text.stdout).toMatch(/^run 0of2 +ended .* ago: renewed 5, failed 1$/m);
  expect(text.stdout).toMatch(/^run 1of2 +running now, started .* ago$/m);
  expect(text.stdout).toMatch(/^outbox +1 mails waiting/m);
  expect(text.stdout).toMatch(/^bookings 24h +requested 1, booked 0, declined 0, cancelled 0$/m);
  expect(text.stdout).toMatch(/^pushes 1h +handled \d+, coalesced \d+, refused \d+; push→slot lag .* on average$/m);
});
