// Firestore access for slots and the claim cells that hold their time.
import { FieldPath, FieldValue, type DocumentReference, type Firestore, type Transaction } from '@google-cloud/firestore';
import { canTransition, holdsTime } from '../booking/slot-state';
import { isAlreadyExists, withDates } from './firestore';
import { busyFromClaims, claimIdsCovering, claimIdsFor, claimNameRange } from './slot-claims';
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

export class SlotRepository {
  constructor(private readonly db: Firestore) {}

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
   * the whole write fails → TimeTaken. `extra` documents (e.g. the idempotency record) are
   * created in the same batch.
   */
  async create(slotId: string, slot: Omit<Slot, 'claimIds'>, extra: { ref: DocumentReference; data: object }[] = []): Promise<Slot> {
    const claimIds = claimIdsFor(slot.subscriberId, slot.start, slot.end);
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

  /** Removes a slot that never became real (Google refused its event) with its claims. */
  async discard(slotId: string, alsoDelete: DocumentReference[] = []): Promise<void> {
    await this.db.runTransaction(async (tx) => {
      const snap = await tx.get(this.slotRef(slotId));
      if (!snap.exists) return;
      const slot = slotSchema.parse(withDates(snap.data()));
      for (const id of slot.claimIds) tx.delete(this.claimRef(id));
      for (const ref of alsoDelete) tx.delete(ref);
      tx.delete(this.slotRef(slotId));
    });
  }

  /** The time a host's requested and booked slots hold in [start, end). */
  async heldTime(subscriberId: string, start: Date, end: Date): Promise<{ start: Date; end: Date }[]> {
    const { from, to } = claimNameRange(subscriberId, start, end);
    const found = await this.db
      .collection('slotClaims')
      .where(FieldPath.documentId(), '>=', this.claimRef(from))
      .where(FieldPath.documentId(), '<', this.claimRef(to))
      .select()
      .get();
    return busyFromClaims(found.docs.map((doc) => doc.id));
  }

  /** Reads a slot in a transaction, lets `change` decide, and writes what it returns. */
  async update<T>(slotId: string, change: (slot: Slot, tx: Transaction) => { slot?: Slot; result: T }): Promise<T> {
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(this.slotRef(slotId));
      if (!snap.exists) throw new SlotNotFound(slotId);
      const before = slotSchema.parse(withDates(snap.data()));
      const { slot, result } = change(before, tx);
      if (slot) {
        const after = slotSchema.parse(slot);
        // A slot that stops holding time gives its claim cells back in the same write.
        if (!holdsTime(after.status) && after.claimIds.length > 0) {
          for (const id of after.claimIds) tx.delete(this.claimRef(id));
          after.claimIds = [];
        }
        tx.set(this.slotRef(slotId), after);
      }
      return result;
    });
  }

  /**
   * The host moved the event in Google: the slot follows, recorded in its history with the time it
   * left, and its claim cells move with it. Cells another slot holds stay that slot's (the host
   * chose the overlap). Returns the slot as it is after (unchanged if it was there already).
   */
  async move(slotId: string, start: Date, end: Date, cause: string, at: Date): Promise<Slot> {
    return this.db.runTransaction(async (tx) => {
      const snap = await tx.get(this.slotRef(slotId));
      if (!snap.exists) throw new SlotNotFound(slotId);
      const slot = slotSchema.parse(withDates(snap.data()));
      if (slot.start.getTime() === start.getTime() && slot.end.getTime() === end.getTime()) return slot;
      const wanted = holdsTime(slot.status) ? claimIdsCovering(slot.subscriberId, start, end) : [];
      const cells = await Promise.all(wanted.map((id) => tx.get(this.claimRef(id))));
      const ours = wanted.filter((_, i) => !cells[i]?.exists || cells[i]?.get('slotId') === slotId);
      for (const id of slot.claimIds.filter((id) => !ours.includes(id))) tx.delete(this.claimRef(id));
      for (const id of ours) tx.set(this.claimRef(id), { slotId, subscriberId: slot.subscriberId });
      const moved = slotSchema.parse({
        ...slot,
        start,
        end,
        claimIds: ours,
        history: [...slot.history, { from: slot.status, to: slot.status, cause, at, movedFrom: { start: slot.start, end: slot.end } }],
        updatedAt: at,
      });
      tx.set(this.slotRef(slotId), moved);
      return moved;
    });
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
