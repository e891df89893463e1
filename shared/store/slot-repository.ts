// Firestore access for slots and the claim cells that hold their time.
import { FieldPath, FieldValue, type DocumentReference, type Firestore, type Transaction } from '@google-cloud/firestore';
import { heldSpan } from '../booking/buffers';
import { logEvent, type EventLog } from '../business-events';
import { canTransition, holdsTime } from '../booking/slot-state';
import { heldCells, planCells, slotsToRead, waitersToRead, wantedByOthers, type CellView, type SlotView } from './claim-handover';
import { isAlreadyExists, withDates } from './firestore';
import { busyFromClaims, claimIdsFor, claimNameRange } from './slot-claims';
import { slotSchema, SlotMoved, SlotNotFound, TimeTaken, type Slot, type SlotStatus } from './slots';


export interface TransitionRequest {
  to: SlotStatus;
  cause: string;
  at: Date;
  /** Only from these statuses; any other current status → SlotMoved. */
  from: readonly SlotStatus[];
  /** Other fields to set in the same write. */
  set?: Partial<Pick<Slot, 'start' | 'end' | 'guestResponse' | 'decision'>>;
}

/** A guest's new time for a slot (`SlotRepository.reschedule`). */
export interface RescheduleRequest {
  start: Date;
  end: Date;
  /** The status after (one that holds time): a confirmed booking may go back to `requested`. */
  to: SlotStatus;
  cause: string;
  at: Date;
  /** Only from these statuses; any other current status → SlotMoved. */
  from: readonly SlotStatus[];
  /** Other fields to set in the same write (the time, status, claims and history are the reschedule's own). */
  set?: Partial<Slot>;
}

export class SlotRepository {
  /**
   * `log`: where each committed change of status or time is written as a `slot.transition`
   * event. This class is the only writer of a slot's status and time, so the event is written
   * here, once, after the transaction commits (its body may run again on contention).
   */
  constructor(
    private readonly db: Firestore,
    private readonly log?: EventLog,
  ) {}

  private changed(slotId: string, before: Slot, after: Slot): void {
    const moved = before.start.getTime() !== after.start.getTime() || before.end.getTime() !== after.end.getTime();
    if (!this.log || (!moved && before.status === after.status)) return;
    const cause = after.history.at(-1)?.cause ?? 'unrecorded';
    logEvent(this.log, 'slot.transition', { slotId, hostId: after.subscriberId, from: before.status, to: after.status, cause, moved });
  }

  private slotRef(slotId: string) {
    return this.db.collection('slots').doc(slotId);
  }

  private claimRef(claimId: string) {
    return this.db.collection('slotClaims').doc(claimId);
  }

  async get(slotId: string): Promise<Slot | undefined> {
    const snap = await this.slotRef(slotId).get();
    return snap.exists ? slotSchema.parse(withDates(snap.data())) : undefined;
  }

  async require(slotId: string): Promise<Slot> {
    const slot = await this.get(slotId);
    if (!slot) throw new SlotNotFound(slotId);
    return slot;
  }

  /**
   * Writes a new slot and its claim cells in one atomic batch of create()s: if any cell is held
   * the whole write fails → TimeTaken. The cells are those of its held span (its time and its
   * `buffer`). `extra` documents (e.g. the idempotency record) are created in the same batch.
   */
  async create(slotId: string, slot: Omit<Slot, 'claimIds'>, extra: { ref: DocumentReference; data: object }[] = []): Promise<Slot> {
    const span = heldSpan(slot, slot.start, slot.end);
    const claimIds = claimIdsFor(slot.subscriberId, span.start, span.end);
    const full = slotSchema.parse({ ...slot, claimIds });
    const batch = this.db.batch();
    batch.create(this.slotRef(slotId), full);
    for (const id of claimIds) batch.create(this.claimRef(id), { slotId, subscriberId: slot.subscriberId });
    for (const doc of extra) batch.create(doc.ref, doc.data);
    try {
      await batch.commit();
    } catch (error) {
      if (isAlreadyExists(error)) throw new TimeTaken();
      throw error;
    }
    return full;
  }

  /**
   * Removes a slot that never became real (Google refused its event) with its claims; with `only`,
   * just if the slot as read in the transaction passes it. Returns whether it was removed.
   */
  async discard(slotId: string, alsoDelete: DocumentReference[] = [], only: (slot: Slot) => boolean = () => true): Promise<boolean> {
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(this.slotRef(slotId));
      if (!snap.exists) return false;
      const slot = slotSchema.parse(withDates(snap.data()));
      if (!only(slot)) return false;
      const settle = await this.readSettlement(tx, slotId, slot.subscriberId, [], slot.claimIds);
      settle.write();
      for (const ref of alsoDelete) tx.delete(ref);
      tx.delete(this.slotRef(slotId));
      return true;
    });
  }

  /**
   * Slots whose invite has been in flight since a request whose time ran out before `cutoff`,
   * oldest first, a page after `after` (the last of the page before).
   */
  async invitesInFlightBefore(cutoff: Date, limit: number, after?: { slotId: string; until: Date }): Promise<{ slotId: string; slot: Slot }[]> {
    let query = this.db.collection('slots').where('inviteInFlight.until', '<=', cutoff).orderBy('inviteInFlight.until').orderBy(FieldPath.documentId());
    if (after) query = query.startAfter(after.until, after.slotId);
    const found = await query.limit(limit).get();
    return found.docs.map((doc) => ({ slotId: doc.id, slot: slotSchema.parse(withDates(doc.data())) }));
  }

  /**
   * The time a host's requested and booked slots hold in [start, end) (with their buffers); with
   * `exceptSlotId`, leaving out the cells that slot holds (its own time, for its reschedule).
   */
  async heldTime(subscriberId: string, start: Date, end: Date, exceptSlotId?: string): Promise<{ start: Date; end: Date }[]> {
    return (await this.heldTimeBySlot(subscriberId, start, end, exceptSlotId)).busy;
  }

  /** `heldTime`, and the slots whose cells hold time in the range (`exceptSlotId` among them). */
  async heldTimeBySlot(subscriberId: string, start: Date, end: Date, exceptSlotId?: string): Promise<{ busy: { start: Date; end: Date }[]; slotIds: Set<string> }> {
    const { from, to } = claimNameRange(subscriberId, start, end);
    const query = this.db.collection('slotClaims').where(FieldPath.documentId(), '>=', this.claimRef(from)).where(FieldPath.documentId(), '<', this.claimRef(to));
    const found = await query.select('slotId').get();
    const held = found.docs.filter((doc) => doc.get('slotId') !== exceptSlotId);
    return { busy: busyFromClaims(held.map((doc) => doc.id)), slotIds: new Set(found.docs.map((doc) => String(doc.get('slotId')))) };
  }

  /** The host of each of these slots that exists, by slot id: one round trip for them all. */
  async hostsOf(slotIds: string[]): Promise<Map<string, string>> {
    if (slotIds.length === 0) return new Map();
    const snaps = await this.db.getAll(...slotIds.map((slotId) => this.slotRef(slotId)), { fieldMask: ['subscriberId'] });
    return new Map(snaps.filter((snap) => snap.exists).map((snap) => [snap.id, String(snap.get('subscriberId'))]));
  }

  /** Reads a slot in a transaction, lets `change` decide, and writes what it returns. */
  async update<T>(slotId: string, change: (slot: Slot, tx: Transaction) => { slot?: Slot; result: T }): Promise<T> {
    let written: { before: Slot; after: Slot } | undefined;
    const result = await this.db.runTransaction(async (tx) => {
      written = undefined;
      const snap = await tx.get(this.slotRef(slotId));
      if (!snap.exists) throw new SlotNotFound(slotId);
      const before = slotSchema.parse(withDates(snap.data()));
      const { slot, result } = change(before, tx);
      if (slot) {
        const after = slotSchema.parse(slot);
        // A slot that stops holding time gives its claim cells back in the same write (to a slot
        // waiting for them, else freed).
        if (!holdsTime(after.status) && after.claimIds.length > 0) {
          const settle = await this.readSettlement(tx, slotId, after.subscriberId, [], after.claimIds);
          settle.write();
          after.claimIds = [];
        }
        tx.set(this.slotRef(slotId), after);
        written = { before, after };
      }
      return result;
    });
    if (written) this.changed(slotId, written.before, written.after);
    return result;
  }

  /**
   * The host moved the event in Google: the slot follows, recorded in its history with the time it
   * left, and its claim cells move with it in one transaction (./claim-handover): free cells are
   * taken; a cell another live slot holds is waited for and handed over when that slot lets it go
   * (a swap of two bookings settles once both moves are applied, in either order); the cells it
   * leaves go to a slot waiting for them, else are freed. Returns the slot as it is after
   * (unchanged if it was there already).
   */
  async move(slotId: string, start: Date, end: Date, cause: string, at: Date): Promise<Slot> {
    let before: Slot | undefined;
    const after = await this.db.runTransaction(async (tx) => {
      const snap = await tx.get(this.slotRef(slotId));
      if (!snap.exists) throw new SlotNotFound(slotId);
      const slot = slotSchema.parse(withDates(snap.data()));
      before = slot;
      if (slot.start.getTime() === start.getTime() && slot.end.getTime() === end.getTime()) return slot;
      const wanted = holdsTime(slot.status) ? heldCells({ ...slot, start, end }) : [];
      const settle = await this.readSettlement(
        tx,
        slotId,
        slot.subscriberId,
        wanted,
        slot.claimIds.filter((id) => !wanted.includes(id)),
      );
      settle.write();
      const moved = slotSchema.parse({
        ...slot,
        start,
        end,
        claimIds: settle.hold,
        history: [...slot.history, { from: slot.status, to: slot.status, cause, at, movedFrom: { start: slot.start, end: slot.end } }],
        updatedAt: at,
      });
      tx.set(this.slotRef(slotId), moved);
      return moved;
    });
    if (before) this.changed(slotId, before, after);
    return after;
  }

  /**
   * A guest moves a requested or booked slot to a new time, in one transaction: the cells of the
   * new held span (with the slot's stored buffers) are taken, the old ones it no longer needs go
   * to a slot waiting for them or are freed, the ones it already holds are kept. Unlike `move`
   * (the host's move in Google, which the slot must follow), it takes only time nobody else wants
   * (./claim-handover `wantedByOthers`): a cell held by another live slot, or waited for by one,
   * → TimeTaken and nothing changes. A stale cell (its holder no longer wants it) is taken over.
   * SlotMoved if the status is not in `from`; SlotNotFound. Returns the slot after.
   */
  async reschedule(slotId: string, change: RescheduleRequest): Promise<Slot> {
    if (!holdsTime(change.to)) throw new RangeError(`a reschedule keeps the time held; "${change.to}" does not`);
    let before: Slot | undefined;
    const after = await this.db.runTransaction(async (tx) => {
      const snap = await tx.get(this.slotRef(slotId));
      if (!snap.exists) throw new SlotNotFound(slotId);
      const slot = slotSchema.parse(withDates(snap.data()));
      if (!change.from.includes(slot.status) || !holdsTime(slot.status)) throw new SlotMoved(slotId, slot.status);
      before = slot;
      const span = heldSpan(slot, change.start, change.end);
      const wanted = claimIdsFor(slot.subscriberId, span.start, span.end);
      const settle = await this.readSettlement(tx, slotId, slot.subscriberId, wanted, slot.claimIds.filter((id) => !wanted.includes(id)), { onlyFree: true });
      settle.write();
      const moved = slotSchema.parse({
        ...slot,
        ...change.set,
        start: change.start,
        end: change.end,
        status: change.to,
        claimIds: settle.hold,
        history: [...slot.history, { from: slot.status, to: change.to, cause: change.cause, at: change.at, movedFrom: { start: slot.start, end: slot.end } }],
        updatedAt: change.at,
      });
      tx.set(this.slotRef(slotId), moved);
      return moved;
    });
    if (before) this.changed(slotId, before, after);
    return after;
  }

  /**
   * Reads, inside `tx`, what deciding the cells of `slotId` needs (the cells it wants and those it
   * leaves, the slots holding or waiting for them), decides (./claim-handover), and returns the
   * cells it will hold and the writes to make: Firestore wants every read before the first write.
   * `onlyFree` (a guest's reschedule): any wanted cell another slot wants → TimeTaken, nothing written.
   */
  private async readSettlement(
    tx: Transaction,
    slotId: string,
    subscriberId: string,
    wantedIds: string[],
    leftIds: string[],
    options: { onlyFree?: boolean } = {},
  ): Promise<{ hold: string[]; write: () => void }> {
    const cellIds = [...wantedIds, ...leftIds];
    const snaps = cellIds.length > 0 ? await tx.getAll(...cellIds.map((id) => this.claimRef(id))) : [];
    const cells: CellView[] = snaps.map((cell, i) => ({
      id: cellIds[i]!,
      holder: cell.exists ? String(cell.get('slotId')) : null,
      waiting: cell.exists ? ((cell.get('waiting') as string[] | undefined) ?? []) : [],
    }));
    const wanted = cells.slice(0, wantedIds.length);
    const left = cells.slice(wantedIds.length);
    const otherIds = [...new Set([...slotsToRead(slotId, wanted, left), ...(options.onlyFree ? waitersToRead(slotId, wanted) : [])])];
    const otherSnaps = otherIds.length > 0 ? await tx.getAll(...otherIds.map((id) => this.slotRef(id))) : [];
    const others = new Map<string, SlotView & { claimIds: string[] }>();
    for (const [i, other] of otherSnaps.entries()) {
      if (!other.exists) continue;
      const found = slotSchema.parse(withDates(other.data()));
      others.set(otherIds[i]!, { holdsTime: holdsTime(found.status), cells: heldCells(found), claimIds: found.claimIds });
    }
    if (options.onlyFree && wantedByOthers(slotId, wanted, others).length > 0) throw new TimeTaken();
    const plan = planCells(slotId, wanted, left, others);
    const write = (): void => {
      const gained = new Map<string, string[]>();
      const lost = new Map<string, string[]>();
      const waitingOn = new Map(cells.map((cell) => [cell.id, cell.waiting]));
      for (const id of plan.hold) tx.set(this.claimRef(id), { slotId, subscriberId, waiting: (waitingOn.get(id) ?? []).filter((w) => w !== slotId) });
      for (const { cell } of plan.waitFor) tx.set(this.claimRef(cell), { waiting: FieldValue.arrayUnion(slotId) }, { merge: true });
      for (const { cell, holder } of plan.takenFrom) lost.set(holder, [...(lost.get(holder) ?? []), cell]);
      for (const { cell, heir, waiting } of plan.leave) {
        if (heir === null) {
          tx.delete(this.claimRef(cell));
          continue;
        }
        tx.set(this.claimRef(cell), { slotId: heir, subscriberId, waiting });
        gained.set(heir, [...(gained.get(heir) ?? []), cell]);
      }
      for (const id of new Set([...gained.keys(), ...lost.keys()])) {
        const other = others.get(id);
        if (!other) continue;
        const claimIds = [...new Set([...other.claimIds, ...(gained.get(id) ?? [])])].filter((c) => !(lost.get(id) ?? []).includes(c)).sort();
        tx.update(this.slotRef(id), { claimIds });
      }
    };
    return { hold: plan.hold, write };
  }

  /** A host's requested and booked slots on one calendar that start in [from, to). */
  async holdingIn(subscriberId: string, calendarId: string, from: Date, to: Date): Promise<{ slotId: string; slot: Slot }[]> {
    const found = await this.db.collection('slots').where('subscriberId', '==', subscriberId).where('status', 'in', ['requested', 'booked']).get();
    return found.docs
      .map((doc) => ({ slotId: doc.id, slot: slotSchema.parse(withDates(doc.data())) }))
      .filter(({ slot }) => slot.calendarId === calendarId && slot.start >= from && slot.start < to);
  }

  /** Remembers that a mail about this slot was handed to the mailer. */
  async recordNotice(slotId: string, notice: string): Promise<void> {
    await this.slotRef(slotId).update({ notices: FieldValue.arrayUnion(notice) });
  }

  /** Moves a slot to a new status, recording the transition; refuses if it is not in `from`. */
  transition(slotId: string, request: TransitionRequest): Promise<Slot> {
    return this.update(slotId, (slot) => {
      if (!request.from.includes(slot.status) || !canTransition(slot.status, request.to)) throw new SlotMoved(slotId, slot.status);
      const next: Slot = {
        ...slot,
        ...request.set,
        status: request.to,
        history: [...slot.history, { from: slot.status, to: request.to, cause: request.cause, at: request.at }],
        updatedAt: request.at,
      };
      return { slot: next, result: next };
    });
  }
}
