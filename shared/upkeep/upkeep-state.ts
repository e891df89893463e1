// `upkeep/renewChannels`: what one scheduled run leaves for the next. A lease, so overlapping runs
// (a scheduler retry while a slow run still works) do not renew the same channels twice, and the
// heal's cursor, so a run that ran out of time resumes where it stopped instead of starting over.
import type { Firestore } from '@google-cloud/firestore';
import { z } from 'zod';
import { isAlreadyExists, isChangedSinceRead, withDates } from '../store/firestore';
import { isWhole, shardName, WHOLE, type Shard } from './shards';

export const healCursorSchema = z.object({
  phase: z.enum(['hosts', 'channels']),
  /** The last id done in that phase; null at the start of it. */
  after: z.string().nullable(),
  /**
   * When the cycle under way began; at the start of a cycle, when the last whole one began (none:
   * never walked, or a cursor from before it was kept). A new cycle waits for the heal interval.
   */
  cycleStartedAt: z.date().nullable().optional(),
});
export type HealCursor = z.infer<typeof healCursorSchema>;

const upkeepStateSchema = z.object({
  lease: z.object({ holder: z.string(), until: z.date() }).nullable(),
  cursor: healCursorSchema,
  lastRun: z.record(z.string(), z.unknown()).nullable(),
  updatedAt: z.date(),
});
type UpkeepState = z.infer<typeof upkeepStateSchema>;

export const START: HealCursor = { phase: 'hosts', after: null };

/**
 * One document per shard: the shards' runs go at once, each with its lease and heal cursor. The
 * whole install keeps the document it had before shards (`renewChannels`); shard 3 of 8 has
 * `renewChannels-3of8`, so a run of the old count and one of the new never share a lease.
 */
export function runDocumentId(shard: Shard): string {
  return isWhole(shard) ? 'renewChannels' : `renewChannels-${shardName(shard)}`;
}

/** The shard's name (`0of1`, `3of8`) a document of `upkeep` keeps the run of; undefined for its other documents. */
export function runDocumentShard(documentId: string): string | undefined {
  if (documentId === runDocumentId(WHOLE)) return shardName(WHOLE);
  return /^renewChannels-(\d+of\d+)$/.exec(documentId)?.[1];
}

export class UpkeepStateRepository {
  constructor(private readonly db: Firestore) {}

  private ref(shard: Shard) {
    return this.db.collection('upkeep').doc(runDocumentId(shard));
  }

  /**
   * Takes the run lease unless another run holds it; returns the heal cursor to resume from.
   * A write conditioned on the document being unchanged since we read it (or not existing), so
   * of two runs starting together exactly one wins, whatever the transaction isolation.
   */
  async begin(holder: string, now: Date, leaseMs: number, shard: Shard = WHOLE): Promise<HealCursor | undefined> {
    const ref = this.ref(shard);
    for (let attempt = 0; attempt < 5; attempt += 1) {
      const snap = await ref.get();
      const state: UpkeepState | undefined = snap.exists ? upkeepStateSchema.parse(withDates(snap.data())) : undefined;
      if (state?.lease && state.lease.until > now && state.lease.holder !== holder) return undefined;
      const cursor = state?.cursor ?? START;
      const next = { lease: { holder, until: new Date(now.getTime() + leaseMs) }, cursor, lastRun: state?.lastRun ?? null, updatedAt: now };
      try {
        if (snap.exists) await ref.update(next, { lastUpdateTime: snap.updateTime! });
        else await ref.create(next);
        return cursor;
      } catch (error) {
        if (!isChangedSinceRead(error) && !isAlreadyExists(error)) throw error;
      }
    }
    return undefined;
  }

  /** Saves the cursor and the run's summary and releases the lease (if still ours). */
  async end(holder: string, cursor: HealCursor, summary: Record<string, unknown>, now: Date, shard: Shard = WHOLE): Promise<void> {
    const ref = this.ref(shard);
    const snap = await ref.get();
    const state = snap.exists ? upkeepStateSchema.parse(withDates(snap.data())) : undefined;
    if (state?.lease?.holder !== holder) return;
    try {
      await ref.update({ lease: null, cursor, lastRun: summary, updatedAt: now }, { lastUpdateTime: snap.updateTime! });
    } catch (error) {
      // Our lease ran out and another run took it meanwhile: its cursor wins.
      if (!isChangedSinceRead(error)) throw error;
    }
  }
}
