// The channel documents (`googleCalendarChannels/{channelId}`, ./channels), read and listed.
// Writes that must agree with the calendar's watch (./watches) are the service's (./channel-service).
import type { Firestore, Query, Transaction } from '@google-cloud/firestore';
import { withDates } from '../store/firestore';
import { channelSchema, type Channel } from './channels';

/** Where a walk of expiringBefore's pages goes on: after the last channel read. */
export interface ExpiryCursor {
  expiration: Date;
  id: string;
}

export class ChannelRepository {
  constructor(private readonly db: Firestore) {}

  ref(channelId: string) {
    return this.db.collection('googleCalendarChannels').doc(channelId);
  }

  async get(channelId: string): Promise<Channel | undefined> {
    const snap = await this.ref(channelId).get();
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
  async expiringBefore(time: Date, limit: number, after?: ExpiryCursor): Promise<{ id: string; channel: Channel }[]> {
    return this.list(this.expiringQuery(time, after).limit(limit));
  }

  /** How many expiringBefore would list, counted by Firestore (no document is read into memory). */
  async countExpiringBefore(time: Date, after?: ExpiryCursor): Promise<number> {
    return (await this.expiringQuery(time, after).count().get()).data().count;
  }

  private expiringQuery(time: Date, after?: ExpiryCursor): Query {
    const query = this.db.collection('googleCalendarChannels').where('expiration', '<', time).orderBy('expiration').orderBy('__name__');
    return after ? query.startAfter(after.expiration, after.id) : query;
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

  private async list(query: Query): Promise<{ id: string; channel: Channel }[]> {
    const found = await query.get();
    return found.docs.map((doc) => ({ id: doc.id, channel: channelSchema.parse(withDates(doc.data())) }));
  }
}
