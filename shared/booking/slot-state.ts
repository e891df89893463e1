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

export const DECISION_TARGET: Record<DecisionAction, SlotStatus> = { confirm: 'booked', deny: 'declined' };

export type DecisionVerdict =
  /** Carry the decision out (again, if an earlier attempt stopped half way). */
  | { kind: 'apply'; to: SlotStatus }
  /** Already done: the same answer as the first time, nothing changes. */
  | { kind: 'repeat' }
  /** Something else was decided (or is being carried out): nothing changes. */
  | { kind: 'conflict'; decided: SlotStatus | DecisionAction };

/** What the host's confirm or deny means for a slot as it is now. */
export function judgeDecision(slot: Pick<Slot, 'status' | 'decision'>, action: DecisionAction): DecisionVerdict {
  const target = DECISION_TARGET[action];
  if (slot.status === target) return { kind: 'repeat' };
  if (slot.status !== 'requested') return { kind: 'conflict', decided: slot.status };
  if (slot.decision && slot.decision.action !== action) return { kind: 'conflict', decided: slot.decision.action };
  return { kind: 'apply', to: target };
}
