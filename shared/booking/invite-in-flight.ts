// A slot is written before its event is put in the host's calendar (so that the push for our own
// insert finds the slot), and while its request makes the invite, Google may not have the event
// yet, or may have an older event under the same id. So a slot whose invite is in flight is judged
// by nobody but its own request (DESIGN, "Rules that keep it correct"): a sync that meets it leaves
// it and says so (`changeSeen`); the request reads the event again when done. A request that died
// (cut off at its time limit) leaves the slot to the scheduled run, which finishes or releases it.
// Pure: tested as a table.
import type { GoogleEvent } from '../google/calendar';
import { EVENT_TAG, SLOT_ID_PROPERTY } from '../google/event-identity';
import type { Slot } from '../store/slots';
import type { TimeRange } from './availability';

type InFlight = Pick<Slot, 'inviteInFlight'>;

/** Whether the slot's own request is (or was, until it died) making its invite. */
export function inviteInFlight(slot: InFlight): boolean {
  return !!slot.inviteInFlight;
}

/**
 * What a sync writes when it meets a slot whose invite is in flight: the slot as it is, with a note
 * that its event changed meanwhile, so the request applies the event when done. Undefined when the
 * invite is made: judge the slot as usual.
 */
export function leftToItsRequest<S extends InFlight>(slot: S): S | undefined {
  return slot.inviteInFlight ? { ...slot, inviteInFlight: { ...slot.inviteInFlight, changeSeen: true } } : undefined;
}

/**
 * The event Google already has under a slot's event id (an insert answered 409, or the scheduled
 * run looks for a dead request's event). Google keeps a deleted event's id for good, so a 409 alone
 * says nothing: the event is the booking only if it stands, is ours for this slot, and is at the
 * slot's time. `unusable`: a deleted event (say the sync removed it when an earlier attempt was
 * discarded), or one made for another request under a reused key; the id cannot carry this slot.
 */
export function judgeExistingEvent(slotId: string, slot: Pick<Slot, 'start' | 'end'>, event: GoogleEvent): 'ours' | 'unusable' {
  if (event.status === 'cancelled') return 'unusable';
  const tags = event.extendedProperties?.private ?? {};
  if (tags[EVENT_TAG.key] !== EVENT_TAG.value || tags[SLOT_ID_PROPERTY] !== slotId) return 'unusable';
  const start = event.start?.dateTime ? Date.parse(event.start.dateTime) : NaN;
  const end = event.end?.dateTime ? Date.parse(event.end.dateTime) : NaN;
  return start === slot.start.getTime() && end === slot.end.getTime() ? 'ours' : 'unusable';
}

/**
 * Busy time without a slot's own time. For a retry whose earlier attempt Google wrote although we
 * discarded it: that attempt's event, still standing, is what Google reports busy there, and it
 * becomes the booking. Another booking of the time still meets its claim cells.
 */
export function busyWithoutOwnEvent(busy: readonly TimeRange[], own: TimeRange): TimeRange[] {
  return busy.flatMap((range) => {
    if (range.end <= own.start || range.start >= own.end) return [range];
    const left = range.start < own.start ? [{ start: range.start, end: own.start }] : [];
    const right = range.end > own.end ? [{ start: own.end, end: range.end }] : [];
    return [...left, ...right];
  });
}

/**
 * How long after its request's time limit a slot still in flight is left alone before the
 * scheduled run takes it: the request is surely gone (Cloud Run ends it at the limit) and a
 * retry with its key has had a moment to finish it.
 */
export const STALLED_AFTER_MS = 5 * 60_000;

/** Whether the scheduled run may take the slot over: in flight, and its request's time long over. */
export function isStalled(slot: InFlight, now: Date): boolean {
  return !!slot.inviteInFlight && slot.inviteInFlight.until.getTime() + STALLED_AFTER_MS <= now.getTime();
}

/** What the scheduled run found for a stalled slot's invite. */
export type InviteFound =
  /** The host has no calendar we write to: there never was an event to make. */
  | { kind: 'no_calendar' }
  /** The host's Google connection is broken or gone: no event can be made now. */
  | { kind: 'calendar_unavailable' }
  /** Google has no event under the slot's id (404). */
  | { kind: 'no_event' }
  | { kind: 'event'; event: GoogleEvent };

export type StalledVerdict =
  /** The invite was made (or there was none to make): the booking stands; tell the host. */
  | { kind: 'complete' }
  /** The invite never came to be: free the time. `deleteEvent`: an event of ours stands under the id that is not this booking. */
  | { kind: 'release'; reason: 'no_event' | 'event_unusable' | 'calendar_unavailable'; deleteEvent: boolean };

/** The scheduled run's verdict on a slot whose request died while making its invite. */
export function judgeStalledInvite(slotId: string, slot: Pick<Slot, 'start' | 'end'>, found: InviteFound): StalledVerdict {
  if (found.kind === 'no_calendar') return { kind: 'complete' };
  if (found.kind === 'calendar_unavailable') return { kind: 'release', reason: 'calendar_unavailable', deleteEvent: false };
  if (found.kind === 'no_event') return { kind: 'release', reason: 'no_event', deleteEvent: false };
  if (judgeExistingEvent(slotId, slot, found.event) === 'ours') return { kind: 'complete' };
  return { kind: 'release', reason: 'event_unusable', deleteEvent: found.event.status !== 'cancelled' };
}
