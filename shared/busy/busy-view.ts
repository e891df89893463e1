// Availability's read of stored busy time: for each of a host's calendars, its intervals in a
// range if the trust rule (./trust.ts) holds, or why not; the intervals of our own booking events
// apart, by slot (./booking-events.ts says which of them availability counts). One round trip's time for all calendars
// at once: the watches with the range's day documents, and beside them the host's channels.
import type { Firestore } from '@google-cloud/firestore';
import { ZodError } from 'zod';
import type { ChannelRepository } from '../channels/channel-repository';
import type { Channel } from '../channels/channels';
import { watchKey, watchSchema, type WatchRepository } from '../channels/watches';
import { withDates } from '../store/firestore';
import { BusyStore } from '../store/busy-store';
import { splitBookings, type BookingBusy } from './booking-events';
import type { Interval } from './busy-plan';
import { trustBusyData, type DistrustReason, type TrustPolicy } from './trust';

export type CalendarBusy =
  /** `intervals`: every event's but ours; `bookings`: our events', by slot. */
  | { calendarId: string; source: 'stored'; intervals: Interval[]; bookings: BookingBusy[] }
  | { calendarId: string; source: 'google'; reason: DistrustReason };

export class BusyView {
  constructor(
    private readonly db: Firestore,
    private readonly store: BusyStore,
    private readonly watches: WatchRepository,
    private readonly channels: ChannelRepository,
    private readonly policy: TrustPolicy,
  ) {}

  async read(hostId: string, calendarIds: string[], range: { start: Date; end: Date }, now: Date): Promise<CalendarBusy[]> {
    const plans = calendarIds.map((calendarId) => {
      const key = watchKey(hostId, calendarId);
      return { calendarId, watchRef: this.watches.ref(key), dayRefs: this.store.dayRefsFor(key, range.start, range.end) };
    });
    const [snaps, channels] = await Promise.all([this.db.getAll(...plans.flatMap((plan) => [plan.watchRef, ...plan.dayRefs])), this.channelsOf(hostId)]);
    let at = 0;
    const read = plans.map((plan) => {
      const [watchSnap, ...days] = snaps.slice(at, (at += 1 + plan.dayRefs.length));
      const parsed = watchSnap?.exists ? watchSchema.safeParse(withDates(watchSnap.data())) : undefined;
      return { ...plan, watch: parsed?.success ? parsed.data : undefined, days };
    });
    return read.map(({ calendarId, watch, days }): CalendarBusy => {
      const channel = watch?.channelId ? channels.get(watch.channelId) : undefined;
      const trust = trustBusyData({ watch, channel, range, now }, this.policy);
      if (!trust.trusted) return { calendarId, source: 'google', reason: trust.reason };
      return { calendarId, source: 'stored', ...splitBookings(BusyStore.eventsIn(days, range.start, range.end)) };
    });
  }

  /**
   * Every channel of the host, by id (a few: one per watched calendar, two while one renews). A
   * query rather than a read of the ids the watches name, so it runs beside that read. A channel
   * whose document does not parse leaves the host's calendars untrusted, never the view failed.
   */
  private async channelsOf(hostId: string): Promise<Map<string, Channel>> {
    try {
      return new Map((await this.channels.ofHost(hostId)).map(({ id, channel }) => [id, channel]));
    } catch (error) {
      if (!(error instanceof ZodError)) throw error;
      return new Map();
    }
  }
}
