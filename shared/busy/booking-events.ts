// Our own booking events in a calendar's stored busy time, and which of them availability counts.
// Pure: the stored events, the host's held slots and the owners read in; the intervals out.
//
// A host's own bookings are counted from their slots' claim cells (../store/slot-claims.ts), which
// change in the same write as the cancel, deny or reschedule that changes them. Their events stay
// in the stored busy time (it mirrors Google, and the differential test holds it to freeBusy), but
// there they change only once Google's push of our own write comes back and is synced: counted
// from there, a cancelled booking's time would look busy, and a moved one's old time too, until
// then (or until the scheduled run, if the push is lost). So availability leaves out every event
// of a slot of this host's, whatever its state: a live slot's cells hold its time, an ended one
// holds none, and a moved one's is where its cells are.
//
// An event of ours whose slot is not this host's still counts: a booking the host made as a guest
// on another host's page (the invitation in their calendar carries the same id), or a calendar
// two hosts share. So does one with no slot (a booking that failed after Google wrote its event):
// it stands in Google until the sync removes it.
import { slotIdForEvent } from '../google/event-identity';
import type { Interval } from './busy-plan';

/** One event's stored intervals in a range. */
export interface StoredEvent {
  eventId: string;
  intervals: Interval[];
}

/** The stored intervals of an event of ours, by the slot its id names. */
export interface BookingBusy {
  slotId: string;
  intervals: Interval[];
}

/** A calendar's stored events: the intervals of every event not ours, and ours by slot. */
export function splitBookings(events: StoredEvent[]): { intervals: Interval[]; bookings: BookingBusy[] } {
  const intervals: Interval[] = [];
  const bookings: BookingBusy[] = [];
  for (const event of events) {
    const slotId = slotIdForEvent(event.eventId);
    if (slotId) bookings.push({ slotId, intervals: event.intervals });
    else intervals.push(...event.intervals);
  }
  return { intervals, bookings };
}

/**
 * The slots whose host must be read: those no claim cell of the host names in the range. Usually
 * none: a booking's event is where its cells are, until we cancel or move it.
 */
export function ownersToRead(bookings: BookingBusy[], heldSlotIds: ReadonlySet<string>): string[] {
  return [...new Set(bookings.map((booking) => booking.slotId).filter((slotId) => !heldSlotIds.has(slotId)))];
}

/**
 * The intervals of our events that count as calendar busy time for `hostId`. `heldSlotIds`: the
 * slots the host's claim cells in the range name (they are the host's); `owners`: the host of each
 * slot read by `ownersToRead` that exists.
 */
export function bookingTimeCounted(bookings: BookingBusy[], hostId: string, heldSlotIds: ReadonlySet<string>, owners: ReadonlyMap<string, string>): Interval[] {
  const hostsOwn = (slotId: string) => heldSlotIds.has(slotId) || owners.get(slotId) === hostId;
  return bookings.filter((booking) => !hostsOwn(booking.slotId)).flatMap((booking) => booking.intervals);
}
