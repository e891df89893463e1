// Whether a channel listed for renewal is renewed, from one read of its channel, its calendar's
// watch and its host (./channel-service reads the three in one round trip). Pure: tested as a table.
import type { Subscriber } from '../store/subscribers';
import type { Channel } from './channels';
import type { Watch } from './watches';

export type RenewalStart =
  /** Gone, still pending, or no longer the calendar's current channel (the heal stops that one). */
  | { kind: 'skip'; reason: 'gone' | 'pending' | 'not_current' }
  /** The watch is in its pre-deploy shape: migrated (./watches), then read again. */
  | { kind: 'migrate_watch' }
  /** The host is gone: no grant to renew with (the run stops the channel). */
  | { kind: 'no_host' }
  | { kind: 'renew' };

export interface RenewalRead {
  channel: Channel | undefined;
  /** `unmigrated`: a document from before the sync state moved to the watch. */
  watch: Watch | 'unmigrated' | undefined;
  host: Subscriber | undefined;
}

export function renewalStart(channelId: string, read: RenewalRead): RenewalStart {
  if (!read.channel) return { kind: 'skip', reason: 'gone' };
  if (read.channel.state !== 'active') return { kind: 'skip', reason: 'pending' };
  if (read.watch === 'unmigrated') return { kind: 'migrate_watch' };
  if (read.watch?.channelId !== channelId) return { kind: 'skip', reason: 'not_current' };
  if (!read.host) return { kind: 'no_host' };
  return { kind: 'renew' };
}
