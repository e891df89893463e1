// The Firestore side of a renewal (./channel-service: renewChannel), in as few round trips as it
// can be done safely: one read of the channel, its calendar's watch and its host, and one commit
// that records the new channel and points the watch at it, conditioned on the watch as read.
// At 10,000 channels an hour's run is bound by these round trips, not by Google (issue 15).
import type { DocumentReference, Firestore, Timestamp } from '@google-cloud/firestore';
import { isChangedSinceRead, withDates } from '../store/firestore';
import { subscriberSchema, type Subscriber } from '../store/subscribers';
import type { ChannelPlace, ChannelRepository } from './channel-repository';
import type { Channel } from './channels';
import { renewalStart } from './renewal-start';
import { watchKey, type WatchRepository, type WatchSnapshot } from './watches';

export interface RenewalFound {
  old: Channel;
  host: Subscriber | undefined;
  /** When the watch was written as read: the pointer moves only if it has not been written since. */
  watchRead: Timestamp;
}

export interface WatchSwitch {
  from: string;
  to: string;
  /** What Google answered for the new channel: written on it whether the switch wins or not. */
  active: Partial<Channel>;
  watchRead: Timestamp;
}

/** A host's document (../store/subscribers), read in one getAll with its channel and watch. */
function hostRef(db: Firestore, subscriberId: string): DocumentReference {
  return db.collection('subscribers').doc(subscriberId);
}

export class RenewalStore {
  constructor(
    private readonly db: Firestore,
    private readonly channels: ChannelRepository,
    private readonly watches: WatchRepository,
  ) {}

  /**
   * The channel, its calendar's watch and its host, in one read (a getAll is one consistent
   * snapshot); undefined if the channel is not to be renewed (./renewal-start). `place` is where
   * the channel is (its host and calendar, which never change for its id), as the caller listed
   * it; without it the channel is read once more first; an old watch pointer is migrated first
   * (./watches).
   */
  async read(channelId: string, place?: ChannelPlace): Promise<RenewalFound | undefined> {
    place ??= await this.channels.get(channelId);
    if (!place) return undefined;
    const key = watchKey(place.subscriberId, place.calendarId);
    for (;;) {
      const [channelSnap, watchSnap, hostSnap] = await this.db.getAll(this.channels.ref(channelId), this.watches.ref(key), hostRef(this.db, place.subscriberId));
      const channel = this.channels.fromSnapshot(channelSnap!);
      const watch = this.watches.fromSnapshot(watchSnap!);
      const host = hostSnap!.exists ? subscriberSchema.parse(withDates(hostSnap!.data())) : undefined;
      const start = renewalStart(channelId, { channel, watch: watch === 'unmigrated' ? watch : watch?.watch, host });
      if (start.kind === 'skip') return undefined;
      if (start.kind === 'migrate_watch') {
        await this.watches.get(key);
        continue;
      }
      // Renewed, or refused for want of a host (the caller's to say): the channel is current on its watch as read.
      return { old: channel!, host, watchRead: (watch as WatchSnapshot).updateTime };
    }
  }

  /**
   * Records the new channel as active and points the watch at it, if the watch still names the
   * old one. One commit conditioned on the watch as read before the watch call; if anything wrote
   * the watch since (a push's sync taking the lease or marking it dirty, a heal, another renewal),
   * the same is decided again in a transaction on the watch as it is now. A loser's channel is
   * recorded too (its resource known), so it can be stopped, or stopped later by the heal.
   */
  async pointWatchAt(key: string, change: WatchSwitch, now: Date): Promise<{ won: true } | { won: false; current: string | undefined }> {
    try {
      await this.db
        .batch()
        .update(this.channels.ref(change.to), change.active)
        .update(this.watches.ref(key), { channelId: change.to, updatedAt: now }, { lastUpdateTime: change.watchRead })
        .commit();
      return { won: true };
    } catch (error) {
      if (!isChangedSinceRead(error)) throw error;
    }
    return this.db.runTransaction(async (tx) => {
      const watch = await this.watches.getIn(tx, key);
      tx.update(this.channels.ref(change.to), change.active);
      // Another renewal of the same channel, or a heal, won the race: ours is recorded, then stopped.
      if (watch?.channelId !== change.from) return { won: false as const, current: watch?.channelId ?? undefined };
      tx.set(this.watches.ref(key), { ...watch, channelId: change.to, updatedAt: now });
      return { won: true as const };
    });
  }
}
