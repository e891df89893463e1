// `googleCalendarWatches/{watchKey}`: one per (host, calendar) we watch or once watched. It names
// the channel that should be live and holds what keeps the calendar in sync: the sync token and
// watermark, the lease that lets one sync run at a time, the dirty mark that makes the holder run
// once more. Every channel of the calendar (a renewal's old and new overlap at Google) syncs under
// this one lease, so two channels never mean two syncs. When the calendar stops being watched the
// document stays with its token: watching it again carries the token over and no change made in
// between is lost (DESIGN: rules that keep it correct).
//
// Documents written before the state moved here hold only {subscriberId, calendarId, channelId,
// updatedAt}, with the state on the channel they name: `migratedWatch` builds the state from that
// channel on first use (a sync, a renewal, a re-watch or the heal's pass over the host), in the
// same transaction as the read, so no token is lost at deploy.
import { createHash } from 'node:crypto';
import type { DocumentData, DocumentSnapshot, Firestore, FirestoreDataConverter, Query, Timestamp, Transaction } from '@google-cloud/firestore';
import { z } from 'zod';
import { withDates } from '../store/firestore';

const leaseSchema = z.object({ holder: z.string(), until: z.date() });

export const syncStateSchema = z.object({
  /** The watermark: changes up to here are applied. Null: the next sync is a full resync. */
  syncToken: z.string().nullable(),
  /**
   * When the last successful sync began listing changes: every change made before it is applied.
   * The reconcile syncs calendars whose mark is older than its cutoff. (Not when the sync ended:
   * a change made while a sync applied its list is not in that list.)
   */
  lastSyncedAt: z.date().nullable(),
  lease: leaseSchema.nullable(),
  /** A notification came while the lease was held: the holder syncs once more before releasing. */
  dirty: z.boolean(),
  errorCount: z.number().int(),
});
export type SyncState = z.infer<typeof syncStateSchema>;

export const watchSchema = syncStateSchema.extend({
  subscriberId: z.string(),
  calendarId: z.string(),
  /**
   * The days the calendar's busy time is kept for (../store/busy-store.ts), [from, until) at UTC
   * midnights. Absent or null: never built, or being rebuilt by a full resync; not trusted.
   */
  busyCoveredFrom: z.date().nullable().optional(),
  busyCoveredUntil: z.date().nullable().optional(),
  /** When the last sync that kept the busy time began listing: changes before it are in it. */
  busyCompleteAt: z.date().nullable().optional(),
  /** The calendar's time zone as its listing says (where its all-day events' days fall). */
  busyTimeZone: z.string().nullable().optional(),
  /** The channel that should be live; null while the calendar is not watched. */
  channelId: z.string().nullable(),
  /**
   * The end of the calendar's latest live booking (requested or booked), written by the scheduled
   * run (../upkeep/live-bookings): until then it is reconciled at the shorter interval.
   */
  liveUntil: z.date().nullable().optional(),
  /** A channel is wanted (channelId set): only these are reconciled. */
  watched: z.boolean(),
  updatedAt: z.date(),
});
export type Watch = z.infer<typeof watchSchema>;

/** A document from before the state moved here: the pointer alone. */
const legacyWatchSchema = z.object({ subscriberId: z.string(), calendarId: z.string(), channelId: z.string() });
/** The state such a document's channel carried. */
const legacyChannelStateSchema = syncStateSchema.partial();

/** A watch as read, with the time a write conditioned on it must match. */
export interface WatchSnapshot {
  watch: Watch;
  updateTime: Timestamp;
}

export const FRESH_STATE: SyncState = { syncToken: null, lastSyncedAt: null, lease: null, dirty: false, errorCount: 0 };

/**
 * How many buckets watches and channels are spread over (../upkeep/shards: a shard is a range of
 * them). Far more than there will ever be shards, so a range of them is close to an even share.
 */
export const BUCKETS = 4096;

/**
 * The bucket of a watch key (and of its channels) or of a host id: a stable hash, the same in
 * every process and every release, so a document's bucket never has to be rewritten.
 */
export function bucketOf(key: string): number {
  return createHash('sha256').update(key).digest().readUInt32BE(0) % BUCKETS;
}

/**
 * Buckets [from, to) a query keeps to (../upkeep/shards); none: every document. A document written
 * before buckets were (one the heal has not yet reached) is found only by the unfiltered query.
 */
export type BucketRange = { from: number; to: number } | undefined;

/**
 * Every whole write (create, set) of a watch or channel document carries its bucket, from the
 * (host, calendar) it is about: a channel is in its watch's bucket, so one shard renews the channel
 * and reconciles the calendar. Reads give the document as stored. (Updates leave the field as is.)
 */
export const withBucket: FirestoreDataConverter<DocumentData, DocumentData> = {
  toFirestore(data: DocumentData): DocumentData {
    const { subscriberId, calendarId } = data as { subscriberId?: unknown; calendarId?: unknown };
    if (typeof subscriberId !== 'string' || typeof calendarId !== 'string') return data;
    return { ...data, bucket: bucketOf(watchKey(subscriberId, calendarId)) };
  },
  fromFirestore(snap) {
    return snap.data();
  },
};

/** The document id of a (host, calendar); calendar ids may contain characters ids may not. */
export function watchKey(subscriberId: string, calendarId: string): string {
  return `${subscriberId}_${createHash('sha256').update(calendarId).digest('hex').slice(0, 32)}`;
}

export class WatchRepository {
  constructor(private readonly db: Firestore) {}

  private get collection() {
    return this.db.collection('googleCalendarWatches');
  }

  ref(key: string) {
    return this.collection.doc(key).withConverter(withBucket);
  }

  refOf(subscriberId: string, calendarId: string) {
    return this.ref(watchKey(subscriberId, calendarId));
  }

  /**
   * The watch, read in a transaction; an old pointer comes with its state read from the channel it
   * names. Nothing is written here (a transaction reads before it writes): a caller that changes
   * the watch writes it whole with `tx.set`, which migrates it. Undefined if there is none.
   */
  async getIn(tx: Transaction, key: string): Promise<Watch | undefined> {
    return (await this.readIn(tx, key))?.watch;
  }

  /** The watch; an old pointer is migrated (its state written here) on the way. */
  async get(key: string): Promise<Watch | undefined> {
    return this.db.runTransaction(async (tx) => {
      const read = await this.readIn(tx, key);
      if (read?.old) tx.set(this.ref(key), read.watch);
      return read?.watch;
    });
  }

  /** The watch and when it was written, for a write conditioned on it (an old pointer migrated first). */
  async snapshot(key: string): Promise<WatchSnapshot | undefined> {
    for (;;) {
      const read = this.fromSnapshot(await this.ref(key).get());
      if (read !== 'unmigrated') return read;
      await this.get(key);
    }
  }

  /** A watch as read with its update time; `unmigrated` for an old pointer (`get` migrates it). */
  fromSnapshot(snap: DocumentSnapshot): WatchSnapshot | 'unmigrated' | undefined {
    if (!snap.exists) return undefined;
    const data = withDates(snap.data()) as Record<string, unknown>;
    return 'watched' in data ? { watch: watchSchema.parse(data), updateTime: snap.updateTime! } : 'unmigrated';
  }

  private async readIn(tx: Transaction, key: string): Promise<{ watch: Watch; old: boolean } | undefined> {
    const snap = await tx.get(this.ref(key));
    if (!snap.exists) return undefined;
    const data = withDates(snap.data()) as Record<string, unknown>;
    if ('watched' in data) return { watch: watchSchema.parse(data), old: false };
    const pointer = legacyWatchSchema.parse(data);
    const channel = await tx.get(this.db.collection('googleCalendarChannels').doc(pointer.channelId));
    const carried = channel.exists ? legacyChannelStateSchema.parse(withDates(channel.data())) : {};
    return { watch: { ...FRESH_STATE, ...carried, ...pointer, watched: true, updatedAt: new Date() }, old: true };
  }

  /** Many watches by key, in one round trip, as stored (an old pointer has no state yet: undefined). */
  async getMany(keys: string[]): Promise<Map<string, Watch>> {
    const found = new Map<string, Watch>();
    if (keys.length === 0) return found;
    for (const snap of await this.db.getAll(...keys.map((key) => this.ref(key)))) {
      const parsed = snap.exists ? watchSchema.safeParse(withDates(snap.data())) : undefined;
      if (parsed?.success) found.set(snap.id, parsed.data);
    }
    return found;
  }

  /** The channel id each (host, calendar) names, by key, old pointers included. */
  async currentOf(keys: string[]): Promise<Map<string, string>> {
    const found = new Map<string, string>();
    if (keys.length === 0) return found;
    for (const snap of await this.db.getAll(...keys.map((key) => this.ref(key)))) {
      const channelId: unknown = snap.exists ? snap.get('channelId') : undefined;
      if (typeof channelId === 'string') found.set(snap.id, channelId);
    }
    return found;
  }

  /** Keys of old pointers among these (the heal migrates them, so the reconcile's queries find them). */
  async unmigrated(keys: string[]): Promise<string[]> {
    if (keys.length === 0) return [];
    const snaps = await this.db.getAll(...keys.map((key) => this.ref(key)));
    return snaps.filter((snap) => snap.exists && snap.get('watched') === undefined).map((snap) => snap.id);
  }

  /** Watched calendars last synced before `time`, longest ago first. */
  async syncedBefore(time: Date, limit: number, range?: BucketRange): Promise<{ key: string; watch: Watch }[]> {
    if (!range) return this.list(this.collection.where('watched', '==', true).where('lastSyncedAt', '<', time).orderBy('lastSyncedAt').limit(limit));
    return this.list(
      this.collection
        .where('watched', '==', true)
        .where('lastSyncedAt', '<', time)
        .where('bucket', '>=', range.from)
        .where('bucket', '<', range.to)
        .orderBy('lastSyncedAt')
        .orderBy('bucket')
        .limit(limit),
    );
  }

  /** Watched calendars with live bookings (liveUntil after `now`) last synced before `time`. */
  async liveSyncedBefore(now: Date, time: Date, limit: number, range?: BucketRange): Promise<{ key: string; watch: Watch }[]> {
    if (!range) {
      return this.list(this.collection.where('watched', '==', true).where('liveUntil', '>', now).where('lastSyncedAt', '<', time).orderBy('lastSyncedAt').limit(limit));
    }
    return this.list(
      this.collection
        .where('watched', '==', true)
        .where('liveUntil', '>', now)
        .where('lastSyncedAt', '<', time)
        .where('bucket', '>=', range.from)
        .where('bucket', '<', range.to)
        .orderBy('lastSyncedAt')
        .orderBy('bucket')
        .limit(limit),
    );
  }

  /** Watched calendars never synced, or marked to sync again. */
  async awaitingSync(limit: number, range?: BucketRange): Promise<{ key: string; watch: Watch }[]> {
    const [never, dirty] = await Promise.all(
      range
        ? [
            this.list(this.collection.where('watched', '==', true).where('lastSyncedAt', '==', null).where('bucket', '>=', range.from).where('bucket', '<', range.to).limit(limit)),
            this.list(this.collection.where('watched', '==', true).where('dirty', '==', true).where('bucket', '>=', range.from).where('bucket', '<', range.to).limit(limit)),
          ]
        : [
            this.list(this.collection.where('watched', '==', true).where('lastSyncedAt', '==', null).limit(limit)),
            this.list(this.collection.where('watched', '==', true).where('dirty', '==', true).limit(limit)),
          ],
    );
    return [...never, ...dirty];
  }

  /**
   * Writes the bucket of these watches where it is missing (documents from before buckets): the
   * heal's pass over every host does it, so a sharded query finds them all after one heal cycle.
   */
  async writeMissingBuckets(keys: string[]): Promise<number> {
    if (keys.length === 0) return 0;
    const missing = (await this.db.getAll(...keys.map((key) => this.collection.doc(key)))).filter((snap) => snap.exists && snap.get('bucket') === undefined);
    await Promise.all(missing.map((snap) => snap.ref.update({ bucket: bucketOf(snap.id) }, { lastUpdateTime: snap.updateTime! }).catch(() => undefined)));
    return missing.length;
  }

  private async list(query: Query): Promise<{ key: string; watch: Watch }[]> {
    const found = await query.get();
    return found.docs.map((doc) => ({ key: doc.id, watch: watchSchema.parse(withDates(doc.data())) }));
  }
}
