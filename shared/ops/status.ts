// What an operator sees at a glance (`npm run ops -- status`, the local status page): the figures
// read from Firestore now. Each figure is an aggregation query (count()) or one document, never a
// read of every document: an install may have 100,000 hosts. Composite indexes these queries need
// are in infra/firestore/firestore.indexes.json (checked by test/unit/infra/firestore-indexes).
import type { Firestore, Query } from '@google-cloud/firestore';
import { z } from 'zod';
import type { Channel } from '../channels/channels';
import { withDates } from '../store/firestore';
import { runDocumentShard } from '../upkeep/upkeep-state';
import { SLOT_STATUSES, type SlotStatus } from '../store/slots';
import { PUSH_OUTCOMES, readPushMinutes, type MinuteCounts, type PushOutcome } from './push-metrics';

type ChannelState = Channel['state'];

const DAY_MS = 24 * 3_600_000;

/** The figures as read, before they are shaped for a reader. */
export interface StatusFigures {
  now: Date;
  channels: {
    byState: Record<ChannelState, number>;
    expiringWithin24h: number;
    expired: number;
    soonestExpiry: Date | null;
    /** Watched calendars marked to sync again (a push came during a sync, or a sync did not finish). */
    dirty: number;
    /** Watched calendars whose last syncs failed (errorCount > 0). */
    failing: number;
  };
  /** Every shard's last scheduled run (one document each, shared/upkeep/upkeep-state.ts). */
  runs: RunFigures[];
  outbox: { depth: number; oldestCreatedAt: Date | null };
  /** Slots created in the last 24 h, by the status they are in now. */
  bookingsByStatus: Record<SlotStatus, number>;
  /** The last hour's pushes by minute, as the webhooks have written them (./push-metrics.ts). */
  pushMinutes: MinuteCounts[];
}

export interface RunFigures {
  /** `0of1` for the whole install, `3of8` for shard 3 of 8 (shared/upkeep/shards.ts). */
  shard: string;
  at: Date;
  running: boolean;
  summary: Record<string, unknown> | null;
}

export interface RunStatus {
  shard: string;
  at: string;
  running: boolean;
  summary: Record<string, unknown> | null;
}

/** `npm run ops -- status --json`: a fixed shape (test/unit/ops/status.test.ts pins it). */
export interface OpsStatus {
  at: string;
  channels: {
    total: number;
    byState: Record<ChannelState, number>;
    expiringWithin24h: number;
    expired: number;
    soonestExpiry: string | null;
    dirty: number;
    failing: number;
  };
  /** The latest of `runs`, by the time its document was last written. */
  lastRun: RunStatus | null;
  /** Each shard's run, in shard order; a count no longer deployed keeps its last run here. */
  runs: RunStatus[];
  outbox: { depth: number; oldestAgeSeconds: number | null };
  bookings: { windowHours: 24; byStatus: Record<SlotStatus, number> };
  /** Pushes the webhooks counted in the last hour (each instance writes its counts every 10 s or so). */
  pushes: { windowMinutes: number; byOutcome: Record<PushOutcome, number>; averageLagMs: number | null };
}

/** Shapes the figures for --json and the page (pure). */
export function opsStatus(figures: StatusFigures): OpsStatus {
  const { now, channels, outbox } = figures;
  const runs = figures.runs.map((run) => ({ ...run, at: run.at.toISOString() }));
  const lastRun = figures.runs.reduce<RunFigures | null>((latest, run) => (latest && latest.at >= run.at ? latest : run), null);
  return {
    at: now.toISOString(),
    channels: {
      total: channels.byState.pending + channels.byState.active,
      byState: channels.byState,
      expiringWithin24h: channels.expiringWithin24h,
      expired: channels.expired,
      soonestExpiry: channels.soonestExpiry?.toISOString() ?? null,
      dirty: channels.dirty,
      failing: channels.failing,
    },
    lastRun: lastRun && { ...lastRun, at: lastRun.at.toISOString() },
    runs,
    outbox: {
      depth: outbox.depth,
      oldestAgeSeconds: outbox.oldestCreatedAt ? Math.max(0, Math.floor((now.getTime() - outbox.oldestCreatedAt.getTime()) / 1000)) : null,
    },
    bookings: { windowHours: 24, byStatus: figures.bookingsByStatus },
    pushes: pushSummary(figures.pushMinutes),
  };
}

function pushSummary(minutes: MinuteCounts[]): OpsStatus['pushes'] {
  const byOutcome = Object.fromEntries(PUSH_OUTCOMES.map((outcome) => [outcome, minutes.reduce((n, m) => n + m.pushes[outcome], 0)])) as Record<PushOutcome, number>;
  const lagCount = minutes.reduce((n, m) => n + m.lagCount, 0);
  const averageLagMs = lagCount > 0 ? Math.round(minutes.reduce((n, m) => n + m.lagMsSum, 0) / lagCount) : null;
  return { windowMinutes: minutes.length, byOutcome, averageLagMs };
}

/** What upkeep/renewChannels keeps of the last scheduled run (shared/upkeep/upkeep-state.ts). */
const upkeepStateSchema = z.object({
  lease: z.object({ until: z.date() }).nullable(),
  lastRun: z.record(z.string(), z.unknown()).nullable(),
  updatedAt: z.date(),
});

/** The shard a document of the `upkeep` collection keeps the run of (shared/upkeep/upkeep-state.ts names them). */
export const runShard = runDocumentShard;

/** Whole install first, then by shard count and index. */
function shardOrder(a: RunFigures, b: RunFigures): number {
  const [ai, ac] = a.shard.split('of').map(Number) as [number, number];
  const [bi, bc] = b.shard.split('of').map(Number) as [number, number];
  return ac - bc || ai - bi;
}

const dateField = (value: unknown): Date | null => {
  const converted = withDates(value);
  return converted instanceof Date ? converted : null;
};

/** Reads the figures side by side: fifteen aggregation queries, two single-document reads, the `upkeep` collection (one document per shard), the last hour's minutes (at most 60 small documents). */
export async function readStatusFigures(db: Firestore, now: Date, unwrittenPushes: MinuteCounts[] = []): Promise<StatusFigures> {
  const channels = db.collection('googleCalendarChannels');
  const watches = db.collection('googleCalendarWatches');
  const outbox = db.collection('mailOutbox');
  const slots = db.collection('slots');
  const count = async (query: Query) => (await query.count().get()).data().count;
  const dayAhead = new Date(now.getTime() + DAY_MS);
  const dayAgo = new Date(now.getTime() - DAY_MS);

  const [pushMinutes, pending, active, expiringWithin24h, expired, soonest, dirty, failing, upkeep, depth, oldest, ...bookings] = await Promise.all([
    readPushMinutes(db, now, 60, unwrittenPushes),
    count(channels.where('state', '==', 'pending')),
    count(channels.where('state', '==', 'active')),
    count(channels.where('expiration', '>=', now).where('expiration', '<', dayAhead)),
    count(channels.where('expiration', '<', now)),
    channels.where('expiration', '>=', now).orderBy('expiration').limit(1).get(),
    count(watches.where('watched', '==', true).where('dirty', '==', true)),
    count(watches.where('watched', '==', true).where('errorCount', '>', 0)),
    db.collection('upkeep').get(),
    count(outbox.where('status', '==', 'pending')),
    outbox.where('status', '==', 'pending').orderBy('createdAt').limit(1).get(),
    ...SLOT_STATUSES.map((status) => count(slots.where('status', '==', status).where('createdAt', '>=', dayAgo))),
  ]);

  const runs = upkeep.docs.flatMap((doc): RunFigures[] => {
    const shard = runShard(doc.id);
    const state = shard === undefined ? undefined : upkeepStateSchema.safeParse(withDates(doc.data()));
    if (shard === undefined || !state?.success) return [];
    return [{ shard, at: state.data.updatedAt, running: state.data.lease !== null && state.data.lease.until > now, summary: state.data.lastRun }];
  });
  return {
    now,
    channels: {
      byState: { pending, active },
      expiringWithin24h,
      expired,
      soonestExpiry: soonest.empty ? null : dateField(soonest.docs[0]?.get('expiration')),
      dirty,
      failing,
    },
    runs: runs.sort(shardOrder),
    outbox: { depth, oldestCreatedAt: oldest.empty ? null : dateField(oldest.docs[0]?.get('createdAt')) },
    bookingsByStatus: Object.fromEntries(SLOT_STATUSES.map((status, i) => [status, bookings[i] ?? 0])) as Record<SlotStatus, number>,
    pushMinutes,
  };
}

/** `unwrittenPushes`: counts this process holds and has not written yet (the local stack's page adds them). */
export async function readOpsStatus(db: Firestore, now: Date, unwrittenPushes: MinuteCounts[] = []): Promise<OpsStatus> {
  return opsStatus(await readStatusFigures(db, now, unwrittenPushes));
}
