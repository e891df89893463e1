// Free slots of a host: the schedule (./availability, pure) minus the busy time of the host's
// calendars (the default and those checked for conflicts) and minus the time our own requested
// and booked slots hold (with their buffers, ./buffers). A calendar's busy time comes from what
// its sync keeps in Firestore while that can be trusted (../busy/trust.ts), else from Google's
// freeBusy, for that calendar only. From stored busy time, the events of the host's own bookings
// are left out: their slots' claim cells count them, and those change with our own cancel, deny or
// reschedule, where the stored events change only once Google's push of it is synced
// (../busy/booking-events.ts).
import { DateTime } from 'luxon';
import { watchKey } from '../channels/watches';
import { bookingTimeCounted, ownersToRead } from '../busy/booking-events';
import type { BusyView, CalendarBusy } from '../busy/busy-view';
import type { BusyInterval } from '../google/calendar';
import { CalendarError, ConnectionRevoked } from '../google/errors';
import type { Logger } from '../log';
import type { SlotRepository } from '../store/slot-repository';
import type { Slot } from '../store/slots';
import { busyCalendarIdsOf, type Subscriber, type SubscriberRepository } from '../store/subscribers';
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
  /** The busy time the sync keeps; without it every calendar is asked of Google. */
  busy?: BusyView;
  log?: Logger;
}

/** What busyTime needs: the stored busy time, the clock and the log are optional. */
export type BusyTimeDeps = Pick<AvailabilityDeps, 'slots' | 'calendars'> & Partial<Pick<AvailabilityDeps, 'busy' | 'now' | 'log'>>;

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
 * Busy time of a host in a range: our slots, and the host's Google calendars (if its default
 * calendar is Google), each from its stored busy time when trusted (less the host's own booking
 * events), else from Google's freeBusy (one call for all the others, each logged with why). With
 * `own`, leaving out that slot's own cells and its own event: in stored busy time as one of the
 * host's own, by its time in Google's answer.
 */
export async function busyTime(deps: BusyTimeDeps, hostId: string, host: Subscriber, range: TimeRange, own?: OwnTime): Promise<TimeRange[]> {
  const target = calendarTarget(deps.calendars, hostId, host);
  if (target.kind === 'none') return deps.slots.heldTime(hostId, range.start, range.end, own?.slotId);
  if (target.kind === 'google_broken') throw brokenGrant(deps.log, hostId);
  const calendarIds = busyCalendarIdsOf(host);
  try {
    const [held, stored] = await Promise.all([deps.slots.heldTimeBySlot(hostId, range.start, range.end, own?.slotId), storedBusy(deps, hostId, calendarIds, range)]);
    const asked = stored.filter((calendar) => calendar.source === 'google');
    for (const calendar of asked) deps.log?.info({ hostId, watch: watchKey(hostId, calendar.calendarId), busySource: 'google', reason: calendar.reason }, 'busy time asked of Google');
    const bookings = stored.flatMap((calendar) => (calendar.source === 'stored' ? calendar.bookings : []));
    const [google, owners] = await Promise.all([
      asked.length > 0 ? target.session.freeBusy(asked.map((calendar) => calendar.calendarId), range.start, range.end) : new Map<string, BusyInterval[]>(),
      deps.slots.hostsOf(ownersToRead(bookings, held.slotIds)),
    ]);
    const others = bookingTimeCounted(bookings, hostId, held.slotIds, owners).map((b) => ({ start: new Date(b.start), end: new Date(b.end) }));
    const busy = stored.flatMap((calendar) => {
      if (calendar.source === 'stored') return calendar.intervals.map((b) => ({ start: new Date(b.start), end: new Date(b.end) }));
      const answer = (google.get(calendar.calendarId) ?? []).map((b) => ({ start: new Date(b.start), end: new Date(b.end) }));
      // freeBusy does not say whose time is whose: the own event goes by its time, from its own calendar only.
      return own && calendar.calendarId === target.calendarId ? busyWithoutOwnEvent(answer, own.event) : answer;
    });
    return [...held.busy, ...busy, ...others];
  } catch (error) {
    if (error instanceof ConnectionRevoked) throw brokenGrant(deps.log, hostId, error);
    if (error instanceof CalendarError) throw new HostCalendarUnavailable('google_unavailable', { cause: error });
    throw error;
  }
}

/** Hosts whose broken grant this instance has logged (instances are reused): kept small, it only quiets repeats. */
const brokenGrantsLogged = new Set<string>();

/**
 * A host's page offers no time while its grant is broken: said at ERROR once per host and
 * instance, so an operator hears of it without a line per page view.
 */
function brokenGrant(log: Logger | undefined, hostId: string, cause?: unknown): HostCalendarUnavailable {
  if (log && !brokenGrantsLogged.has(hostId)) {
    if (brokenGrantsLogged.size >= 10_000) brokenGrantsLogged.clear();
    brokenGrantsLogged.add(hostId);
    log.error({ hostId }, "host's Google grant is broken: its booking page offers no time until the host connects Google again");
  }
  return new HostCalendarUnavailable('connection_broken', cause === undefined ? undefined : { cause });
}

/** Each calendar's stored busy time, or why Google must be asked (everything, without a busy view). */
async function storedBusy(deps: BusyTimeDeps, hostId: string, calendarIds: string[], range: TimeRange): Promise<CalendarBusy[]> {
  if (!deps.busy) return calendarIds.map((calendarId) => ({ calendarId, source: 'google', reason: 'not_watched' }));
  return deps.busy.read(hostId, calendarIds, range, (deps.now ?? (() => new Date()))());
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
 * Its own event is left out of stored busy time as one of the host's own bookings, and out of
 * Google's freeBusy answer by its time alone (freeBusy does not say whose time is whose): there,
 * another event of the host's exactly within the old time is not seen. The
 * reschedule's own write is the real check: it fails with TimeTaken on any cell that is another's.
 */
export async function checkNewTime(
  deps: BusyTimeDeps & Pick<AvailabilityDeps, 'now'>,
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
