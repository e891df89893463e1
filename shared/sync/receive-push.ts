// A push notification arrives: is it really from our channel (id, token in constant time,
// resource id), and what should happen. Unknown channel, wrong token or wrong resource: nothing
// written, nothing revealed. Reads first and writes only when there is something to record, so a
// burst of pushes does not turn into a burst of contending writes on one document.
import { timingSafeEqual } from 'node:crypto';
import type { ChannelRepository } from '../channels/channel-service';
import { channelSchema, hashChannelToken, isOurChannelId, type Channel } from '../channels/channels';
import { isChangedSinceRead, withDates } from '../store/firestore';
import type { PushHeaders } from './push-headers';

export type PushVerdict =
  | { kind: 'refused' }
  /** The channel's first message: nothing changed yet. */
  | { kind: 'sync_message' }
  /** A sync is running and already marked to run again: this push is covered. */
  | { kind: 'covered' }
  | { kind: 'changed' };

function sameHash(a: string, b: string): boolean {
  const [x, y] = [Buffer.from(a, 'hex'), Buffer.from(b, 'hex')];
  return x.length === y.length && timingSafeEqual(x, y);
}

function isOurs(channel: Channel | undefined, push: PushHeaders): channel is Channel {
  if (!channel || !sameHash(channel.tokenHash, hashChannelToken(push.token))) return false;
  return channel.resourceId === null || channel.resourceId === push.resourceId;
}

export async function receivePush(deps: { channels: ChannelRepository; now: () => Date }, push: PushHeaders): Promise<PushVerdict> {
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
  if (channel.lease && channel.lease.until > deps.now() && channel.dirty) return { kind: 'covered' };
  return { kind: 'changed' };
}
