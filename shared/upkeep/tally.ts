// What a scheduled run's steps count, and what they share: the page size of their queries and the
// pool (concurrency, deadline) they work in.
import type { UpkeepSummary } from './run-upkeep';
import type { Shard } from './shards';

export type Tally = Omit<UpkeepSummary, 'skipped' | 'durationMs'>;

export type Pool = { concurrency: number; deadline: number; shard?: Shard };

/** Documents read per query page. */
export const PAGE = 500;

export function emptyTally(): Tally {
  return { renewed: 0, healed: 0, reconciled: 0, mailed: 0, invitesSettled: 0, failed: 0, remaining: 0 };
}
