// Which part of the install one scheduled run works on (issue 16: one run cannot do 100,000 hosts).
// Every watch and channel carries a `bucket` (../channels/watches: a stable hash of the watch key,
// written with the document), and shard `index` of `count` covers a contiguous range of buckets.
// The shard number itself is never stored: changing the number of shards re-partitions the
// buckets without rewriting a document, and since each count's ranges cover every bucket exactly
// once, the old jobs or the new ones (or both, while the deploy swaps them) cover every channel.
import { z } from 'zod';
import { BUCKETS } from '../channels/watches';

export interface Shard {
  index: number;
  count: number;
}

/** The most shards a deploy may ask for: far more than 100,000 hosts need, far fewer than buckets. */
export const MAX_SHARDS = 256;

/** The whole install: the run before sharding, and the one a job without a shard asks for. */
export const WHOLE: Shard = { index: 0, count: 1 };

export const shardSchema = z
  .object({
    index: z.coerce.number().int({ error: 'must be a whole number' }).min(0, { error: 'must be at least 0' }),
    count: z.coerce.number().int({ error: 'must be a whole number' }).min(1, { error: 'must be at least 1' }).max(MAX_SHARDS, { error: `must be at most ${MAX_SHARDS}` }),
  })
  .refine((shard) => shard.index < shard.count, { error: 'shard must be less than of' });

/** The buckets [from, to) shard `index` of `count` works on. */
export function bucketRange(shard: Shard): { from: number; to: number } {
  return { from: Math.floor((shard.index * BUCKETS) / shard.count), to: Math.floor(((shard.index + 1) * BUCKETS) / shard.count) };
}

export function inShard(bucket: number, shard: Shard): boolean {
  const { from, to } = bucketRange(shard);
  return bucket >= from && bucket < to;
}

/** A query filter is needed only when the shard is not the whole install. */
export function isWhole(shard: Shard): boolean {
  return shard.count === 1;
}

/** How a shard is named in a lease document and a log line: `3of8`. */
export function shardName(shard: Shard): string {
  return `${shard.index}of${shard.count}`;
}
