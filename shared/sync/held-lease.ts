// The calendar's sync lease as written on its watch (the rules are in ./lease): taken or the
// calendar marked dirty by a push, kept between pages, given back at the end of a run, and every
// write of a run's own progress made only while the lease is still its own.
import type { Transaction } from '@google-cloud/firestore';
import type { Watch } from '../channels/watches';
import { isChangedSinceRead } from '../store/firestore';
import { requestLease } from './lease';
import type { SyncDeps } from './sync-deps';

/** Longer than any sync's budget (webhook 8 s, scheduled 30 s, ops 60 s), extended between pages. */
export const LEASE_MS = 2 * 60_000;

/** Another sync took the calendar's lease (ours ran out): whatever we hold is older than theirs. */
export class LeaseLost extends Error {
  constructor(readonly key: string) {
    super(`the sync lease of ${key} was taken over`);
    this.name = 'LeaseLost';
  }
}

/** The sync's budget is spent: the rest is left dirty for the next push or scheduled run. */
export class SyncOutOfTime extends Error {
  constructor(readonly key: string) {
    super(`the sync of ${key} ran out of time`);
    this.name = 'SyncOutOfTime';
  }
}

/**
 * Records how a run ended, in a transaction. If that transaction cannot commit (Firestore under
 * contention answers a lock timeout after its retries), the lease is still given back, by a write
 * conditioned on the watch being unchanged, with the calendar left dirty: otherwise every push for
 * the lease's remaining life would find it held and count itself covered, and nothing would sync.
 */
export async function endRun(deps: SyncDeps, key: string, holder: string, record: (tx: Transaction) => Promise<'again' | 'lost' | 'left_dirty' | 'synced'>): Promise<'again' | 'lost' | 'left_dirty' | 'synced'> {
  try {
    return await deps.db.runTransaction(record);
  } catch (error) {
    deps.log.warn({ err: error, watch: key }, 'could not record the end of a sync; its lease is given back and the calendar stays dirty');
    await giveBackLease(deps, key, holder);
    return 'left_dirty';
  }
}

/** Gives the lease back if still ours, the calendar dirty; not a transaction (see takeLease). */
async function giveBackLease(deps: SyncDeps, key: string, holder: string): Promise<void> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const read = await deps.watches.snapshot(key);
    if (read?.watch.lease?.holder !== holder) return;
    try {
      await deps.watches.ref(key).update({ lease: null, dirty: true }, { lastUpdateTime: read.updateTime });
      return;
    } catch (error) {
      if (!isChangedSinceRead(error)) throw error;
    }
  }
}

/**
 * Takes the lease, or marks the calendar dirty for the holder. Not a transaction: a write
 * conditioned on the document being unchanged since we read it. Under a burst, one push wins each
 * round and the others read again, find the calendar already dirty, and write nothing — where a
 * hundred transactions on one document would abort each other (DESIGN: contention).
 */
export async function takeLease(deps: SyncDeps, key: string, holder: string): Promise<'acquired' | 'queued' | 'unknown'> {
  for (let attempt = 0; attempt < 20; attempt += 1) {
    const read = await deps.watches.snapshot(key);
    if (!read) return 'unknown';
    const request = requestLease(read.watch, holder, deps.now(), LEASE_MS);
    if (request.kind === 'queued' && read.watch.dirty) return 'queued';
    try {
      await deps.watches.ref(key).update({ lease: request.next.lease, dirty: request.next.dirty }, { lastUpdateTime: read.updateTime });
      return request.kind;
    } catch (error) {
      if (!isChangedSinceRead(error)) throw error;
    }
  }
  // Still contended after many rounds: someone is writing this calendar's watch continuously,
  // which means a sync is running; ours is covered by the scheduler's reconciliation at worst.
  return 'queued';
}

/** Gives the lease back (if still ours), leaving the calendar dirty. */
export async function releaseDirty(deps: SyncDeps, key: string, holder: string): Promise<Watch | undefined> {
  return deps.db.runTransaction(async (tx) => {
    const watch = await deps.watches.getIn(tx, key);
    if (watch?.lease?.holder === holder) tx.update(deps.watches.ref(key), { lease: null, dirty: true });
    return watch;
  });
}

/**
 * Between pages: the lease is still ours (else LeaseLost: stop, the new holder syncs) and runs on
 * for another LEASE_MS; time is left in our budget (else SyncOutOfTime).
 */
export async function keepLease(deps: SyncDeps, key: string, holder: string, deadline: number): Promise<void> {
  if (Date.now() >= deadline) throw new SyncOutOfTime(key);
  await deps.db.runTransaction(async (tx) => {
    const watch = await deps.watches.getIn(tx, key);
    if (watch?.lease?.holder !== holder) throw new LeaseLost(key);
    tx.update(deps.watches.ref(key), { lease: { holder, until: new Date(deps.now().getTime() + LEASE_MS) } });
  });
}

export async function updateWhileHeld(deps: SyncDeps, key: string, holder: string, fields: Partial<Watch>): Promise<void> {
  await deps.db.runTransaction(async (tx) => {
    const watch = await deps.watches.getIn(tx, key);
    if (watch?.lease?.holder !== holder) throw new LeaseLost(key);
    tx.update(deps.watches.ref(key), fields);
  });
}
