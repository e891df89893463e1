// What a guest may do with their booking through their manage link, now. Pure: tested as a table.
// The host's limit (`schedule.guestChangeLimitHours`) closes every change that many hours before
// the start; a booking that is over (declined, cancelled) has nothing left to change; a step
// being carried out at Google right now (the host's decision, a cancel, the booking's own invite
// or another reschedule) is waited out by asking again, never run beside it.
import type { Slot, SlotStatus } from '../store/slots';
import { holdsTime, STEP_LEASE_MS } from './slot-state';

export type GuestChoices =
  /** Cancel or reschedule, until `closesAt`. */
  | { kind: 'open'; closesAt: Date }
  /** Declined or cancelled: nothing to change. */
  | { kind: 'over'; status: SlotStatus }
  /** Past the host's limit (or the booking has begun): the guest must ask the host. */
  | { kind: 'closed'; closedAt: Date };

/** The last moment a guest may change the booking: the host's limit before its start. */
export function changeClosesAt(slot: Pick<Slot, 'start'>, limitHours: number): Date {
  return new Date(slot.start.getTime() - limitHours * 60 * 60_000);
}

export function guestChoices(slot: Pick<Slot, 'status' | 'start'>, limitHours: number, now: Date): GuestChoices {
  if (!holdsTime(slot.status)) return { kind: 'over', status: slot.status };
  const closesAt = changeClosesAt(slot, limitHours);
  if (now.getTime() >= closesAt.getTime()) return { kind: 'closed', closedAt: closesAt };
  return { kind: 'open', closesAt };
}

export type RescheduleVerdict =
  | { kind: 'apply' }
  /** The link was made before a reschedule since (./manage-links): it may not act any more. */
  | { kind: 'spent' }
  | Exclude<GuestChoices, { kind: 'open' }>
  /** Another step is under way at Google: nothing changes, ask again shortly. */
  | { kind: 'busy' };

/**
 * Whether a reschedule may start on the slot as it is now (read in the transaction that takes it).
 * `version`: the link's; `currentVersion`: the slot's (./manage-links linkVersion).
 */
export function judgeReschedule(
  slot: Pick<Slot, 'status' | 'start' | 'decision' | 'inviteInFlight'>,
  link: { version: number; currentVersion: number },
  limitHours: number,
  now: Date,
): RescheduleVerdict {
  if (link.version !== link.currentVersion) return { kind: 'spent' };
  const choices = guestChoices(slot, limitHours, now);
  if (choices.kind !== 'open') return choices;
  if (slot.inviteInFlight) return { kind: 'busy' };
  // A decision older than its lease was left by an instance that stopped (./slot-state).
  if (slot.decision && now.getTime() - slot.decision.at.getTime() < STEP_LEASE_MS) return { kind: 'busy' };
  return { kind: 'apply' };
}

/** 403: past the host's limit on guest changes. */
export class ChangeWindowClosed extends Error {
  constructor(readonly closedAt: Date) {
    super('it is too late to change this booking online');
    this.name = 'ChangeWindowClosed';
  }
}

/** 409: the booking is declined or cancelled; nothing is left to change. */
export class BookingOver extends Error {
  constructor(readonly status: SlotStatus) {
    super(`this booking is ${status}`);
    this.name = 'BookingOver';
  }
}

/** 409: another step on the booking is being carried out at Google right now; ask again shortly. */
export class BookingBusy extends Error {
  constructor() {
    super('this booking is being changed right now; try again in a moment');
    this.name = 'BookingBusy';
  }
}
