// The reconcile under calendars that fail on every run: it pages past them, so every healthy
// calendar is still reconciled in one run, and a calendar Google says is gone (404) is healed
// (its channel stopped and forgotten, the host told once) instead of failing forever. A small page
// size stands in for the 500 of a deployed run.
import { services, upkeepDeps } from '../../../functions/services';
import { watchKey } from '../../../shared/channels/watches';
import { reconcile, runUpkeep } from '../../../shared/upkeep/run-upkeep';
import { startSystem, type TestHost, type TestSystem } from '../../support/system';

jest.setTimeout(120_000);

const PAGE_SIZE = 2;

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

const watchOf = async (host: TestHost) => services().channels.watches.get(watchKey(host.id, host.calendarId));

/** Every call on the host's calendar (listing, watching) answers `status` from now on. */
async function failCalendar(host: TestHost, status: number, reason: string): Promise<void> {
  await sys.control('/faults', { pathContains: `/calendars/${encodeURIComponent(host.calendarId)}/`, status, reason, count: 10_000 });
}

const run = (concurrency: number) => reconcile(upkeepDeps(), { concurrency, deadline: Date.now() + 60_000, intervalMs: 0, pageSize: PAGE_SIZE });

async function goneMails(host: TestHost): Promise<number> {
  return (await sys.sinkMessages(host.email)).filter((m) => m.subject === 'Your booking calendar is gone from Google').length;
}

it('every healthy calendar is reconciled in one run past pages of calendars that fail every time, and a calendar Google says is gone is healed once', async () => {
  // Created first, so the failing ones sort first by id (never synced) and, synced one at a time
  // below, are the longest ago synced: each page the reconcile reads starts with them.
  const failing = [await watchedHost(), await watchedHost(), await watchedHost(), await watchedHost()];
  const gone = await watchedHost();
  const healthy = [await watchedHost(), await watchedHost(), await watchedHost()];
  const first = await run(1);
  expect(first).toMatchObject({ reconciled: 8, failed: 0 });

  for (const host of failing) await failCalendar(host, 403, 'forbidden');
  await failCalendar(gone, 404, 'notFound');

  for (const round of [1, 2]) {
    const started = new Date();
    const tally = await run(2);
    // The second run finds the failing ones dirty (their syncs failed): the same, from the other query.
    expect(tally).toMatchObject({ reconciled: healthy.length, failed: failing.length, healed: round === 1 ? 1 : 0, remaining: 0 });
    for (const host of healthy) expect((await watchOf(host))!.lastSyncedAt!.getTime()).toBeGreaterThanOrEqual(started.getTime());
    for (const host of failing) expect((await watchOf(host))!.lastSyncedAt!.getTime()).toBeLessThan(started.getTime());
  }

  // The gone calendar: no channel left at Google or with us, no longer reconciled, the host told once.
  expect((await sys.control<{ calendarId: string }[]>('/channels')).filter((c) => c.calendarId === gone.calendarId)).toEqual([]);
  expect(await services().channels.channels.ofHost(gone.id)).toEqual([]);
  expect((await watchOf(gone))?.watched).toBe(false);
  expect(await goneMails(gone)).toBe(1);
  // The failing ones are not gone: they keep their channels and are tried again next run.
  for (const host of failing) expect(await services().channels.channels.ofHost(host.id)).toHaveLength(1);

  // A whole scheduled run: the heal finds the gone calendar still the host's default with no
  // channel, tries to watch it, meets the same 404 and counts no failure; the host is not told twice.
  const summary = await runUpkeep(upkeepDeps(), { windowMs: 0, reconcileIntervalMs: 0, budgetMs: 30_000, concurrency: 2 });
  expect(summary).toMatchObject({ reconciled: healthy.length, failed: failing.length, remaining: 0 });
  expect(await services().channels.channels.ofHost(gone.id)).toEqual([]);
  expect(await goneMails(gone)).toBe(1);
});
