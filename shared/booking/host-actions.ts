// The signed-in host acts on one of their bookings from the bookings page: confirm, decline (the
// `deny` of the email links) or cancel. Nothing here decides anything: it finds the slot, makes sure
// it is this host's, and hands it to the one operation each action has (./decide for confirm and
// deny, shared with the email links; ./cancel-booking for cancel, shared with the guest's link).
import { eventIdForSlot, InvalidSlotId } from '../google/event-identity';
import { multiLineText } from '../input/plain-text';
import { SlotNotFound, type Slot } from '../store/slots';
import type { SlotContext } from './booking-notices';
import { cancelBooking } from './cancel-booking';
import { decideSlot, type DecisionDeps } from './decide';

export type HostAction = 'confirm' | 'deny' | 'cancel';

export type HostActionOutcome = { kind: 'done'; action: HostAction; repeated: boolean; slot: Slot } | { kind: 'conflict'; slot: Slot };

/** The host's optional note to the guest when they cancel, as a form or JSON gives it. */
export const cancelMessage = multiLineText(2000);

/**
 * The signed-in host acts on one of their slots. SlotNotFound when the slot does not exist or is
 * another host's (the caller answers 404 for both); HostCalendarUnavailable when Google fails.
 */
export async function actAsHost(deps: DecisionDeps, hostId: string, slotId: string, action: HostAction, options?: { message?: string | null }): Promise<HostActionOutcome> {
  const context = await openOwnSlot(deps, hostId, slotId);
  const outcome = action === 'cancel' ? await cancelBooking(deps, context, { by: 'host', message: options?.message ?? null }) : await decideSlot(deps, context, action);
  return outcome.kind === 'done' ? { kind: 'done', action, repeated: outcome.repeated, slot: outcome.slot } : { kind: 'conflict', slot: outcome.slot };
}

/** A slot of this host's, with the host. Another host's slot is as unknown as a slot that never was. */
async function openOwnSlot(deps: Pick<DecisionDeps, 'slots' | 'subscribers'>, hostId: string, slotId: string): Promise<SlotContext> {
  if (!isSlotId(slotId)) throw new SlotNotFound(slotId);
  const slot = await deps.slots.get(slotId);
  if (!slot || slot.subscriberId !== hostId) throw new SlotNotFound(slotId);
  const host = await deps.subscribers.get(hostId);
  if (!host) throw new SlotNotFound(slotId);
  return { slotId, slot, host };
}

/** Whether a name from a URL could be a slot id at all (a slash or a dot would be another Firestore path). */
function isSlotId(slotId: string): boolean {
  try {
    eventIdForSlot(slotId);
    return true;
  } catch (error) {
    if (error instanceof InvalidSlotId) return false;
    throw error;
  }
}
