// Free slots of a host: the schedule (./availability, pure) minus what Google says is busy and
// minus the time our own requested and booked slots hold (with their buffers, ./buffers).
import { DateTime } from 'luxon';
import { CalendarError, ConnectionRevoked } from '../google/errors';
import type { SlotRepository } from '../store/slot-repository';
import type { Slot } from '../store/slots';
import type { Subscriber, SubscriberRepository } from '../store/subscribers';
import { busyRange, findFreeSlot, freeSlots, type TimeRange } from './availability';
import { bufferOf, heldSpan } from './buffers';
import { HostCalendarUnavailable, SlotUnavailable, UnknownHost } from './errors';
import { calendarTarget, type HostCalendars } from './host-calendar';
import { busyWithoutOwnEvent } from './invite-in-flight';

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

/** A slot whose own time counts as free (its reschedule): its cells, and its event where it stands in Google. */
export interface OwnTime {
  slotId: string;
  event: TimeRange;
}

/**
 * Busy time of a host in a range, from Google (if its default calendar is Google) and our slots;
 * with `own`, leaving out that slot's own cells and its own event's time.
 */
export async function busyTime(deps: Pick<AvailabilityDeps, 'slots' | 'calendars'>, hostId: string, host: Subscriber, range: TimeRange, own?: OwnTime): Promise<TimeRange[]> {
  const target = calendarTarget(deps.calendars, hostId, host);
  const held = deps.slots.heldTime(hostId, range.start, range.end, own?.slotId);
  if (target.kind === 'none') return held;
  if (target.kind === 'google_broken') throw new HostCalendarUnavailable('connection_broken');
  try {
    const [ours, google] = await Promise.all([held, target.session.freeBusy([target.calendarId], range.start, range.end)]);
    const busy = (google.get(target.calendarId) ?? []).map((b) => ({ start: new Date(b.start), end: new Date(b.end) }));
    return [...ours, ...(own ? busyWithoutOwnEvent(busy, own.event) : busy)];
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

/**
 * Checks `start` is a time the host offers and free for this slot, counting the slot's own hold
 * and its own Google event as free. SlotUnavailable('not_offered' | 'taken') otherwise. Returns
 * the new {start, end} (end = start + the host's slot length).
 *
 * The new time must be free with the buffers the slot was booked with (they are what its cells
 * will hold, ../store/slot-repository `reschedule`), on the host's grid and windows as set now.
 * Its own event is taken out of Google's busy time by its time alone (freeBusy does not say whose
 * time is whose): another event of the host's exactly within the old time is not seen. The
 * reschedule's own write is the real check: it fails with TimeTaken on any cell that is another's.
 */
export async function checkNewTime(
  deps: Pick<AvailabilityDeps, 'slots' | 'calendars' | 'now'>,
  hostId: string,
  host: Subscriber,
  slotId: string,
  slot: Slot,
  start: Date,
): Promise<TimeRange> {
  if (Number.isNaN(start.getTime())) throw new SlotUnavailable('not_offered');
  const end = new Date(start.getTime() + host.schedule.slotMinutes * 60_000);
  const buffer = bufferOf(slot);
  const schedule = { ...host.schedule, bufferBeforeMinutes: buffer.beforeMinutes, bufferAfterMinutes: buffer.afterMinutes };
  const day = DateTime.fromJSDate(start, { zone: host.timezone }).toISODate() ?? '';
  const query = { schedule, timezone: host.timezone, now: deps.now(), fromDate: day, toDate: day };
  if (!findFreeSlot({ ...query, busy: [] }, start)) throw new SlotUnavailable('not_offered');
  const busy = await busyTime(deps, hostId, host, heldSpan(slot, start, end), { slotId, event: { start: slot.start, end: slot.end } });
  if (!findFreeSlot({ ...query, busy }, start)) throw new SlotUnavailable('taken');
  return { start, end };
}
