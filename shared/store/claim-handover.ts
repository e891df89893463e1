// Who holds each claim cell when a slot moves or lets its time go. Pure: the cells and the slots
// concerned as plain data in, the writes to make out.
//
// The host may swap two bookings' times in Google. The sync applies the two moves one after the
// other (in either order, or in two syncs), so the first slot to move finds its new time still
// held by the other. It must not give up those cells, or a guest could book into its time once
// the other moves away. So a cell another live slot holds is waited for: the mover is written
// into the cell's `waiting` list, and whoever lets the cell go later hands it to the first slot
// waiting for it that still wants it, in the same write, instead of deleting it. Every cell of a
// live slot's time therefore exists at every moment (held by it, or by another slot it waits
// behind), and no booking can take any part of it. When both moves are applied each slot holds
// all of its time; if the events really overlap, the later one keeps waiting (its time is still
// held) and takes the cells over when the other slot moves, ends or is cancelled. The host's
// mail about a move says when the new time overlaps another booking (`waitsForCells`).
//
// A slot's time here is its held span (../booking/buffers): its time widened by the buffers it
// was booked with. So two bookings' buffers add up: with 15 minutes after each booking and 10
// before, the next booking can start 25 minutes after one ends, as each holds its own buffer in
// cells that only one slot can hold.
//
// A guest's reschedule is not a move the host made: it takes only time nobody else wants and
// otherwise fails (`wantedByOthers`), so it never waits behind another slot.
import { heldSpan } from '../booking/buffers';
import type { Slot } from './slots';
import { claimIdsCovering } from './slot-claims';

/** A claim cell as read in the transaction. */
export interface CellView {
  id: string;
  /** The slot whose claim it is; null when no claim document exists. */
  holder: string | null;
  /** Slots whose time covers the cell while another slot holds it, first come first. */
  waiting: readonly string[];
}

/** Another slot of the host, as far as its cells go. */
export interface SlotView {
  holdsTime: boolean;
  /** The cells its time touches. */
  cells: readonly string[];
}

export interface CellPlan {
  /** Cells the slot holds after: free ones, its own, and ones whose holder no longer wants them. */
  hold: string[];
  /** Cells of its time another live slot holds: the slot waits for them. */
  waitFor: { cell: string; holder: string }[];
  /** Cells it lets go: handed to `heir` (the cell's `waiting` left as `waiting`), or deleted when no heir. */
  leave: { cell: string; heir: string | null; waiting: string[] }[];
  /** Cells taken over from a slot that no longer wants them: removed from that slot's claims. */
  takenFrom: { cell: string; holder: string }[];
}

function wants(slot: SlotView | undefined, cell: string): boolean {
  return !!slot && slot.holdsTime && slot.cells.includes(cell);
}

/**
 * The plan for `slotId`, whose time now touches `wanted` (empty when it no longer holds time),
 * leaving the cells in `left` (those it held that its time no longer touches). `others` are the
 * holders of the wanted cells and the slots waiting for the left ones (absent: no such slot).
 */
export function planCells(slotId: string, wanted: readonly CellView[], left: readonly CellView[], others: ReadonlyMap<string, SlotView>): CellPlan {
  const plan: CellPlan = { hold: [], waitFor: [], leave: [], takenFrom: [] };
  for (const cell of wanted) {
    if (cell.holder === null || cell.holder === slotId) plan.hold.push(cell.id);
    else if (wants(others.get(cell.holder), cell.id)) plan.waitFor.push({ cell: cell.id, holder: cell.holder });
    else {
      plan.hold.push(cell.id);
      plan.takenFrom.push({ cell: cell.id, holder: cell.holder });
    }
  }
  for (const cell of left) {
    // A cell recorded as ours that another slot holds (an older write) is not ours to give.
    if (cell.holder !== slotId) continue;
    const waiting = cell.waiting.filter((id) => id !== slotId);
    const heir = waiting.find((id) => wants(others.get(id), cell.id)) ?? null;
    plan.leave.push({ cell: cell.id, heir, waiting: waiting.filter((id) => id !== heir && wants(others.get(id), cell.id)) });
  }
  return plan;
}

/** The slots whose state the plan needs: holders of the wanted cells and those waiting for the left ones. */
export function slotsToRead(slotId: string, wanted: readonly CellView[], left: readonly CellView[]): string[] {
  const ids = new Set<string>();
  for (const cell of wanted) if (cell.holder !== null && cell.holder !== slotId) ids.add(cell.holder);
  for (const cell of left) if (cell.holder === slotId) for (const id of cell.waiting) if (id !== slotId) ids.add(id);
  return [...ids];
}

/** The slots a reschedule needs besides `slotsToRead`: those waiting for the wanted cells it does not hold. */
export function waitersToRead(slotId: string, wanted: readonly CellView[]): string[] {
  const ids = new Set<string>();
  for (const cell of wanted) if (cell.holder !== slotId) for (const id of cell.waiting) if (id !== slotId) ids.add(id);
  return [...ids];
}

/**
 * The wanted cells (of a guest's reschedule) that are another booking's time: held by another live
 * slot whose time covers them, or, when not held by `slotId`, waited for by one. A cell whose
 * holder no longer wants it (a stale claim) and that nobody live waits for is free. A cell the
 * slot already holds stays its own, whoever waits behind it (it changes nothing for them).
 */
export function wantedByOthers(slotId: string, wanted: readonly CellView[], others: ReadonlyMap<string, SlotView>): string[] {
  return wanted
    .filter((cell) => {
      if (cell.holder === slotId) return false;
      if (cell.holder !== null && wants(others.get(cell.holder), cell.id)) return true;
      return cell.waiting.some((id) => id !== slotId && wants(others.get(id), cell.id));
    })
    .map((cell) => cell.id);
}

/** The cells a slot's held span touches (its time widened by its stored buffers). */
export function heldCells(slot: Pick<Slot, 'subscriberId' | 'start' | 'end' | 'buffer'>): string[] {
  const span = heldSpan(slot, slot.start, slot.end);
  return claimIdsCovering(slot.subscriberId, span.start, span.end);
}

/**
 * A slot holding time that waits behind another for some of it: the events overlap in Google
 * (the host moved one onto the other, or is halfway through swapping them).
 */
export function waitsForCells(slot: Pick<Slot, 'subscriberId' | 'start' | 'end' | 'buffer'> & { claimIds: readonly string[] }, holdsTime: boolean): boolean {
  return holdsTime && heldCells(slot).some((id) => !slot.claimIds.includes(id));
}
