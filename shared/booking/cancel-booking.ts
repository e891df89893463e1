// Cancelling a booking (requested or booked → cancelled): one operation, whoever cancels. The host
// from their bookings page (./host-actions, cause `host_cancelled`, with an optional note to the
// guest) or the guest from their manage link (`cancelAsGuest`, cause `guest_cancelled`).
//
// Like a decision (./decide): the cancel is first taken in the slot's `decision` in a transaction,
// so a cancel racing a confirm, a deny or another cancel never reaches Google twice; then the event
// goes at Google (Google flow: deleted with sendUpdates=all, Google tells the guest; .ics flow: the
// HOLD or booked event deleted silently, our mail tells the guest with a METHOD:CANCEL); then the
// transition, which frees the claim cells in the same write; then our mail. A failure at Google
// releases the cancel and leaves the slot as it was; repeating is harmless and sends the mail an
// earlier attempt may not have. An instance that stops half way leaves the cancel to the scheduled
// run, which records it or releases it as Google says (../upkeep/stalled-decisions).
import { CalendarError, ConnectionRevoked, EventGone } from '../google/errors';
import { SlotMoved, SlotNotFound, type Slot } from '../store/slots';
import type { SlotContext } from './booking-notices';
import { logDecision, type DecisionDeps } from './decide';
import { HostCalendarUnavailable } from './errors';
import { calendarTarget } from './host-calendar';
import { judgeCancel } from './slot-state';
import { takeStep } from './take-step';

/** Who cancels: the cause recorded in the slot's history and who is told by our mail. */
export type Canceller = { by: 'host'; message: string | null } | { by: 'guest' };

export const CANCEL_CAUSES = { host: 'host_cancelled', guest: 'guest_cancelled' } as const;

export type CancelOutcome = { kind: 'done'; action: 'cancel'; repeated: boolean; slot: Slot } | { kind: 'conflict'; slot: Slot };

/**
 * The guest cancels with their manage link (the caller has checked the link and the host's limit
 * on late cancels). SlotNotFound; HostCalendarUnavailable when Google fails.
 */
export async function cancelAsGuest(deps: DecisionDeps, slotId: string): Promise<CancelOutcome> {
  const slot = await deps.slots.require(slotId);
  const host = await deps.subscribers.get(slot.subscriberId);
  if (!host) throw new SlotNotFound(slotId);
  return cancelBooking(deps, { slotId, slot, host }, { by: 'guest' });
}

export async function cancelBooking(deps: DecisionDeps, context: SlotContext, canceller: Canceller): Promise<CancelOutcome> {
  const outcome = await carryOutCancel(deps, context, canceller);
  logDecision(deps.log, context.slotId, 'cancel', outcome, canceller.by);
  return outcome;
}

async function carryOutCancel(deps: DecisionDeps, { slotId, host }: SlotContext, canceller: Canceller): Promise<CancelOutcome> {
  const message = canceller.by === 'host' ? canceller.message : null;
  // Another step under way (a confirm, a deny, another cancel, the invite still being made) is
  // waited for: two cancels at once make one Google delete, a cancel right after a confirm cancels.
  const taken = await takeStep(deps, slotId, (slot, now) => {
    const verdict = judgeCancel(slot, now);
    // Who cancels, and the host's note, go with the step: the scheduled run finishes a step whose
    // instance stopped after Google acted, with its cause and mail (../upkeep/stalled-decisions).
    const decision = { action: 'cancel' as const, at: now, by: canceller.by, ...(message === null ? {} : { note: message }) };
    return { verdict, claim: verdict.kind === 'apply' ? { ...slot, decision } : undefined };
  });
  if (taken.verdict.kind === 'repeat') {
    // Cancelled before, perhaps by an attempt that stopped before mailing: its mail is still owed.
    await deps.notices.bookingCancelled({ slotId, slot: taken.slot, host }, message);
    return { kind: 'done', action: 'cancel', repeated: true, slot: taken.slot };
  }
  if (taken.verdict.kind === 'conflict') return { kind: 'conflict', slot: taken.slot };

  try {
    await cancelAtGoogle(deps, { slotId, slot: taken.slot, host });
  } catch (error) {
    await release(deps, slotId, taken.slot);
    throw error;
  }

  let slot: Slot;
  try {
    slot = await deps.slots.transition(slotId, {
      to: 'cancelled',
      cause: CANCEL_CAUSES[canceller.by],
      at: deps.now(),
      from: ['requested', 'booked'],
      set: { decision: null },
    });
  } catch (error) {
    if (!(error instanceof SlotMoved)) throw error;
    // Something else ended the slot while we were at Google: the guest declined there. (A sync that
    // meets our own delete first leaves the slot to this cancel: ../sync/decide-change.ts.)
    await release(deps, slotId, taken.slot);
    const now = await deps.slots.require(slotId);
    if (now.status !== 'cancelled') return { kind: 'conflict', slot: now };
    await deps.notices.bookingCancelled({ slotId, slot: now, host }, message);
    return { kind: 'done', action: 'cancel', repeated: false, slot: now };
  }
  await deps.notices.bookingCancelled({ slotId, slot, host }, message);
  return { kind: 'done', action: 'cancel', repeated: false, slot };
}

/** Gives the slot back as it was when the cancel was taken, if the cancel is still ours. */
async function release(deps: DecisionDeps, slotId: string, taken: Slot): Promise<void> {
  const ours = taken.decision;
  await deps.slots.update(slotId, (slot) => ({
    slot: slot.decision && ours && slot.decision.action === 'cancel' && slot.decision.at.getTime() === ours.at.getTime() ? { ...slot, decision: null } : undefined,
    result: null,
  }));
}

async function cancelAtGoogle(deps: DecisionDeps, { slotId, slot, host }: SlotContext): Promise<void> {
  const target = calendarTarget(deps.calendars, slot.subscriberId, host);
  const calendarId = slot.calendarId;
  // No event was ever written for a slot of a host without a Google calendar.
  if (target.kind === 'none' || !calendarId) return;
  if (target.kind === 'google_broken') throw new HostCalendarUnavailable('connection_broken');
  try {
    // Google tells the guest (sendUpdates=all) in the invite flow; in the .ics flow our mail does,
    // and Google must not mail a guest it never invited.
    await target.session.deleteEvent(calendarId, slot.eventId, slot.inviteMode === 'google' ? 'all' : 'none');
  } catch (error) {
    // Gone already (the host deleted it in Google): the cancel only has to record it.
    if (error instanceof EventGone) return;
    deps.log.warn({ err: error, slotId }, 'the host calendar refused the cancel; nothing changed');
    if (error instanceof ConnectionRevoked) throw new HostCalendarUnavailable('connection_broken', { cause: error });
    if (error instanceof CalendarError) throw new HostCalendarUnavailable('google_unavailable', { cause: error });
    throw error;
  }
}
