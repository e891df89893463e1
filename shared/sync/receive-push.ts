// A push notification arrives: is it really from our channel (id, token in constant time,
// resource id), and what should happen. Unknown channel, wrong token or wrong resource: nothing
// written, nothing revealed. Reads first and writes only when there is something to record, so a
// burst of pushes does not turn into a burst of contending writes on one document. A push on a
// channel that is not its calendar's current one (a renewal's old channel, live at Google until
// it is stopped) is answered 200 but only marks the calendar dirty: the current channel, or the
// scheduled run, syncs it, under the calendar's one lease.
import { timingSafeEqual } from 'node:crypto';
import type { ChannelRepository } from '../channels/channel-repository';
import { channelSchema, hashChannelToken, isOurChannelId, type Channel } from '../channels/channels';
import { watchKey, type WatchRepository, type WatchSnapshot } from '../channels/watches';
import { isChangedSinceRead, withDates } from '../store/firestore';
import type { PushHeaders } from './push-headers';

export type PushVerdict =
  | { kind: 'refused' }
  /** The channel's first message: nothing changed yet. */
  | { kind: 'sync_message' }
  /** A sync is running and already marked to run again: this push is covered. */
  | { kind: 'covered' }
  /** Not the calendar's current channel: the calendar is marked dirty, nothing more. */
  | { kind: 'not_current' }
  | { kind: 'changed' };

function sameHash(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a, 'hex'), Buffer.from(b, 'hex')];
  return x.length === y.length && timingSafeEqual(x, y);
}

function isOurs(channel: Channel | undefined, push: PushHeaders): channel is Channel {
  if (!channel || !sameHash(channel.tokenHash, hashChannelToken(push.token))) return false;
  return channel.resourceId === null || channel.resourceId === push.resourceId;
}

export async function receivePush(deps: { channels: ChannelRepository; watches: WatchRepository; now: () => Date }, push: PushHeaders): Promise<PushVerdict> {
  // Refused before any read: such an id is nobody's channel, and some (`a/b`, `..`, `__x__`) are
  // not document ids at all, which Firestore would answer with an error, after its retries.
  if (!isOurChannelId(push.channelId)) return { kind: 'refused' };
  const snap = await deps.channels.ref(push.channelId).get();
  const channel = snap.exists ? channelSchema.parse(withDates(snap.data())) : undefined;
  if (!isOurs(channel, push)) return { kind: 'refused' };
  if (channel.resourceId === null) {
    // The watch answer is not recorded yet (or was lost): Google's own message tells us the
    // resource. A write conditioned on the document as we read it, not a transaction: it comes
    // while the watch's caller completes the same document, and if that write came first, it
    // recorded the resource itself.
    try {
      await deps.channels.ref(push.channelId).update({ resourceId: push.resourceId }, { lastUpdateTime: snap.updateTime! });
    } catch (error) {
      if (!isChangedSinceRead(error)) throw error;
    }
  }
  if (push.resourceState === 'sync') return { kind: 'sync_message' };
  const read = await deps.watches.snapshot(watchKey(channel.subscriberId, channel.calendarId));
  if (read?.watch.channelId !== push.channelId) {
    if (read) await markDirty(deps.watches, watchKey(channel.subscriberId, channel.calendarId), read);
    return { kind: 'not_current' };
  }
  const { lease, dirty } = read.watch;
  if (lease && lease.until > deps.now() && dirty) return { kind: 'covered' };
  return { kind: 'changed' };
}

/** Sets the dirty mark unless it is set; a write conditioned on the watch as read, read again if it moved. */
async function markDirty(watches: WatchRepository, key: string, first: WatchSnapshot): Promise<void> {
  let read: WatchSnapshot | undefined = first;
  for (let attempt = 0; read && !read.watch.dirty && attempt < 5; attempt += 1) {
    try {
      await watches.ref(key).update({ dirty: true }, { lastUpdateTime: read.updateTime });
      return;
    } catch (error) {
      if (!isChangedSinceRead(error)) throw error;
    }
    read = await watches.snapshot(key);
  }
}
