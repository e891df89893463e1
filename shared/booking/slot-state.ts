// The life of a slot: requested → booked | declined | cancelled; booked → declined | cancelled.
// Declined and cancelled are final and free the slot's time. Pure: tested as a table.
import type { Slot, SlotStatus } from '../store/slots';

const NEXT: Record<SlotStatus, readonly SlotStatus[]> = {
  requested: ['booked', 'declined', 'cancelled'],
  booked: ['declined', 'cancelled'],
  declined: [],
  cancelled: [],
};

export function canTransition(from: SlotStatus, to: SlotStatus): boolean {
  return NEXT[from].includes(to);
}

/** Whether a slot in this status holds its time (blocks other bookings). */
export function holdsTime(status: SlotStatus): boolean {
  return status === 'requested' || status === 'booked';
}

export type DecisionAction = 'confirm' | 'deny';

/** What a slot's `decision` field may hold: the host's or the guest's step while it is carried out at Google. */
export type HostStep = DecisionAction | 'cancel';

export const DECISION_TARGET: Record<DecisionAction, SlotStatus> = { confirm: 'booked', deny: 'declined' };

export type DecisionVerdict =
  /** Carry the decision out (again, if an earlier attempt stopped half way). */
  | { kind: 'apply'; to: SlotStatus }
  /** Already done: the same answer as the first time, nothing changes. */
  | { kind: 'repeat' }
  /** Something else was decided (or is being carried out): nothing changes. */
  | { kind: 'conflict'; decided: SlotStatus | HostStep }
  /** The slot's invite is being made at Google (its booking, or the guest's reschedule): judge again once it is. */
  | { kind: 'wait' };

/** What the host's confirm or deny means for a slot as it is now. */
export function judgeDecision(slot: Pick<Slot, 'status' | 'decision' | 'inviteInFlight'>, action: DecisionAction, now: Date): DecisionVerdict {
  const target = DECISION_TARGET[action];
  if (slot.status === target) return { kind: 'repeat' };
  if (slot.status !== 'requested') return { kind: 'conflict', decided: slot.status };
  if (slot.decision && slot.decision.action !== action) return { kind: 'conflict', decided: slot.decision.action };
  if (inviteUnderWay(slot, now)) return { kind: 'wait' };
  return { kind: 'apply', to: target };
}

/**
 * Whether the slot's own request may still be making its invite (./invite-in-flight): Google may not
 * have the event yet, or be moving it. A request that ends and leaves the mark for the scheduled run
 * sets its time to when it ended, so a mark whose time is out is nobody's work in progress.
 */
function inviteUnderWay(slot: Pick<Slot, 'inviteInFlight'>, now: Date): boolean {
  return !!slot.inviteInFlight && slot.inviteInFlight.until > now;
}

/**
 * How long a step taken in `decision` may still be under way: the time limit of the functions that
 * take one (decision, accounts, booking: 60 s, infra/deploy/function-limits.ts). A step older than
 * that was left by an instance that stopped; a cancel may take over from it.
 */
export const STEP_LEASE_MS = 60_000;

export type CancelVerdict =
  /** Carry the cancel out (again, if an earlier attempt stopped half way). */
  | { kind: 'apply' }
  /** Cancelled already (by anyone, or in Google): the same answer as the first time. */
  | { kind: 'repeat' }
  /** The host declined it (or the guest did, in Google): there is nothing to cancel. */
  | { kind: 'conflict'; decided: SlotStatus }
  /** Another step is being carried out at Google right now: judge again once it is done. */
  | { kind: 'wait' };

/** What a cancel means for a slot as it is now; `now` tells a step under way from one left behind. */
export function judgeCancel(slot: Pick<Slot, 'status' | 'decision' | 'inviteInFlight'>, now: Date): CancelVerdict {
  if (slot.status === 'cancelled') return { kind: 'repeat' };
  if (!holdsTime(slot.status)) return { kind: 'conflict', decided: slot.status };
  // A delete now could come before Google has the event, which would then invite the guest to a
  // cancelled booking.
  if (inviteUnderWay(slot, now)) return { kind: 'wait' };
  if (slot.decision && now.getTime() - slot.decision.at.getTime() < STEP_LEASE_MS) return { kind: 'wait' };
  return { kind: 'apply' };
}
