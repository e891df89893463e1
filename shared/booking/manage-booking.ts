// The guest's side of a booking, reached with their manage link (./manage-links): open the link
// (what it names, if it still may act), the times the booking could move to, and cancelling.
// Reading changes nothing (mail scanners and Google's link previews open links); cancel and
// reschedule (./reschedule-booking) are the only steps, each judged on the slot as it is then.
import { DateTime } from 'luxon';
import { SlotNotFound, type Slot } from '../store/slots';
import type { Subscriber } from '../store/subscribers';
import { busyRange, freeSlots, type TimeRange } from './availability';
import { busyTime } from './availability-service';
import { bufferOf } from './buffers';
import { cancelAsGuest, type CancelOutcome } from './cancel-booking';
import type { DecisionDeps } from './decide';
import { BookingOver, ChangeWindowClosed, guestChoices } from './guest-change';
import { linkVersion, type ManageGrant, type ManageLinks } from './manage-links';
import { holdsTime } from './slot-state';

export interface ManageDeps extends DecisionDeps {
  manageLinks: ManageLinks;
}

export interface ManageRequest {
  grant: ManageGrant;
  slotId: string;
  slot: Slot;
  host: Subscriber;
}

/** Verifies a link and loads what it names. InvalidLink, LinkExpired, SlotNotFound, LinkSpent. */
export async function openManage(deps: Pick<ManageDeps, 'manageLinks' | 'slots' | 'subscribers' | 'now'>, token: string): Promise<ManageRequest> {
  const grant = deps.manageLinks.verify(token, deps.now());
  const slot = await deps.slots.require(grant.slotId);
  const host = await deps.subscribers.get(slot.subscriberId);
  if (!host) throw new SlotNotFound(grant.slotId);
  deps.manageLinks.check(grant, slot);
  return { grant, slotId: grant.slotId, slot, host };
}

/**
 * A reschedule sent again with the link it spent (a second press of the button, a program's retry
 * after a lost answer): the link is the version just before the slot's latest reschedule by the
 * guest, and the booking is still on, at the time asked for. Undefined otherwise (the link is spent).
 */
export async function openRepeatedMove(deps: Pick<ManageDeps, 'manageLinks' | 'slots' | 'subscribers' | 'now'>, token: string, start: Date): Promise<ManageRequest | undefined> {
  const grant = deps.manageLinks.verify(token, deps.now());
  const slot = await deps.slots.require(grant.slotId);
  const host = await deps.subscribers.get(slot.subscriberId);
  if (!host || !holdsTime(slot.status) || linkVersion(slot) !== grant.version + 1 || slot.start.getTime() !== start.getTime()) return undefined;
  return { grant, slotId: grant.slotId, slot, host };
}

/** One page of the reschedule list: this many days with free times (the guest's days)... */
export const SHOWN_DAYS = 4;
/** ...looked for in this many days of the host's (one freeBusy call per page). */
const SEARCH_DAYS = 14;

/**
 * The times the booking could move to, one page: the first SHOWN_DAYS days (in the guest's zone)
 * with free times from `from` (now if not given) on. Free means offered by the host and free with
 * the buffers the slot was booked with, counting the slot's own time as free (the move gives it
 * up); the time it has now is left out. `next`: where the next page starts, while the host's
 * booking window goes on.
 */
export async function freeTimesFor(
  deps: Pick<ManageDeps, 'slots' | 'calendars' | 'now'>,
  { slotId, slot, host }: ManageRequest,
  from?: Date,
): Promise<{ times: TimeRange[]; next?: Date }> {
  const now = deps.now();
  const after = from && from > now ? from : now;
  const first = DateTime.fromJSDate(after, { zone: host.timezone });
  const last = first.plus({ days: SEARCH_DAYS - 1 });
  const buffer = bufferOf(slot);
  const schedule = { ...host.schedule, bufferBeforeMinutes: buffer.beforeMinutes, bufferAfterMinutes: buffer.afterMinutes };
  const query = { schedule, timezone: host.timezone, now, fromDate: first.toISODate() ?? '', toDate: last.toISODate() ?? '' };
  const range = busyRange(query);
  if (!range) return { times: [] };
  const busy = await busyTime(deps, slot.subscriberId, host, range, { slotId, event: { start: slot.start, end: slot.end } });
  const free = freeSlots({ ...query, busy }).filter((t) => t.start >= after && t.start.getTime() !== slot.start.getTime());
  const dayOf = (t: TimeRange) => DateTime.fromJSDate(t.start, { zone: slot.guest.timezone }).toISODate();
  const days = [...new Set(free.map(dayOf))].slice(0, SHOWN_DAYS);
  const times = free.filter((t) => days.includes(dayOf(t)));
  const rest = free.find((t) => !days.includes(dayOf(t)));
  if (rest) return { times, next: rest.start };
  const searched = last.plus({ days: 1 }).startOf('day').toJSDate();
  return searched.getTime() < now.getTime() + host.schedule.maxDaysAhead * 24 * 60 * 60_000 ? { times, next: searched } : { times };
}

/**
 * The guest cancels (./cancel-booking, cause `guest_cancelled`), if the host's limit allows.
 * A booking already cancelled answers as a repeat (the guest's own retry); a declined one is over.
 */
export async function cancelWithLink(deps: ManageDeps, opened: ManageRequest): Promise<CancelOutcome> {
  const choices = guestChoices(opened.slot, opened.host.schedule.guestChangeLimitHours, deps.now());
  if (choices.kind === 'over' && opened.slot.status !== 'cancelled') throw new BookingOver(choices.status);
  if (choices.kind === 'closed') throw new ChangeWindowClosed(choices.closedAt);
  return cancelAsGuest(deps, opened.slotId);
}
