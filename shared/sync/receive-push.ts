// A push notification arrives: is it really from our channel (id, token in constant time,
// resource id), and what should happen. Unknown channel, wrong token or wrong resource: nothing
// written, nothing revealed. Reads first and writes only when there is something to record, so a
// burst of pushes does not turn into a burst of contending writes on one document.
import { timingSafeEqual } from 'node:crypto';
import type { Firestore } from '@google-cloud/firestore';
import type { ChannelRepository } from '../channels/channel-service';
import { hashChannelToken, type Channel } from '../channels/channels';
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

export async function receivePush(deps: { db: Firestore; channels: ChannelRepository; now: () => Date }, push: PushHeaders): Promise<PushVerdict> {
  const channel = await deps.channels.get(push.channelId);
  if (!isOurs(channel, push)) return { kind: 'refused' };
  if (channel.resourceId === null) {
    // The watch answer is not recorded yet (or was lost): Google's own message tells us the resource.
    await deps.db.runTransaction(async (tx) => {
      const fresh = await deps.channels.getIn(tx, push.channelId);
      if (fresh && fresh.resourceId === null) tx.update(deps.channels.ref(push.channelId), { resourceId: push.resourceId });
    });
  }
  if (push.resourceState === 'sync') return { kind: 'sync_message' };
  if (channel.lease && channel.lease.until > deps.now() && channel.dirty) return { kind: 'covered' };
  return { kind: 'changed' };
}
