// The channel documents (`googleCalendarChannels/{channelId}`, ./channels), read and listed.
// Writes that must agree with the calendar's watch (./watches) are the service's (./channel-service).
import type { DocumentSnapshot, Firestore, Query, Transaction } from '@google-cloud/firestore';
import { withDates } from '../store/firestore';
import { channelSchema, type Channel } from './channels';
import { bucketOf, watchKey, withBucket, type BucketRange } from './watches';

/** Where a walk of expiringBefore's pages goes on: after the last channel read. */
export interface ExpiryCursor {
  expiration: Date;
  /**
   * The channel's bucket (./watches: bucketOf its watch key), for a query kept to a range of them;
   * without it such a walk reads the channels of that same expiration again (none is skipped).
   */
  bucket?: number;
  id: string;
}

/** Where a channel is: fixed when it is made, never changed, and its id never reused. */
export type ChannelPlace = Pick<Channel, 'subscriberId' | 'calendarId'>;

export class ChannelRepository {
  constructor(private readonly db: Firestore) {}

  ref(channelId: string) {
    return this.db.collection('googleCalendarChannels').doc(channelId).withConverter(withBucket);
  }

  async get(channelId: string): Promise<Channel | undefined> {
    return this.fromSnapshot(await this.ref(channelId).get());
  }

  fromSnapshot(snap: DocumentSnapshot): Channel | undefined {
    return snap.exists ? channelSchema.parse(withDates(snap.data())) : undefined;
  }

  async getIn(tx: Transaction, channelId: string): Promise<Channel | undefined> {
    const snap = await tx.get(this.ref(channelId));
    return snap.exists ? channelSchema.parse(withDates(snap.data())) : undefined;
  }

  async ofHost(subscriberId: string): Promise<{ id: string; channel: Channel }[]> {
    return this.list(this.db.collection('googleCalendarChannels').where('subscriberId', '==', subscriberId));
  }

  async all(): Promise<{ id: string; channel: Channel }[]> {
    return this.list(this.db.collection('googleCalendarChannels'));
  }

  /** Channels expiring before `time` (pending ones have no expiration yet), soonest first. */
  async expiringBefore(time: Date, limit: number, after?: ExpiryCursor, range?: BucketRange): Promise<{ id: string; channel: Channel }[]> {
    return this.list(this.expiringQuery(time, after, range).limit(limit));
  }

  /** How many expiringBefore would list, counted by Firestore (no document is read into memory). */
  async countExpiringBefore(time: Date, after?: ExpiryCursor, range?: BucketRange): Promise<number> {
    return (await this.expiringQuery(time, after, range).count().get()).data().count;
  }

  private expiringQuery(time: Date, after?: ExpiryCursor, range?: BucketRange): Query {
    // Soonest expiring first. With a bucket range the query has two inequalities, and Firestore
    // wants both fields ordered before the document name: so the cursor carries the bucket too.
    if (!range) {
      const query = this.db.collection('googleCalendarChannels').where('expiration', '<', time).orderBy('expiration').orderBy('__name__');
      return after ? query.startAfter(after.expiration, after.id) : query;
    }
    const query = this.db
      .collection('googleCalendarChannels')
      .where('expiration', '<', time)
      .where('bucket', '>=', range.from)
      .where('bucket', '<', range.to)
      .orderBy('expiration')
      .orderBy('bucket')
      .orderBy('__name__');
    return after ? query.startAfter(after.expiration, after.bucket ?? -1, after.id) : query;
  }

  /** One page of every channel, in id order, after `after`. */
  async page(after: string | null, limit: number): Promise<{ id: string; channel: Channel }[]> {
    let query = this.db.collection('googleCalendarChannels').orderBy('__name__').limit(limit);
    if (after !== null) query = query.startAfter(after);
    return this.list(query);
  }

  /** Many channels in one round trip (absent ones are left out). */
  async getMany(channelIds: string[]): Promise<Map<string, Channel>> {
    const found = new Map<string, Channel>();
    if (channelIds.length === 0) return found;
    for (const snap of await this.db.getAll(...channelIds.map((id) => this.ref(id)))) {
      if (snap.exists) found.set(snap.id, channelSchema.parse(withDates(snap.data())));
    }
    return found;
  }

  /**
   * Writes the bucket of these channels where it is missing (documents from before buckets): the
   * heal's pass over every channel does it, so a sharded query finds them all after one heal cycle.
   */
  async writeMissingBuckets(channelIds: string[]): Promise<number> {
    if (channelIds.length === 0) return 0;
    const snaps = await this.db.getAll(...channelIds.map((id) => this.db.collection('googleCalendarChannels').doc(id)));
    const missing = snaps.filter((snap) => snap.exists && snap.get('bucket') === undefined);
    await Promise.all(
      missing.map((snap) => {
        const bucket = bucketOf(watchKey(String(snap.get('subscriberId')), String(snap.get('calendarId'))));
        return snap.ref.update({ bucket }, { lastUpdateTime: snap.updateTime! }).catch(() => undefined);
      }),
    );
    return missing.length;
  }

  private async list(query: Query): Promise<{ id: string; channel: Channel }[]> {
    const found = await query.get();
    return found.docs.map((doc) => ({ id: doc.id, channel: channelSchema.parse(withDates(doc.data())) }));
  }
}
