// Pushes and their push→slot lag per minute, for the status page's chart: `opsMetrics/{minute}`,
// one small document a minute, counters only (FieldValue.increment, no read, no transaction),
// deleted by Firestore's TTL a week later.
//
// Cheap for the webhook, and never in its way: an instance counts its pushes in memory and writes
// them in one batch at most every FLUSH_EVERY_MS, one batch at a time, started during a push it is
// answering anyway and not awaited by it. Every push of every instance adds to the same minute
// document, which Firestore writes one write at a time: a push that waited for that write would
// wait behind every other instance's (under a flood of pushes, the webhook stalled so). A minute
// document takes at most one write per instance per 10 s, far under Firestore's sustained write
// rate for one document, whatever the push rate. The price: a batch still being written when the
// response goes out finishes when the instance next has CPU (Cloud Run throttles it after the
// response), and the counts of an instance's last seconds before it is shut down, or of a batch
// that failed, are lost; while writes fail, an instance keeps at most MAX_UNWRITTEN_MINUTES
// minutes. That is fine for a chart of the last hour; the log lines of each push remain the record.
//
// Lag: from the push reaching the webhook to the end of the sync it ran (the slot updated). How
// late Google itself was is not knowable: a push carries no time of the change.
import { FieldValue, type Firestore } from '@google-cloud/firestore';
import { z } from 'zod';
import type { Logger } from '../log';
import { withDates } from '../store/firestore';

export const PUSH_OUTCOMES = ['handled', 'coalesced', 'refused'] as const;
export type PushOutcome = (typeof PUSH_OUTCOMES)[number];

export const FLUSH_EVERY_MS = 10_000;

/** Minutes of counts an instance holds while its batches cannot be written: the oldest go first. */
export const MAX_UNWRITTEN_MINUTES = 60;

/** Firestore's TTL policy on `expireAt` (infra/firestore/firestore.indexes.json) deletes a minute after a week. */
const KEEP_MS = 7 * 24 * 3_600_000;

const MINUTE_MS = 60_000;

export interface MinuteCounts {
  /** The minute's start. */
  minute: Date;
  pushes: Record<PushOutcome, number>;
  /** Sum and number of lags measured (handled pushes). */
  lagMsSum: number;
  lagCount: number;
}

const minuteSchema = z.object({
  minute: z.date(),
  pushes: z.record(z.string(), z.number()).default({}),
  lagMsSum: z.number().default(0),
  lagCount: z.number().default(0),
});

function minuteOf(at: Date): Date {
  return new Date(Math.floor(at.getTime() / MINUTE_MS) * MINUTE_MS);
}

function emptyMinute(minute: Date): MinuteCounts {
  return { minute, pushes: { handled: 0, coalesced: 0, refused: 0 }, lagMsSum: 0, lagCount: 0 };
}

/** Adds counts of the same minute (pure). */
export function addCounts(a: MinuteCounts, b: MinuteCounts): MinuteCounts {
  return {
    minute: a.minute,
    pushes: { handled: a.pushes.handled + b.pushes.handled, coalesced: a.pushes.coalesced + b.pushes.coalesced, refused: a.pushes.refused + b.pushes.refused },
    lagMsSum: a.lagMsSum + b.lagMsSum,
    lagCount: a.lagCount + b.lagCount,
  };
}

/** One instance's counts not yet written, by minute. */
export class PushMetrics {
  private pending = new Map<number, MinuteCounts>();
  private oldest: number | undefined;
  private writing: Promise<void> | undefined;

  constructor(
    private readonly db: Firestore,
    private readonly flushEveryMs = FLUSH_EVERY_MS,
  ) {}

  /**
   * Counts one push in memory. When the oldest count has waited long enough and no batch is being
   * written, starts writing them, without waiting for it: `failed` hears of a batch that failed.
   */
  record(outcome: PushOutcome, lagMs: number | undefined, at: Date, failed: (error: unknown) => void): void {
    const minute = minuteOf(at);
    const counts = this.pending.get(minute.getTime()) ?? emptyMinute(minute);
    counts.pushes[outcome] += 1;
    if (lagMs !== undefined) {
      counts.lagMsSum += Math.max(0, Math.round(lagMs));
      counts.lagCount += 1;
    }
    this.pending.set(minute.getTime(), counts);
    while (this.pending.size > MAX_UNWRITTEN_MINUTES) this.pending.delete(Math.min(...this.pending.keys()));
    this.oldest ??= at.getTime();
    if (at.getTime() - this.oldest < this.flushEveryMs || this.writing) return;
    this.writing = this.flush()
      .catch(failed)
      .finally(() => {
        this.writing = undefined;
      });
  }

  /** Resolves when the batch being written (if any) is written or has failed. */
  async written(): Promise<void> {
    await this.writing;
  }

  /** What this instance counted and has not written yet (the local status page adds it). */
  unwritten(): MinuteCounts[] {
    return [...this.pending.values()];
  }

  async flush(): Promise<void> {
    const minutes = [...this.pending.values()];
    this.pending = new Map();
    this.oldest = undefined;
    if (minutes.length === 0) return;
    const batch = this.db.batch();
    for (const counts of minutes) {
      batch.set(
        this.db.collection('opsMetrics').doc(counts.minute.toISOString()),
        {
          minute: counts.minute,
          expireAt: new Date(counts.minute.getTime() + KEEP_MS),
          pushes: Object.fromEntries(PUSH_OUTCOMES.map((outcome) => [outcome, FieldValue.increment(counts.pushes[outcome])])),
          lagMsSum: FieldValue.increment(counts.lagMsSum),
          lagCount: FieldValue.increment(counts.lagCount),
        },
        { merge: true },
      );
    }
    await batch.commit();
  }
}

/**
 * This instance's counts, one per Firestore client (module scope: instances are reused, and the
 * counts wait with them). Keyed on the client, so counts go to the database they were counted
 * for; a client that is gone takes its counts with it.
 */
const instanceMetrics = new WeakMap<Firestore, PushMetrics>();
/** The same, to add up what is not written yet (held weakly: they live as long as their client). */
const everyMetrics = new Set<WeakRef<PushMetrics>>();

export function instancePushMetrics(db: Firestore): PushMetrics {
  let metrics = instanceMetrics.get(db);
  if (!metrics) {
    metrics = new PushMetrics(db);
    instanceMetrics.set(db, metrics);
    everyMetrics.add(new WeakRef(metrics));
  }
  return metrics;
}

/**
 * Counts one push in this instance's counts (webhook): `handled` when it ran a sync, with its lag
 * if the sync finished; `coalesced` when a running sync or the current channel covers it;
 * `refused` when it was not ours. Returns at once, and never fails the push: a batch that could
 * not be written is logged and its counts dropped.
 */
export function countPush(db: Firestore, log: Logger, outcome: PushOutcome, at: Date, lagMs?: number): void {
  instancePushMetrics(db).record(outcome, lagMs, at, (err: unknown) => log.warn({ err }, 'push counts for the status page not written'));
}

/** The counts of this process not yet written, if it is the one that received pushes (the local stack). */
export function unwrittenPushCounts(): MinuteCounts[] {
  const unwritten: MinuteCounts[] = [];
  for (const ref of everyMetrics) {
    const metrics = ref.deref();
    if (metrics) unwritten.push(...metrics.unwritten());
    else everyMetrics.delete(ref);
  }
  return unwritten;
}

/** The last `minutes` minutes up to `now`, oldest first, one entry a minute (zeros where nothing came). */
export async function readPushMinutes(db: Firestore, now: Date, minutes = 60, unwritten: MinuteCounts[] = []): Promise<MinuteCounts[]> {
  const first = new Date(minuteOf(now).getTime() - (minutes - 1) * MINUTE_MS);
  const found = await db.collection('opsMetrics').where('minute', '>=', first).get();
  const stored = found.docs.map((doc) => {
    const data = minuteSchema.parse(withDates(doc.data()));
    const pushes = Object.fromEntries(PUSH_OUTCOMES.map((outcome) => [outcome, data.pushes[outcome] ?? 0])) as Record<PushOutcome, number>;
    return { minute: data.minute, pushes, lagMsSum: data.lagMsSum, lagCount: data.lagCount };
  });
  return pushMinutes(first, minutes, [...stored, ...unwritten]);
}

/** Counts laid out a minute each from `first`, those of one minute added up (pure). */
export function pushMinutes(first: Date, minutes: number, counts: MinuteCounts[]): MinuteCounts[] {
  const series = Array.from({ length: minutes }, (_, i) => emptyMinute(new Date(first.getTime() + i * MINUTE_MS)));
  for (const c of counts) {
    const i = Math.round((minuteOf(c.minute).getTime() - first.getTime()) / MINUTE_MS);
    const slot = series[i];
    if (slot) series[i] = addCounts(slot, c);
  }
  return series;
}
