// Keeps our slots true to a host's calendar: pages through what changed since the calendar's
// sync token, applies each change (./apply-change), and only then saves the next token. A crash
// before the save repeats the changes, which is harmless. 410 → a full resync of our tagged
// events, reconciled both ways, under a fresh token. One sync per calendar at a time, whichever of
// its channels was pushed (./lease, on the calendar's watch: ../channels/watches); the lease is
// checked and extended between pages, and a sync that lost it stops applying. Every Google call
// of a sync ends by the sync's deadline, which is inside its lease. The pushes of a channel that
// reach one instance together take the lease (or mark the calendar dirty) in one round of writes
// (./push-rounds). The same pages keep the calendar's busy time (./keep-busy,
// ../store/busy-store.ts); a full resync rebuilds it. Here: a push's or the scheduler's sync, its
// runs one after another while the calendar stays dirty, and how each run ended; the lease's
// writes are in ./held-lease, one run's pages (and the full resync) in ./sync-run.
import { randomUUID } from 'node:crypto';
import { logEvent } from '../business-events';
import { watchKey } from '../channels/watches';
import { isChangedSinceRead } from '../store/firestore';
import { ConnectionRevoked } from '../google/errors';
import { endRun, LEASE_MS, LeaseLost, releaseDirty, SyncOutOfTime, takeLease } from './held-lease';
import { afterRun } from './lease';
import { PushRounds } from './push-rounds';
import type { SyncDeps } from './sync-deps';
import { runOnce } from './sync-run';

export type { SyncDeps } from './sync-deps';

export interface SyncReport {
  /** `queued`: another sync holds the lease and will run again for us. */
  outcome: 'synced' | 'queued' | 'unknown_channel' | 'left_dirty' | 'connection_lost';
  runs: number;
  changes: number;
}

type Taken = 'acquired' | 'queued' | 'unknown';

/** This instance's rounds of pushes, by channel (module scope: instances are reused). */
const pushRounds = new PushRounds<number | undefined, { key: string; taken: Taken } | undefined>();

/**
 * A push's (or an operator's) sync: the channel's calendar is synced, under its one lease. The
 * pushes of the channel that come while this instance is taking its lease share the next round:
 * the one that opened it syncs (if the lease was free), the others are covered by that sync.
 */
export async function syncChannel(deps: SyncDeps, channelId: string, budgetMs: number, messageNumber?: number): Promise<SyncReport> {
  const holder = randomUUID();
  const { result, opened } = await pushRounds.join(channelId, messageNumber, (numbers) => recordAndTake(deps, channelId, holder, numbers));
  if (!result || result.taken === 'unknown') return { outcome: 'unknown_channel', runs: 0, changes: 0 };
  if (result.taken === 'queued' || !opened) return report(deps, result.key, { outcome: 'queued', runs: 0, changes: 0 });
  return report(deps, result.key, await syncHeld(deps, result.key, holder, budgetMs));
}

/**
 * The round's writes: the highest message number of its pushes, then the lease (or the dirty mark
 * for the holder). The number is for monitoring only (pushes may come reordered), never a
 * watermark: a write conditioned on the channel as read, skipped when another instance wrote first.
 */
async function recordAndTake(deps: SyncDeps, channelId: string, holder: string, numbers: readonly (number | undefined)[]): Promise<{ key: string; taken: Taken } | undefined> {
  const snap = await deps.channels.ref(channelId).get();
  if (!snap.exists) return undefined;
  const key = watchKey(String(snap.get('subscriberId')), String(snap.get('calendarId')));
  const highest = Math.max(0, ...numbers.filter((n) => n !== undefined));
  if (highest > Number(snap.get('lastMessageNumber') ?? 0)) {
    await deps.channels.ref(channelId).update({ lastMessageNumber: highest }, { lastUpdateTime: snap.updateTime! }).catch((error: unknown) => {
      if (!isChangedSinceRead(error)) throw error;
    });
  }
  return { key, taken: await takeLease(deps, key, holder) };
}

/**
 * Runs the calendar's sync within `budgetMs` (Cloud Run throttles work after the response, so
 * nothing runs after we return): what does not fit stays marked dirty for the next push or the
 * scheduler's reconciliation.
 */
export async function syncCalendar(deps: SyncDeps, key: string, budgetMs: number): Promise<SyncReport> {
  const holder = randomUUID();
  const taken = await takeLease(deps, key, holder);
  if (taken === 'unknown') return report(deps, key, { outcome: 'unknown_channel', runs: 0, changes: 0 });
  if (taken === 'queued') return report(deps, key, { outcome: 'queued', runs: 0, changes: 0 });
  return report(deps, key, await syncHeld(deps, key, holder, budgetMs));
}

/** `failed`: the last run ended on an error; `failuresInARow`: the watch's error count after it. */
type HeldReport = SyncReport & { failed?: boolean; failuresInARow?: number };

function report(deps: SyncDeps, key: string, held: HeldReport): SyncReport {
  logEvent(deps.log, 'sync.result', { watch: key, outcome: held.outcome, runs: held.runs, changes: held.changes, failed: held.failed === true, failuresInARow: held.failuresInARow ?? 0 });
  return { outcome: held.outcome, runs: held.runs, changes: held.changes };
}

/**
 * Runs the calendar's sync, again while notifications come during it and time is left, under the
 * lease `holder` took. The budget counts from here, not from the push's arrival: when Firestore is
 * slow to grant the lease, a budget already spent would take the lease only to give it back dirty,
 * and no sync would progress while the slowness lasted.
 */
async function syncHeld(deps: SyncDeps, key: string, holder: string, budgetMs: number): Promise<HeldReport> {
  const deadline = Date.now() + budgetMs;
  let runs = 0;
  let changes = 0;
  let failuresInARow = 0;
  for (;;) {
    runs += 1;
    // The watermark the reconcile trusts: changes made before this moment are in this run's list.
    // Not the end of the run: a change made while it applied the list is not in it.
    const listedFrom = deps.now();
    let ended: 'done' | 'failed' | 'out_of_time' = 'done';
    try {
      changes += await runOnce(deps, key, holder, deadline);
    } catch (error) {
      if (error instanceof ConnectionRevoked) {
        // Released, still dirty: the watch outlives the channels dropped now, and a reconnect's
        // first sync must find the calendar free and what was not applied still to do.
        const watch = await releaseDirty(deps, key, holder);
        if (watch) await deps.connectionLost(watch.subscriberId, watch.channelId ?? undefined);
        return { outcome: 'connection_lost', runs, changes };
      }
      if (error instanceof LeaseLost) {
        deps.log.warn({ watch: key }, 'sync lease taken over: this sync stops; the holder syncs');
        return { outcome: 'left_dirty', runs, changes };
      }
      if (error instanceof SyncOutOfTime || Date.now() >= deadline) ended = 'out_of_time';
      else {
        // Google or Firestore failed after retries: keep the need to sync, let the next push or run do it.
        deps.log.warn({ err: error, watch: key }, 'sync failed; the calendar stays dirty');
        ended = 'failed';
      }
    }
    const next = await endRun(deps, key, holder, async (tx) => {
      const watch = await deps.watches.getIn(tx, key);
      if (!watch) return 'lost' as const;
      const state = ended === 'done' ? watch : { ...watch, dirty: true };
      failuresInARow = ended === 'failed' ? watch.errorCount + 1 : ended === 'done' ? 0 : watch.errorCount;
      const timeLeft = ended === 'done' && Date.now() < deadline;
      const verdict = afterRun(state, holder, deps.now(), LEASE_MS, timeLeft);
      if (verdict.kind === 'lost') return 'lost' as const;
      tx.update(deps.watches.ref(key), {
        lease: verdict.next.lease,
        dirty: verdict.next.dirty,
        ...(ended === 'failed' ? { errorCount: watch.errorCount + 1 } : ended === 'done' ? { errorCount: 0, lastSyncedAt: listedFrom } : {}),
      });
      return verdict.kind === 'again' ? ('again' as const) : verdict.next.dirty ? ('left_dirty' as const) : ('synced' as const);
    });
    if (next === 'again') continue;
    return { outcome: next === 'lost' ? 'left_dirty' : next, runs, changes, failed: ended === 'failed', failuresInARow };
  }
}
