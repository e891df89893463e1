// A step (the host's confirm or deny, a cancel) whose instance stopped while carrying it out: taken
// in the slot's `decision` (./take-step), then a Google call, then the transition that clears it.
// Cloud Run ends an instance at its time limit wherever it is, so a step may stop after Google acted
// and before the slot recorded it. A sync that met the event meanwhile left the slot to the step
// (../sync/decide-change.ts) and its sync token has moved on: nothing would look again, and the
// slot would hold its time (or refuse the host's other decision) for good. The scheduled run looks
// at Google once the step's lease is long over and settles it: Google has the step's outcome → the
// slot records it as the step would have (its own cause, its own mail); Google has nothing of it →
// the step is released, the slot as it was (as a failure at Google leaves it: the one who asked
// can ask again). Pure: tested as a table.
import type { GoogleEvent } from '../google/calendar';
import type { Slot, SlotStatus } from '../store/slots';
import { hostAttendee } from '../sync/decide-change';
import { CANCEL_CAUSES } from './cancel-booking';
import { HOLD_PREFIX } from './invite-events';
import { holdsTime, STEP_LEASE_MS } from './slot-state';

/**
 * How long after a step was taken the scheduled run may take it over: its lease (the functions'
 * time limit), and a minute more for clocks that disagree and for the step's last write.
 */
export const STEP_STALLED_AFTER_MS = STEP_LEASE_MS + 60_000;

type Stepped = Pick<Slot, 'decision'>;

/** Whether the slot holds a step whose instance surely stopped. */
export function isStepStalled(slot: Stepped, now: Date): boolean {
  return !!slot.decision && slot.decision.at.getTime() + STEP_STALLED_AFTER_MS <= now.getTime();
}

/** Whether the slot still holds the very step that was read (not one taken since, by a cancel after its lease). */
export function sameStep(slot: Stepped, step: NonNullable<Slot['decision']>): boolean {
  return !!slot.decision && slot.decision.action === step.action && slot.decision.at.getTime() === step.at.getTime();
}

/** What the scheduled run found at Google for a stalled step's slot. */
export type StepFound =
  /** The host has no calendar we write to: the step had nothing to do at Google. */
  | { kind: 'no_calendar' }
  /** The host's Google connection is broken or gone: nothing can be told now. */
  | { kind: 'calendar_unavailable' }
  /** Google has no event under the slot's id (404). */
  | { kind: 'no_event' }
  | { kind: 'event'; event: GoogleEvent };

export type StalledStepVerdict =
  /** Google has the step's outcome: record it with the step's cause, then the step's mail. */
  | { kind: 'finish'; to: SlotStatus; cause: string }
  /** Google has nothing of the step (or the slot has moved on without it): clear `decision`. */
  | { kind: 'release' }
  /** Not for the run now: not stalled, its invite still in flight (settled first), or Google unreachable. */
  | { kind: 'leave' };

const DECISION_CAUSES = { confirm: 'host_confirmed', deny: 'host_denied' } as const;

/** The scheduled run's verdict on a slot's step, from the slot, what Google has, and the clock. */
export function judgeStalledStep(slot: Pick<Slot, 'status' | 'decision' | 'inviteInFlight' | 'inviteMode' | 'calendarId'>, found: StepFound, now: Date): StalledStepVerdict {
  const step = slot.decision;
  if (!step || !isStepStalled(slot, now)) return { kind: 'leave' };
  // The booking's own invite is judged first (../upkeep/stalled-invites): Google may not have its event.
  if (slot.inviteInFlight) return { kind: 'leave' };
  // Something else ended it (the guest declined in Google, or a sync past the lease): nothing left to record.
  if (!holdsTime(slot.status)) return { kind: 'release' };
  if (step.action !== 'cancel' && slot.status !== 'requested') return { kind: 'release' };
  if (found.kind === 'calendar_unavailable') return { kind: 'leave' };
  const gone = found.kind === 'no_event' || (found.kind === 'event' && found.event.status === 'cancelled');
  const finish = (to: SlotStatus, cause: string): StalledStepVerdict => ({ kind: 'finish', to, cause });

  if (step.action === 'cancel') {
    // Steps taken before `by` was recorded were the host's or the guest's: counted as the host's.
    const cause = CANCEL_CAUSES[step.by ?? 'host'];
    return found.kind === 'no_calendar' || gone ? finish('cancelled', cause) : { kind: 'release' };
  }
  if (step.action === 'deny') return found.kind === 'no_calendar' || gone ? finish('declined', DECISION_CAUSES.deny) : { kind: 'release' };
  // A confirm: its patch is what Google shows. An event gone was deleted in Google (a confirm
  // deletes nothing): released, the next sync records that.
  if (found.kind === 'no_calendar') return finish('booked', DECISION_CAUSES.confirm);
  if (found.kind === 'no_event' || gone) return { kind: 'release' };
  return confirmedAtGoogle(slot, found.event) ? finish('booked', DECISION_CAUSES.confirm) : { kind: 'release' };
}

/** Whether the event shows the confirm's patch (./decide applyAtGoogle): the host accepted, or the HOLD made the booking. */
function confirmedAtGoogle(slot: Pick<Slot, 'inviteMode' | 'calendarId'>, event: GoogleEvent): boolean {
  if (slot.inviteMode === 'ics') return event.status === 'confirmed' && !!event.summary && !event.summary.startsWith(HOLD_PREFIX);
  return hostAttendee(event, slot)?.responseStatus === 'accepted';
}
