// What a guest's reschedule may take: only cells no other live slot holds or waits for.
import { heldCells, waitersToRead, waitsForCells, wantedByOthers, type CellView, type SlotView } from '../../../shared/store/claim-handover';
import { claimIdsFor } from '../../../shared/store/slot-claims';

const free = (id: string): CellView => ({ id, holder: null, waiting: [] });
const held = (id: string, holder: string, waiting: string[] = []): CellView => ({ id, holder, waiting });
const live = (...cells: string[]): SlotView => ({ holdsTime: true, cells });
const ended = (...cells: string[]): SlotView => ({ holdsTime: false, cells });

describe('the wanted cells of a reschedule that are another booking\'s time', () => {
  const rows: [string, { wanted: CellView[]; others: Record<string, SlotView> }, string[]][] = [
    ['free cells and its own are nobody else\'s', { wanted: [free('c1'), held('c2', 'A')], others: {} }, []],
    ['a cell another live slot holds is taken', { wanted: [free('c1'), held('c2', 'B')], others: { B: live('c2') } }, ['c2']],
    ['a stale cell (its holder ended, moved away or is gone) is free', { wanted: [held('c1', 'B'), held('c2', 'C'), held('c3', 'Z')], others: { B: ended('c1'), C: live('c9') } }, []],
    ['a stale cell a live slot waits for is that slot\'s time', { wanted: [held('c1', 'B', ['W'])], others: { B: ended('c1'), W: live('c1') } }, ['c1']],
    ['a free cell whose waiting slots have moved on or ended is free', { wanted: [held('c1', 'B', ['W', 'V', 'A'])], others: { B: ended('c1'), W: live('c9'), V: ended('c1') } }, []],
    ['a cell it holds stays its own, whoever waits behind it', { wanted: [held('c1', 'A', ['W'])], others: { W: live('c1') } }, []],
  ];

  it.each(rows)('%s', (_name, { wanted, others }, taken) => {
    expect(wantedByOthers('A', wanted, new Map(Object.entries(others)))).toEqual(taken);
  });

  it('reads the slots waiting for wanted cells it does not hold, never itself', () => {
    expect(waitersToRead('A', [free('c1'), held('c2', 'A', ['W']), held('c3', 'B', ['A', 'V']), held('c4', 'C', ['V', 'U'])])).toEqual(['V', 'U']);
  });
});

describe('the cells a slot holds: its time widened by the buffers stored on it', () => {
  const start = new Date('2030-03-11T09:00:00Z');
  const end = new Date('2030-03-11T09:30:00Z');
  const at = (iso: string) => new Date(iso);

  it('are its time with no buffer (older slots), widened with one', () => {
    expect(heldCells({ subscriberId: 'h1', start, end })).toEqual(claimIdsFor('h1', start, end));
    expect(heldCells({ subscriberId: 'h1', start, end, buffer: { beforeMinutes: 10, afterMinutes: 15 } })).toEqual(
      claimIdsFor('h1', at('2030-03-11T08:50:00Z'), at('2030-03-11T09:45:00Z')),
    );
  });

  it('a slot holding its time but not its buffer waits for cells', () => {
    const buffer = { beforeMinutes: 0, afterMinutes: 15 };
    expect(waitsForCells({ subscriberId: 'h1', start, end, buffer, claimIds: claimIdsFor('h1', start, end) }, true)).toBe(true);
    expect(waitsForCells({ subscriberId: 'h1', start, end, buffer, claimIds: claimIdsFor('h1', start, at('2030-03-11T09:45:00Z')) }, true)).toBe(false);
  });
});
