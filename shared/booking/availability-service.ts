// Free slots of a host: the schedule (./availability, pure) minus what Google says is busy and
// minus the time our own requested and booked slots hold.
import { CalendarError, ConnectionRevoked } from '../google/errors';
import type { SlotRepository } from '../store/slot-repository';
import type { Subscriber, SubscriberRepository } from '../store/subscribers';
import { busyRange, freeSlots, type TimeRange } from './availability';
import { HostCalendarUnavailable, UnknownHost } from './errors';
import { calendarTarget, type HostCalendars } from './host-calendar';

export interface AvailabilityDeps {
  subscribers: SubscriberRepository;
  slots: SlotRepository;
  calendars: HostCalendars;
  now: () => Date;
}

export interface HostAvailability {
  host: { name: string; timezone: string };
  slotMinutes: number;
  slots: TimeRange[];
}

export async function findHost(subscribers: SubscriberRepository, slug: string): Promise<{ id: string; host: Subscriber }> {
  const found = await subscribers.findBySlug(slug);
  if (!found) throw new UnknownHost(slug);
  return { id: found.id, host: found.subscriber };
}

/** Busy time of a host in a range, from Google (if its default calendar is Google) and our slots. */
export async function busyTime(deps: Pick<AvailabilityDeps, 'slots' | 'calendars'>, hostId: string, host: Subscriber, range: TimeRange): Promise<TimeRange[]> {
  const target = calendarTarget(deps.calendars, hostId, host);
  const held = deps.slots.heldTime(hostId, range.start, range.end);
  if (target.kind === 'none') return held;
  if (target.kind === 'google_broken') throw new HostCalendarUnavailable('connection_broken');
  try {
    const [ours, google] = await Promise.all([held, target.session.freeBusy([target.calendarId], range.start, range.end)]);
    const busy = (google.get(target.calendarId) ?? []).map((b) => ({ start: new Date(b.start), end: new Date(b.end) }));
    return [...ours, ...busy];
  } catch (error) {
    if (error instanceof ConnectionRevoked) throw new HostCalendarUnavailable('connection_broken', { cause: error });
    if (error instanceof CalendarError) throw new HostCalendarUnavailable('google_unavailable', { cause: error });
    throw error;
  }
}

export async function hostAvailability(deps: AvailabilityDeps, slug: string, fromDate: string, toDate: string): Promise<HostAvailability> {
  const { id, host } = await findHost(deps.subscribers, slug);
  const query = { schedule: host.schedule, timezone: host.timezone, now: deps.now(), fromDate, toDate };
  const range = busyRange(query);
  const answer = { host: { name: host.name, timezone: host.timezone }, slotMinutes: host.schedule.slotMinutes };
  if (!range) return { ...answer, slots: [] };
  return { ...answer, slots: freeSlots({ ...query, busy: await busyTime(deps, id, host, range) }) };
}
