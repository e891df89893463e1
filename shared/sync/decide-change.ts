// What a change in Google Calendar means for one of our slots. Pure: the slot as we have it and
// the event as Google has it now in, the slot's new state and the effects to carry out.
// Decided from the two states, not from "what changed", so that applying the same change twice
// (a crash before the sync token was saved, a duplicated push) changes nothing the second time,
// and our own writes echoing back find nothing to do.
import { STEP_LEASE_MS, type HostStep } from '../booking/slot-state';
import type { GoogleEvent } from '../google/calendar';
import type { GuestResponse, Slot, SlotStatus } from '../store/slots';

export type ChangeEffect =
  /** Remove the event from the host's calendar. `none`: the guest already knows (they declined). */
  | { kind: 'deleteEvent'; sendUpdates: 'all' | 'none' }
  /** The host accepted in Google: make the event confirmed and let Google tell the guest. */
  | { kind: 'confirmEvent' }
  /**
   * Our own mail about the slot, sent once per slot and notice; a move's notices once per move
   * (they tell of the slot's latest move, see `latestMove`).
   */
  | { kind: 'notify'; notice: 'host-guest-declined' | 'host-guest-tentative' | 'host-event-cancelled' | 'guest-ics-cancellation' | MoveNotice };

export type MoveNotice = 'host-event-moved' | 'guest-ics-moved';

export const MOVED_IN_GOOGLE = 'moved_in_google';

/** A move in Google as the slot's history records it: its step there, the time it left and the time it took. */
export interface Move {
  step: number;
  from: { start: Date; end: Date };
  to: { start: Date; end: Date };
}

export interface SlotChange {
  transition?: { to: SlotStatus; cause: string };
  /** The guest's answer in Google, when it differs from what the slot records. */
  guestResponse?: GuestResponse;
  /** The host moved the event in Google: the slot follows. */
  moved?: { start: Date; end: Date };
  effects: ChangeEffect[];
}

type Attendee = NonNullable<GoogleEvent['attendees']>[number];

function sameEmail(a: string | null | undefined, b: string | null | undefined): boolean {
  return !!a && !!b && a.trim().toLowerCase() === b.trim().toLowerCase();
}

/** The host is the calendar's own entry (`self`), also when the calendar is not the primary one. */
export function hostAttendee(event: GoogleEvent, slot: Pick<Slot, 'calendarId'>): Attendee | undefined {
  const attendees = event.attendees ?? [];
  return attendees.find((a) => a.self) ?? attendees.find((a) => sameEmail(a.email, slot.calendarId));
}

function guestAttendee(event: GoogleEvent, slot: Slot): Attendee | undefined {
  return (event.attendees ?? []).find((a) => sameEmail(a.email, slot.guest.email));
}

function eventTimes(event: GoogleEvent): { start: Date; end: Date } | undefined {
  const start = event.start?.dateTime ?? undefined;
  const end = event.end?.dateTime ?? undefined;
  if (!start || !end) return undefined;
  return { start: new Date(start), end: new Date(end) };
}

const RESPONSES: readonly GuestResponse[] = ['needsAction', 'accepted', 'declined', 'tentative'];

function asResponse(value: string | null | undefined): GuestResponse | undefined {
  return RESPONSES.find((r) => r === value);
}

type Notice = Extract<ChangeEffect, { kind: 'notify' }>['notice'];

/** The notices a slot's move out of holding sends, by its cause (the transitions below use it too). */
function noticesFor(cause: string | undefined, inviteMode: Slot['inviteMode']): Notice[] {
  if (cause === 'guest_declined') return ['host-guest-declined'];
  if (cause === 'event_deleted_in_google') return inviteMode === 'ics' ? ['host-event-cancelled', 'guest-ics-cancellation'] : ['host-event-cancelled'];
  return [];
}

const notify = (notice: Notice): ChangeEffect => ({ kind: 'notify', notice });

/** The host hears of every move; the guest hears it from us only in the .ics flow (Google tells them otherwise). */
function moveNotices(inviteMode: Slot['inviteMode']): MoveNotice[] {
  return inviteMode === 'ics' ? ['host-event-moved', 'guest-ics-moved'] : ['host-event-moved'];
}

/**
 * The slot's last step when that step is a move in Google, recorded with the time it left.
 * Anything after a move (a decision, another move, a cancellation) sends its own mail with the
 * slot's newer state, so an older move has nothing left to tell.
 */
export function latestMove(slot: Slot): Move | undefined {
  const step = slot.history.length - 1;
  const last = slot.history[step];
  if (last?.cause !== MOVED_IN_GOOGLE || !last.movedFrom) return undefined;
  return { step, from: last.movedFrom, to: { start: slot.start, end: slot.end } };
}

/** Recorded in the slot's notices: one key per move (a move back to an earlier time is a new move). */
export function moveNoticeKey(notice: MoveNotice, move: Move): string {
  return `${notice}:${move.step}:${move.to.start.toISOString()}`;
}

/** The notices of the slot's latest move not yet sent: a sync that stopped after the move left them. */
function owedForMove(slot: Slot): ChangeEffect[] {
  const move = latestMove(slot);
  if (!move) return [];
  return moveNotices(slot.inviteMode)
    .filter((notice) => !slot.notices.includes(moveNoticeKey(notice, move)))
    .map(notify);
}

/**
 * What a slot that no longer holds its time still owes, when the effects of its transition did
 * not all happen (the transition is saved first, and a failed delete stops the rest): the event's
 * removal if it still stands, and each promised notice not yet sent.
 */
function owed(slot: Slot, { eventStands }: { eventStands: boolean }): SlotChange {
  const effects: ChangeEffect[] = [];
  if (eventStands) {
    const guestSaidNo = slot.history.at(-1)?.cause === 'guest_declined';
    effects.push({ kind: 'deleteEvent', sendUpdates: guestSaidNo || slot.inviteMode === 'ics' ? 'none' : 'all' });
  }
  for (const notice of noticesFor(slot.history.at(-1)?.cause, slot.inviteMode)) if (!slot.notices.includes(notice)) effects.push(notify(notice));
  return { effects };
}

/**
 * Whether the slot records a step of ours that deletes its event (a cancel, the host's deny) and
 * that may still be under way: taken in `decision` before the delete (../booking/take-step.ts) and
 * cleared in the write that records its outcome. A step older than its lease was left by an
 * instance that stopped (../booking/slot-state.ts STEP_LEASE_MS).
 */
export function deleteOfOursUnderWay(slot: Pick<Slot, 'decision'>, now: Date): boolean {
  const step = stepUnderWay(slot, now);
  return step === 'cancel' || step === 'deny';
}

/** The step of ours the slot records as still under way (within its lease), if any. */
function stepUnderWay(slot: Pick<Slot, 'decision'>, now: Date): HostStep | undefined {
  const step = slot.decision;
  return step && now.getTime() - step.at.getTime() < STEP_LEASE_MS ? step.action : undefined;
}

/** `now` tells a step of ours under way from one left behind. */
export function decideChange(slot: Slot, event: GoogleEvent, now: Date): SlotChange {
  const holding = slot.status === 'requested' || slot.status === 'booked';

  if (event.status === 'cancelled') {
    if (!holding) return owed(slot, { eventStands: false });
    // Our own delete, met by a sync before the step recorded it (the push of the delete comes
    // back while the step still waits for Google's answer, or a sync was already running): the
    // step records its own outcome, cause and mail (a cancel or a deny, not a delete in Google).
    // A delete by the host in Google at that very moment looks the same and ends the same way.
    // Past the step's lease its instance has stopped: the delete may not have been ours, and
    // ending the slot as deleted in Google leaves none holding its time forever.
    if (deleteOfOursUnderWay(slot, now)) return { effects: [] };
    // Deleted in Google. If we still held the time, the host deleted it there (Google told the
    // guest in the invite flow; in the .ics flow only we can).
    return { transition: { to: 'cancelled', cause: 'event_deleted_in_google' }, effects: noticesFor('event_deleted_in_google', slot.inviteMode).map(notify) };
  }

  // The slot is over but the event stands: our delete never reached Google. Finish it.
  if (!holding) return owed(slot, { eventStands: true });

  const host = hostAttendee(event, slot);
  const guest = guestAttendee(event, slot);
  const guestResponse = asResponse(guest?.responseStatus);

  if (host?.responseStatus === 'declined') {
    return { transition: { to: 'declined', cause: 'host_declined_in_google' }, effects: [{ kind: 'deleteEvent', sendUpdates: 'all' }] };
  }
  if (guestResponse === 'declined') {
    return {
      transition: { to: 'declined', cause: 'guest_declined' },
      guestResponse,
      effects: [{ kind: 'deleteEvent', sendUpdates: 'none' }, ...noticesFor('guest_declined', slot.inviteMode).map(notify)],
    };
  }

  const change: SlotChange = { effects: [] };
  if (guestResponse && guestResponse !== slot.guestResponse) {
    change.guestResponse = guestResponse;
    if (guestResponse === 'tentative') change.effects.push({ kind: 'notify', notice: 'host-guest-tentative' });
  }
  const times = eventTimes(event);
  if (times && (times.start.getTime() !== slot.start.getTime() || times.end.getTime() !== slot.end.getTime()) && times.end > times.start) {
    // The notices go out once the slot has moved, and tell of that move (see `latestMove`).
    change.moved = times;
    change.effects.push(...moveNotices(slot.inviteMode).map(notify));
  } else {
    change.effects.push(...owedForMove(slot));
  }
  // The host accepted: our own confirm's patch, if one is under way (it records host_confirmed and
  // its mail; taken from it, the confirm would answer the host "conflict"). Past its lease, or with
  // none, the host accepted in Google. Stopped steps: ../booking/stalled-step.ts.
  if (slot.status === 'requested' && host?.responseStatus === 'accepted' && stepUnderWay(slot, now) !== 'confirm') {
    change.transition = { to: 'booked', cause: 'host_accepted_in_google' };
    if (event.status !== 'confirmed') change.effects.push({ kind: 'confirmEvent' });
  }
  return change;
}
