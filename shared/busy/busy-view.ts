// Availability's read of stored busy time: for each of a host's calendars, its intervals in a
// range if the trust rule (./trust.ts) holds, or why not. Two round trips for all calendars at
// once: the watches with the range's day documents, then the channels the watches name.
import type { Firestore } from '@google-cloud/firestore';
import type { ChannelRepository } from '../channels/channel-repository';
import { channelSchema, type Channel } from '../channels/channels';
import { watchKey, watchSchema, type Watch, type WatchRepository } from '../channels/watches';
import { withDates } from '../store/firestore';
import { BusyStore } from '../store/busy-store';
import type { Interval } from './busy-plan';
import { trustBusyData, type DistrustReason, type TrustPolicy } from './trust';

export type CalendarBusy = { calendarId: string; source: 'stored'; intervals: Interval[] } | { calendarId: string; source: 'google'; reason: DistrustReason };

export class BusyView {
  constructor(
    private readonly db: Firestore,
    private readonly store: BusyStore,
    private readonly watches: WatchRepository,
    private readonly channels: ChannelRepository,
    private readonly policy: TrustPolicy,
  ) {}

  async read(hostId: string, calendarIds: string[], range: { start: Date; end: Date }, now: Date, exceptEventId?: string): Promise<CalendarBusy[]> {
    const plans = calendarIds.map((calendarId) => {
      const key = watchKey(hostId, calendarId);
      return { calendarId, watchRef: this.watches.ref(key), dayRefs: this.store.dayRefsFor(key, range.start, range.end) };
    });
    const snaps = await this.db.getAll(...plans.flatMap((plan) => [plan.watchRef, ...plan.dayRefs]));
    let at = 0;
    const read = plans.map((plan) => {
      const [watchSnap, ...days] = snaps.slice(at, (at += 1 + plan.dayRefs.length));
      const parsed = watchSnap?.exists ? watchSchema.safeParse(withDates(watchSnap.data())) : undefined;
      return { ...plan, watch: parsed?.success ? parsed.data : undefined, days };
    });
    const channels = await this.channelsOf(read.map((plan) => plan.watch));
    return read.map(({ calendarId, watch, days }): CalendarBusy => {
      const channel = watch?.channelId ? channels.get(watch.channelId) : undefined;
      const trust = trustBusyData({ watch, channel, range, now }, this.policy);
      if (!trust.trusted) return { calendarId, source: 'google', reason: trust.reason };
      return { calendarId, source: 'stored', intervals: BusyStore.intervalsIn(days, range.start, range.end, exceptEventId) };
    });
  }

  private async channelsOf(watches: (Watch | undefined)[]): Promise<Map<string, Channel>> {
    const ids = [...new Set(watches.map((watch) => watch?.channelId).filter((id): id is string => !!id))];
    const found = new Map<string, Channel>();
    if (ids.length === 0) return found;
    for (const snap of await this.db.getAll(...ids.map((id) => this.channels.ref(id)))) {
      const parsed = snap.exists ? channelSchema.safeParse(withDates(snap.data())) : undefined;
      if (parsed?.success) found.set(snap.id, parsed.data);
    }
    return found;
  }
}
