// What a scheduled run's steps count, and what they share: the page size of their queries and the
// pool (concurrency, deadline, shard) they work in, and the project's rate of Calendar calls.
import type { UpkeepDeps, UpkeepSummary } from './run-upkeep';
import { bucketRange, isWhole, type Shard } from './shards';

export type Tally = Omit<UpkeepSummary, 'skipped' | 'durationMs'>;

export type Pool = { concurrency: number; deadline: number; shard?: Shard };

/** Documents read per query page. */
export const PAGE = 500;

export function emptyTally(): Tally {
  return { renewed: 0, healed: 0, reconciled: 0, mailed: 0, invitesSettled: 0, stepsSettled: 0, failed: 0, remaining: 0 };
}

/** Whether the project's rate leaves room for `cost` more calls before the deadline (always, unpaced). */
export async function mayCall(deps: Pick<UpkeepDeps, 'pacer'>, cost: number, deadline: number): Promise<boolean> {
  return deps.pacer ? deps.pacer.take(cost, deadline) : true;
}

/** The buckets a shard's queries keep to; none for the whole install (documents without one too). */
export function rangeOf(shard: Shard | undefined): { from: number; to: number } | undefined {
  return shard && !isWhole(shard) ? bucketRange(shard) : undefined;
}

