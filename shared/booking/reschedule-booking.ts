// The guest moves their booking with their manage link. Order matters, so that a race, a crash or a
// Google failure leaves a state someone finishes:
//  1. the new time is checked against the host's offer and busy time (the slot's own counts free);
//  2. the step is taken in the slot (`inviteInFlight`, in a transaction that judges the link's
//     version, the host's limit and any other step under way): from here until step 5 the slot is
//     this request's alone, as a booking's is while its invite is made (./invite-in-flight), so a
//     sync that meets the event at its old time leaves it (and notes it) rather than reading our
//     own half-done move as a move the host made in Google;
//  3. the move in one write (SlotRepository.reschedule): the new time's claim cells taken, the old
//     ones freed, the history's step `guest_rescheduled` (which spends the old manage link), and a
//     confirmed booking back to `requested` unless the host confirms automatically. Another
//     booking of the new time → TimeTaken: the step is given back, the booking stays where it was;
//  4. the event at Google: read (never bring back an event the host deleted), then patched to the
//     new time (Google flow: sendUpdates=all, Google mails the guest with the new link in the
//     description; .ics flow: the HOLD or booked event moved, sendUpdates=none);
//  5. the step ends; a change a sync left to us meanwhile is applied as that sync would have. Our
//     own patch echoing back then finds the slot already at the event's time: no move to report;
//  6. our mail: the host from → to (with fresh Confirm / Decline links when the new time waits
//     for them), the guest's .ics update with a higher SEQUENCE in the .ics flow. Once per move.
// If Google fails at step 4, or the instance stops after step 3, the slot stays marked, as ended:
// the scheduled run finishes the move at Google and the mail (`finishStalledReschedule`).
import type { Firestore } from '@google-cloud/firestore';
import type { CalendarSession, GoogleEvent } from '../google/calendar';
import { CalendarError, EventGone } from '../google/errors';
import { SlotMoved, TimeTaken, type Slot } from '../store/slots';
import type { Subscriber } from '../store/subscribers';
import { applyEventChange } from '../sync/apply-change';
import { checkNewTime } from './availability-service';
import type { BookingNotices } from './booking-notices';
import { HostCalendarUnavailable, SlotUnavailable } from './errors';
import { BookingBusy, BookingOver, ChangeWindowClosed, judgeReschedule, type RescheduleVerdict } from './guest-change';
import { calendarTarget, type HostCalendars } from './host-calendar';
import { REQUEST_LEASE_MS } from './idempotency';
import { holdsTime } from './slot-state';
import { rescheduledEvent } from './invite-events';
import { GUEST_RESCHEDULED, LinkSpent, linkVersion } from './manage-links';
import type { ManageDeps, ManageRequest } from './manage-booking';

export interface RescheduleDeps extends ManageDeps {
  db: Firestore;
}

export type RescheduleOutcome = { kind: 'done'; repeated: boolean; slot: Slot };

export async function rescheduleBooking(deps: RescheduleDeps, opened: ManageRequest, start: Date): Promise<RescheduleOutcome> {
  const { slotId, host, grant } = opened;
  // Already there (a second press of the same button): nothing to move, if anything could be.
  if (opened.slot.start.getTime() === start.getTime()) {
    const verdict = judgeReschedule(opened.slot, { version: grant.version, currentVersion: linkVersion(opened.slot) }, host.schedule.guestChangeLimitHours, deps.now());
    if (verdict.kind === 'over') throw new BookingOver(verdict.status);
    if (verdict.kind === 'closed') throw new ChangeWindowClosed(verdict.closedAt);
    return { kind: 'done', repeated: true, slot: opened.slot };
  }
  // A broken connection cannot move the event: say so before anything changes.
  if (calendarTarget(deps.calendars, opened.slot.subscriberId, host).kind === 'google_broken') throw new HostCalendarUnavailable('connection_broken');
  const time = await checkNewTime(deps, opened.slot.subscriberId, host, slotId, opened.slot, start);

  const taken = await takeStep(deps, opened);
  let moved: Slot;
  try {
    moved = await deps.slots.reschedule(slotId, {
      start: time.start,
      end: time.end,
      to: host.schedule.autoConfirm ? taken.status : 'requested',
      cause: GUEST_RESCHEDULED,
      at: deps.now(),
      from: [taken.status],
    });
  } catch (error) {
    await endStep(deps, host, slotId);
    if (error instanceof TimeTaken) throw new SlotUnavailable('taken');
    if (error instanceof SlotMoved) throw new BookingBusy();
    throw error;
  }

  try {
    await moveAtGoogle(deps, host, slotId, moved);
  } catch (error) {
    if (!(error instanceof CalendarError || error instanceof HostCalendarUnavailable)) throw error;
    // The move stands (its time is held); the scheduled run moves the event and mails.
    deps.log.warn({ err: error, slotId }, 'the host calendar refused the moved event; the scheduled run moves it');
    await leaveToScheduledRun(deps, slotId);
    return { kind: 'done', repeated: false, slot: await deps.slots.require(slotId) };
  }
  await endStep(deps, host, slotId);
  const slot = await deps.slots.require(slotId);
  await deps.notices.guestRescheduled({ slotId, slot, host });
  return { kind: 'done', repeated: false, slot };
}

/** Step 2: the slot marked as this request's, if the link and the slot allow it now. */
async function takeStep(deps: RescheduleDeps, { slotId, host, grant }: ManageRequest): Promise<Slot> {
  const now = deps.now();
  const taken = await deps.slots.update<{ verdict: RescheduleVerdict; slot: Slot }>(slotId, (slot) => {
    const verdict = judgeReschedule(slot, { version: grant.version, currentVersion: linkVersion(slot) }, host.schedule.guestChangeLimitHours, now);
    if (verdict.kind !== 'apply') return { result: { verdict, slot } };
    const marked: Slot = { ...slot, inviteInFlight: { until: new Date(now.getTime() + REQUEST_LEASE_MS), changeSeen: false } };
    return { slot: marked, result: { verdict, slot: marked } };
  });
  const { verdict } = taken;
  if (verdict.kind === 'spent') throw new LinkSpent(slotId);
  if (verdict.kind === 'over') throw new BookingOver(verdict.status);
  if (verdict.kind === 'closed') throw new ChangeWindowClosed(verdict.closedAt);
  if (verdict.kind === 'busy') throw new BookingBusy();
  return taken.slot;
}

/**
 * Step 4. Patching a deleted event would bring it back: read it first. A deleted one is left to
 * the sync, which cancels the slot (`event_deleted_in_google`).
 */
async function moveAtGoogle(deps: Pick<RescheduleDeps, 'calendars' | 'notices'>, host: Subscriber, slotId: string, slot: Slot): Promise<void> {
  const target = calendarTarget(deps.calendars, slot.subscriberId, host);
  // No event was ever written for a slot of a host without a Google calendar.
  if (target.kind === 'none' || !slot.calendarId) return;
  if (target.kind === 'google_broken') throw new HostCalendarUnavailable('connection_broken');
  const session = target.session;
  let event: GoogleEvent;
  try {
    event = await session.getEvent(slot.calendarId, slot.eventId);
  } catch (error) {
    if (error instanceof EventGone) return;
    throw error;
  }
  if (event.status === 'cancelled') return;
  const manageUrl = deps.notices.manageUrl(slotId, slot) ?? '';
  await session.patchEvent(slot.calendarId, slot.eventId, rescheduledEvent(slot, host, event, manageUrl), slot.inviteMode === 'google' ? 'all' : 'none');
}

/**
 * Step 5: the slot is open to every judge again. If a sync met its event meanwhile and left it to
 * us, the event as Google has it now is applied as that sync would have; if Google does not answer
 * that read, the slot stays marked, as ended, for the scheduled run.
 */
async function endStep(deps: Pick<RescheduleDeps, 'db' | 'slots' | 'calendars' | 'notices' | 'now' | 'log'>, host: Subscriber, slotId: string): Promise<void> {
  const mark = await deps.slots.update(slotId, (slot) => ({ slot: slot.inviteInFlight ? { ...slot, inviteInFlight: null } : undefined, result: slot.inviteInFlight }));
  if (!mark?.changeSeen) return;
  const slot = await deps.slots.require(slotId);
  const target = calendarTarget(deps.calendars, slot.subscriberId, host);
  if (target.kind !== 'google' || !slot.calendarId) return;
  try {
    await applyLatest(deps, target.session, host, slot);
  } catch (error) {
    deps.log.warn({ err: error, slotId }, 'could not apply the change a sync left to this reschedule; the scheduled run applies it');
    await leaveToScheduledRun(deps, slotId);
  }
}

async function applyLatest(deps: Pick<RescheduleDeps, 'db' | 'slots' | 'notices' | 'now' | 'log'>, session: CalendarSession, host: Subscriber, slot: Slot): Promise<void> {
  const calendarId = slot.calendarId ?? '';
  const event = await session.getEvent(calendarId, slot.eventId).catch((error: unknown): GoogleEvent => {
    if (error instanceof EventGone) return { id: slot.eventId, status: 'cancelled' };
    throw error;
  });
  await applyEventChange(deps, session, host, calendarId, event);
}

/** The slot marked as if its request had ended now: the scheduled run takes it over (./invite-in-flight isStalled). */
async function leaveToScheduledRun(deps: Pick<RescheduleDeps, 'slots' | 'now'>, slotId: string): Promise<void> {
  const ended = { until: deps.now(), changeSeen: true };
  await deps.slots.update(slotId, (slot) => ({ slot: { ...slot, inviteInFlight: ended }, result: undefined }));
}

/**
 * Whether a slot marked in flight is a guest's reschedule (rather than a booking whose invite is
 * being made): only a booking whose invite was made can have been rescheduled.
 */
export function isRescheduleInFlight(slot: Pick<Slot, 'inviteInFlight' | 'history'>): boolean {
  return !!slot.inviteInFlight && linkVersion(slot) > 0;
}

export interface StalledRescheduleDeps {
  db: Firestore;
  slots: RescheduleDeps['slots'];
  calendars: HostCalendars;
  notices: BookingNotices;
  now: () => Date;
  log: RescheduleDeps['log'];
}

/**
 * The scheduled run's step for a reschedule whose request stopped after the move (or met a Google
 * failure): the event is moved to the slot's time (a repeat is harmless), the step ended, and the
 * mail sent (once). Throws when Google fails again: the next run tries again.
 */
export async function finishStalledReschedule(deps: StalledRescheduleDeps, slotId: string, slot: Slot, host: Subscriber): Promise<void> {
  if (holdsTime(slot.status)) await moveAtGoogle(deps, host, slotId, slot);
  await endStep(deps, host, slotId);
  await deps.notices.guestRescheduled({ slotId, slot: await deps.slots.require(slotId), host });
}
