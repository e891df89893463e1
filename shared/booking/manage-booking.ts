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
import type { ManageGrant, ManageLinks } from './manage-links';

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

/** How many days of the booking window one page of the reschedule list covers. */
export const FREE_TIME_DAYS = 7;

/**
 * The times the booking could move to, from `fromDate` (a day in the host's zone; today if not
 * given) for FREE_TIME_DAYS days: the host's offered times, free with the buffers the slot was
 * booked with, counting the slot's own time as free (it is given up by the move), without the
 * time it has now. `nextDate`: where the next page starts, while the booking window goes on.
 */
export async function freeTimesFor(
  deps: Pick<ManageDeps, 'slots' | 'calendars' | 'now'>,
  { slotId, slot, host }: ManageRequest,
  fromDate?: string,
): Promise<{ times: TimeRange[]; nextDate?: string }> {
  const now = deps.now();
  const given = fromDate === undefined ? undefined : DateTime.fromISO(fromDate, { zone: host.timezone });
  const first = given?.isValid ? given : DateTime.fromJSDate(now, { zone: host.timezone });
  const last = first.plus({ days: FREE_TIME_DAYS - 1 });
  const buffer = bufferOf(slot);
  const schedule = { ...host.schedule, bufferBeforeMinutes: buffer.beforeMinutes, bufferAfterMinutes: buffer.afterMinutes };
  const query = { schedule, timezone: host.timezone, now, fromDate: first.toISODate() ?? '', toDate: last.toISODate() ?? '' };
  const range = busyRange(query);
  if (!range) return { times: [] };
  const busy = await busyTime(deps, slot.subscriberId, host, range, { slotId, event: { start: slot.start, end: slot.end } });
  const times = freeSlots({ ...query, busy }).filter((t) => t.start.getTime() !== slot.start.getTime());
  const windowEnd = now.getTime() + host.schedule.maxDaysAhead * 24 * 60 * 60_000;
  const next = last.plus({ days: 1 }).startOf('day');
  return next.toMillis() < windowEnd ? { times, nextDate: next.toISODate() ?? undefined } : { times };
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
