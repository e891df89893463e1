import { BUCKETS, bucketOf, watchKey } from '../../../shared/channels/watches';
import { bucketRange, inShard, shardSchema, type Shard } from '../../../shared/upkeep/shards';

const shards = (count: number): Shard[] => Array.from({ length: count }, (_, index) => ({ index, count }));
const keys = Array.from({ length: 2_000 }, (_, i) => watchKey(`host-${i}`, `calendar-${i % 7}@example.org`));

describe('buckets', () => {
  it('a key always has the same bucket, within range', () => {
    expect(bucketOf('host-1_abc')).toBe(bucketOf(['host-1', 'abc'].join('_')));
    // Pinned: a change of hash would move every document to another shard without a rewrite.
    expect(bucketOf('host-1_abc')).toBe(1169);
    for (const key of keys) expect(bucketOf(key)).toBeGreaterThanOrEqual(0);
    for (const key of keys) expect(bucketOf(key)).toBeLessThan(BUCKETS);
  });

  it('spreads keys about evenly over 8 shards', () => {
    const counts = shards(8).map((shard) => keys.filter((key) => inShard(bucketOf(key), shard)).length);
    for (const count of counts) expect(count).toBeGreaterThan(keys.length / 8 / 2);
  });
});

describe('shards', () => {
  it.each([1, 2, 3, 5, 8, 256])('the %i shards cover every bucket exactly once', (count) => {
    for (let bucket = 0; bucket < BUCKETS; bucket += 1) {
      expect(shards(count).filter((shard) => inShard(bucket, shard))).toHaveLength(1);
    }
    expect(bucketRange({ index: 0, count }).from).toBe(0);
    expect(bucketRange({ index: count - 1, count }).to).toBe(BUCKETS);
  });

  it('while 3 shards become 5, every channel is covered by the old jobs, by the new ones, and by any mix that covers each count', () => {
    // The deploy makes the 5 new jobs before it deletes the old ones: for a while both run. Every
    // channel is in exactly one old shard and one new shard, so whichever set of jobs runs, each
    // channel is worked on by at least one run (and by at most two: one old, one new).
    for (const key of keys) {
      const bucket = bucketOf(key);
      const old = shards(3).filter((shard) => inShard(bucket, shard));
      const fresh = shards(5).filter((shard) => inShard(bucket, shard));
      expect(old).toHaveLength(1);
      expect(fresh).toHaveLength(1);
    }
  });

  it.each([
    [{ index: '3', count: '8' }, { index: 3, count: 8 }],
    [{ index: 0, count: 1 }, { index: 0, count: 1 }],
  ])('reads %j as a shard', (given, shard) => {
    expect(shardSchema.parse(given)).toEqual(shard);
  });

  it.each([
    [{ index: 8, count: 8 }, 'shard must be less than of'],
    [{ index: -1, count: 8 }, 'must be at least 0'],
    [{ index: 0, count: 0 }, 'must be at least 1'],
    [{ index: 0, count: 257 }, 'must be at most 256'],
    [{ index: 'x', count: 2 }, ''],
  ])('refuses %j', (given, message) => {
    const parsed = shardSchema.safeParse(given);
    expect(parsed.success).toBe(false);
    expect(parsed.error?.issues.map((issue) => issue.message).join(' ')).toContain(message);
  });
});
