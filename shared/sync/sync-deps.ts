// What a sync needs: the repositories, the host's Google session, the busy store, the log.
import type { ChannelRepository } from '../channels/channel-repository';
import type { WatchRepository } from '../channels/watches';
import type { CalendarSession } from '../google/calendar';
import type { Logger } from '../log';
import type { BusyStore } from '../store/busy-store';
import type { Subscriber, SubscriberRepository } from '../store/subscribers';
import type { ApplyDeps } from './apply-change';

export interface SyncDeps extends ApplyDeps {
  channels: ChannelRepository;
  watches: WatchRepository;
  subscribers: SubscriberRepository;
  /** The calendar's busy time, kept from the same pages (../store/busy-store.ts). */
  busy: BusyStore;
  /** The host's Google session; with a `deadline` (epoch ms), its every call (retries included) ends by then. */
  sessionFor(subscriberId: string, host: Subscriber, deadline?: number): CalendarSession | undefined;
  /** What to do when the host's grant is gone: mark it broken, stop its channels, tell the host once. */
  connectionLost(subscriberId: string, channelId: string | undefined): Promise<void>;
  log: Logger;
}
