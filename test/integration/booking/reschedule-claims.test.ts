// A guest's reschedule of a slot's claim cells (SlotRepository.reschedule) against the real
// Firestore emulator: one transaction, the old cells it no longer needs freed, the new held span
// (with the slot's stored buffers) taken, and nothing changed when any new cell is another's.
import { claimIdsFor } from '../../../shared/store/slot-claims';
import { SlotRepository } from '../../../shared/store/slot-repository';
import { SlotMoved, SlotNotFound, TimeTaken, type Slot } from '../../../shared/store/slots';
import { testFirestore } from '../../support/firestore';

const HOST = 'host-1';
const MINUTE = 60_000;
const T0 = new Date('2030-03-11T09:00:00Z');
const at = (minutes: number): Date => new Date(T0.getTime() + minutes * MINUTE);
const NOW = new Date('2030-03-01T12:00:00Z');

function slotAt(start: number, end: number, extra: Partial<Slot> = {}): Omit<Slot, 'claimIds'> {
  return {
    subscriberId: HOST,
    start: at(start),
    end: at(end),
    guest: { name: 'Ann', email: 'ann@guest.example', timezone: 'Europe/Berlin' },
    message: null,
    status: 'requested',
    inviteMode: 'ics',
    calendarId: null,
    eventId: 'evt00001',
    guestResponse: 'needsAction',
    history: [{ from: null, to: 'requested', cause: 'guest_booked', at: NOW }],
    decision: null,
    notices: [],
    inviteInFlight: null,
    createdAt: NOW,
    updatedAt: NOW,
    ...extra,
  };
}

/** The span in minutes from T0 as the cells it takes. */
const cells = (start: number, end: number): string[] => claimIdsFor(HOST, at(start), at(end));

describe('rescheduling a slot (its claim cells)', () => {
  const store = testFirestore();
  const slots = new SlotRepository(store.db);

  beforeEach(() => store.clear());
  afterAll(() => store.db.terminate());

  /** Every claim cell of the host, as {cell: holder}. */
  async function holders(): Promise<Record<string, string>> {
    const found = await store.db.collection('slotClaims').where('subscriberId', '==', HOST).get();
    return Object.fromEntries(found.docs.map((doc) => [doc.id, String(doc.get('slotId'))]));
  }

  const heldBy = (slotId: string, ids: string[]): Record<string, string> => Object.fromEntries(ids.map((id) => [id, slotId]));

  function change(start: number, end: number, extra: Partial<Parameters<SlotRepository['reschedule']>[1]> = {}): Parameters<SlotRepository['reschedule']>[1] {
    return { start: at(start), end: at(end), to: 'requested', cause: 'guest_rescheduled', at: NOW, from: ['requested', 'booked'], ...extra };
  }

  it('moves by less than its length: keeps the cells both spans share, frees the rest of the old span, takes the new (with its buffers)', async () => {
    await slots.create('A', slotAt(0, 30, { buffer: { beforeMinutes: 5, afterMinutes: 10 } }));
    expect(await holders()).toEqual(heldBy('A', cells(-5, 40)));
    const keptCell = await store.db.collection('slotClaims').doc(cells(10, 15)[0]!).get();

    const after = await slots.reschedule('A', change(15, 45, { to: 'requested', set: { decision: null } }));

    expect(after).toMatchObject({ start: at(15), end: at(45), status: 'requested', claimIds: cells(10, 55), buffer: { beforeMinutes: 5, afterMinutes: 10 } });
    expect(after.history.at(-1)).toEqual({ from: 'requested', to: 'requested', cause: 'guest_rescheduled', at: NOW, movedFrom: { start: at(0), end: at(30) } });
    expect(await slots.require('A')).toEqual(after);
    expect(await holders()).toEqual(heldBy('A', cells(10, 55)));
    // A kept cell is the same document, written over with the same holder.
    expect((await store.db.collection('slotClaims').doc(cells(10, 15)[0]!).get()).get('slotId')).toBe(keptCell.get('slotId'));
  });

  it('a confirmed booking goes back to requested with what `set` says', async () => {
    await slots.create('A', slotAt(0, 30, { status: 'booked', guestResponse: 'accepted' }));
    const after = await slots.reschedule('A', change(60, 90, { to: 'requested', set: { guestResponse: 'needsAction' } }));
    expect(after).toMatchObject({ status: 'requested', guestResponse: 'needsAction', claimIds: cells(60, 90) });
    expect(after.history.at(-1)).toMatchObject({ from: 'booked', to: 'requested' });
    expect(await holders()).toEqual(heldBy('A', cells(60, 90)));
  });

  it('a new cell another live slot holds (its time or its buffer) → TimeTaken, and nothing changes', async () => {
    await slots.create('A', slotAt(0, 30));
    await slots.create('B', slotAt(60, 90, { buffer: { beforeMinutes: 0, afterMinutes: 15 } }));
    const before = await holders();
    // [90, 120) meets only B's buffer after.
    await expect(slots.reschedule('A', change(90, 120))).rejects.toThrow(TimeTaken);
    await expect(slots.reschedule('A', change(75, 105))).rejects.toThrow(TimeTaken);
    expect(await holders()).toEqual(before);
    expect(await slots.require('A')).toMatchObject({ start: at(0), end: at(30), claimIds: cells(0, 30) });
    // Right after B's buffer is free.
    expect((await slots.reschedule('A', change(105, 135))).claimIds).toEqual(cells(105, 135));
  });

  it("takes over a stale cell (its holder no longer holds time) and drops it from that slot's claims", async () => {
    await slots.create('A', slotAt(0, 30));
    await slots.create('X', slotAt(60, 90, { status: 'cancelled' }));
    const after = await slots.reschedule('A', change(60, 90));
    expect(after.claimIds).toEqual(cells(60, 90));
    expect(await holders()).toEqual(heldBy('A', cells(60, 90)));
    expect((await slots.require('X')).claimIds).toEqual([]);
  });

  it('a cell a live slot waits for (behind a stale holder) is that slot\'s time: TimeTaken', async () => {
    await slots.create('A', slotAt(0, 30));
    await slots.create('X', slotAt(60, 90, { status: 'cancelled' }));
    // W's event overlaps X's time in Google; W waits for the cell X holds.
    await slots.create('W', slotAt(90, 120));
    const contested = cells(60, 65)[0]!;
    await store.db.collection('slotClaims').doc(contested).set({ waiting: ['W'] }, { merge: true });
    await store.db.collection('slots').doc('W').update({ start: at(60) });
    await expect(slots.reschedule('A', change(60, 90))).rejects.toThrow(TimeTaken);
    expect((await slots.require('A')).claimIds).toEqual(cells(0, 30));
  });

  it('keeps a cell it holds that another slot waits behind, and hands a cell it leaves to the slot waiting for it', async () => {
    await slots.create('A', slotAt(0, 30));
    // W was moved in Google onto A's first half hour and waits for A's cells there.
    await slots.create('W', slotAt(120, 150));
    await store.db.collection('slots').doc('W').update({ start: at(0), end: at(30), claimIds: [] });
    for (const id of cells(0, 30)) await store.db.collection('slotClaims').doc(id).set({ waiting: ['W'] }, { merge: true });
    for (const id of cells(120, 150)) await store.db.collection('slotClaims').doc(id).delete();

    const after = await slots.reschedule('A', change(15, 45));
    expect(after.claimIds).toEqual(cells(15, 45));
    expect(await holders()).toEqual({ ...heldBy('W', cells(0, 15)), ...heldBy('A', cells(15, 45)) });
    expect((await slots.require('W')).claimIds).toEqual(cells(0, 15));
  });

  it("a move in Google keeps the slot's stored buffers, and a slot waiting for cells in another's buffer gets them when it moves away", async () => {
    const buffer = { beforeMinutes: 0, afterMinutes: 15 };
    await slots.create('A', slotAt(0, 30, { buffer }));
    await slots.create('B', slotAt(120, 150, { buffer }));
    // The host moves B in Google to right after A: B's time is free, A's buffer after is not yet.
    const b = await slots.move('B', at(40), at(70), 'moved_in_google', NOW);
    expect(b.claimIds).toEqual(cells(45, 85));
    expect(await holders()).toEqual({ ...heldBy('A', cells(0, 45)), ...heldBy('B', cells(45, 85)) });
    // A moves away: B takes over the cell of A's buffer it waits for.
    await slots.move('A', at(180), at(210), 'moved_in_google', NOW);
    expect((await slots.require('B')).claimIds).toEqual(cells(40, 85));
    expect(await holders()).toEqual({ ...heldBy('B', cells(40, 85)), ...heldBy('A', cells(180, 225)) });
  });

  it('two reschedules racing for one new time: exactly one wins; the loser is unchanged and still holds its old cells', async () => {
    await slots.create('A', slotAt(0, 30));
    await slots.create('B', slotAt(120, 150));
    const results = await Promise.allSettled([slots.reschedule('A', change(60, 90)), slots.reschedule('B', change(60, 90))]);
    const won = results.filter((r) => r.status === 'fulfilled');
    const lost = results.filter((r) => r.status === 'rejected');
    expect(won).toHaveLength(1);
    expect(lost).toHaveLength(1);
    expect((lost[0] as PromiseRejectedResult).reason).toBeInstanceOf(TimeTaken);
    const winner = results[0]!.status === 'fulfilled' ? 'A' : 'B';
    const loser = winner === 'A' ? 'B' : 'A';
    const loserOld = loser === 'A' ? cells(0, 30) : cells(120, 150);
    expect(await holders()).toEqual({ ...heldBy(winner, cells(60, 90)), ...heldBy(loser, loserOld) });
    expect(await slots.require(loser)).toMatchObject({ start: loser === 'A' ? at(0) : at(120), claimIds: loserOld, history: [{ cause: 'guest_booked' }] });
  });

  it('a reschedule and a new booking racing for one time: exactly one wins', async () => {
    await slots.create('A', slotAt(0, 30));
    const results = await Promise.allSettled([slots.reschedule('A', change(60, 90)), slots.create('N', slotAt(75, 105))]);
    expect(results.filter((r) => r.status === 'fulfilled')).toHaveLength(1);
    const rejected = results.find((r) => r.status === 'rejected') as PromiseRejectedResult;
    expect(rejected.reason).toBeInstanceOf(TimeTaken);
    if (results[0]!.status === 'fulfilled') {
      expect(await holders()).toEqual(heldBy('A', cells(60, 90)));
      expect(await slots.get('N')).toBeUndefined();
    } else {
      expect(await holders()).toEqual({ ...heldBy('A', cells(0, 30)), ...heldBy('N', cells(75, 105)) });
      expect(await slots.require('A')).toMatchObject({ start: at(0), claimIds: cells(0, 30) });
    }
  });

  it('a cancelled slot → SlotMoved, a status not in `from` → SlotMoved, an unknown slot → SlotNotFound; nothing changes', async () => {
    await slots.create('C', slotAt(0, 30, { status: 'cancelled' }));
    await slots.create('B', slotAt(60, 90, { status: 'booked' }));
    await expect(slots.reschedule('C', change(120, 150, { from: ['requested', 'booked', 'cancelled'] }))).rejects.toThrow(SlotMoved);
    await expect(slots.reschedule('B', change(120, 150, { from: ['requested'] }))).rejects.toThrow(SlotMoved);
    await expect(slots.reschedule('nope', change(120, 150))).rejects.toThrow(SlotNotFound);
    expect(await holders()).toEqual({ ...heldBy('C', cells(0, 30)), ...heldBy('B', cells(60, 90)) });
    expect((await slots.require('B')).start).toEqual(at(60));
  });
});
