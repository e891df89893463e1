// The run's reconcile (step 3): an incremental sync of every watched calendar not synced lately,
// so a lost push is caught by the next run.
import type { Watch } from '../channels/watches';
import { syncCalendar } from '../sync/sync-channel';
import { forEachWithin } from '../work-pool';
import { needsReconcile } from './decisions';
import { healIfCalendarGone } from './gone-calendars';
import { COSTS } from './call-budget';
import { reconcileIntervalFor } from './live-bookings';
import type { UpkeepDeps } from './run-upkeep';
import { emptyTally, mayCall, PAGE, rangeOf, type Pool, type Tally } from './tally';

/** The most one reconciliation sync may take; its own budget stops it (it stays dirty). */
export const SYNC_BUDGET_MS = 30_000;

/**
 * An incremental sync of every watched calendar not synced since `intervalMs` before the run began
 * (with the default 0, every one: a push lost after a calendar's last sync is caught by this run).
 * Oldest first, page by page: a calendar synced here drops out of the query. One whose lease is
 * held is not counted as reconciled: its holder syncs it once more (it is marked dirty), and if
 * the holder dies, the next run finds it dirty with the lease run out. One whose sync fails stays
 * in the queries; Google is then asked whether its calendar is still there (./gone-calendars).
 */
export async function reconcile(deps: UpkeepDeps, options: Pool & { intervalMs: number; idleIntervalMs?: number; pageSize?: number }): Promise<Tally> {
  const now = deps.now();
  // Calendars with live bookings at `intervalMs`, first; the others at `idleIntervalMs` (./live-bookings).
  const intervals = { liveMs: options.intervalMs, idleMs: options.idleIntervalMs ?? options.intervalMs };
  const cutoff = new Date(now.getTime() - intervals.liveMs);
  const idleCutoff = new Date(now.getTime() - intervals.idleMs);
  const pageSize = options.pageSize ?? PAGE;
  const tally = emptyTally();
  const one = async ({ key, watch }: { key: string; watch: Watch }): Promise<void> => {
    if (!(await mayCall(deps, COSTS.reconcile, options.deadline))) {
      tally.remaining += 1;
      return;
    }
    try {
      const budget = Math.max(1_000, Math.min(SYNC_BUDGET_MS, options.deadline - Date.now()));
      const report = await syncCalendar(deps.sync, key, budget);
      if (report.outcome === 'synced') tally.reconciled += 1;
      else if (report.outcome === 'queued') tally.remaining += 1;
      else if (report.outcome === 'connection_lost') tally.healed += 1;
      else if (report.outcome === 'left_dirty') {
        if (await healIfCalendarGone(deps, watch.subscriberId, watch.calendarId)) tally.healed += 1;
        else tally.failed += 1;
      }
    } catch (error) {
      deps.log.warn({ err: error, watch: key }, 'reconcile: the sync could not run');
      tally.failed += 1;
    }
  };
  // A calendar whose sync fails stays at the head of both queries (still dirty, still the longest
  // ago synced). So each read asks for as many more as this run has seen: those take at most one
  // place each, the page reaches past them, and a page with nothing new is the end of the query.
  // Calendars that fail every run cannot keep the others from being reconciled. (Those synced
  // have left the query, so later pages are larger: the run reads each calendar once, plus the
  // failing ones once a page.)
  const seen = new Set<string>();
  const range = rangeOf(options.shard);
  const queries = [
    (limit: number) => deps.channels.watches.awaitingSync(limit, range),
    (limit: number) => deps.channels.watches.liveSyncedBefore(now, cutoff, limit, range),
    (limit: number) => deps.channels.watches.syncedBefore(idleCutoff, limit, range),
  ] as const;
  for (const query of queries) {
    for (;;) {
      const fresh = new Map((await query(pageSize + seen.size)).filter(({ key }) => !seen.has(key)).map((item) => [item.key, item]));
      if (fresh.size === 0) break;
      for (const key of fresh.keys()) seen.add(key);
      const due = [...fresh.values()].filter(({ watch }) => needsReconcile(watch, now, reconcileIntervalFor(watch, now, intervals)));
      const started = await forEachWithin(due, options, one);
      if (started < due.length) return { ...tally, remaining: tally.remaining + due.length - started };
      if (Date.now() >= options.deadline) return { ...tally, remaining: tally.remaining + (await queries[2](pageSize + seen.size)).filter(({ key }) => !seen.has(key)).length };
    }
  }
  return tally;
}
