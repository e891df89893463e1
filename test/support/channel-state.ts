// A channel as tests look at it: its own fields and its calendar's sync state (token, watermark,
// lease, dirty mark, errors), which lives on the calendar's watch, shared by its channels.
import { services } from '../../functions/services';
import type { Channel } from '../../shared/channels/channels';
import { watchKey, type SyncState } from '../../shared/channels/watches';

export async function channelState(channelId: string): Promise<(Channel & SyncState) | undefined> {
  const channel = await services().channels.channels.get(channelId);
  if (!channel) return undefined;
  const watch = await services().channels.watches.get(watchKey(channel.subscriberId, channel.calendarId));
  if (!watch) return undefined;
  const { syncToken, lastSyncedAt, lease, dirty, errorCount } = watch;
  return { ...channel, syncToken, lastSyncedAt, lease, dirty, errorCount };
}

/** The watch document of the channel's calendar, for a test to set its state (say, an older token). */
export async function watchRefOf(channelId: string) {
  const channel = await services().channels.channels.get(channelId);
  if (!channel) throw new Error(`no channel ${channelId}`);
  return services().channels.watches.refOf(channel.subscriberId, channel.calendarId);
}
