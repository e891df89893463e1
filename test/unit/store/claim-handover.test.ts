import { planCells, slotsToRead, waitsForCells, type CellView, type SlotView } from '../../../shared/store/claim-handover';
import { claimIdsFor } from '../../../shared/store/slot-claims';

const free = (id: string): CellView => ({ id, holder: null, waiting: [] });
const held = (id: string, holder: string, waiting: string[] = []): CellView => ({ id, holder, waiting });
const live = (...cells: string[]): SlotView => ({ holdsTime: true, cells });
const ended = (...cells: string[]): SlotView => ({ holdsTime: false, cells });

describe('the claim cells of a slot that moves or lets its time go', () => {
  const rows: [string, { wanted: CellView[]; left: CellView[]; others: Record<string, SlotView> }, ReturnType<typeof planCells>][] = [
    [
      'a move onto free time holds every cell and frees the cells it left',
      { wanted: [free('c1'), free('c2')], left: [held('c8', 'A'), held('c9', 'A')], others: {} },
      { hold: ['c1', 'c2'], waitFor: [], takenFrom: [], leave: [{ cell: 'c8', heir: null, waiting: [] }, { cell: 'c9', heir: null, waiting: [] }] },
    ],
    [
      'a move that overlaps its old time keeps the cells it already holds',
      { wanted: [held('c2', 'A'), free('c3')], left: [held('c1', 'A')], others: {} },
      { hold: ['c2', 'c3'], waitFor: [], takenFrom: [], leave: [{ cell: 'c1', heir: null, waiting: [] }] },
    ],
    [
      'the first of a swap waits for the cells the other slot still holds (it has not moved here yet)',
      { wanted: [held('c5', 'B'), held('c6', 'B')], left: [held('c1', 'A')], others: { B: live('c5', 'c6') } },
      { hold: [], waitFor: [{ cell: 'c5', holder: 'B' }, { cell: 'c6', holder: 'B' }], takenFrom: [], leave: [{ cell: 'c1', heir: null, waiting: [] }] },
    ],
    [
      'the second of a swap hands the cells it leaves to the slot waiting for them',
      { wanted: [free('c1')], left: [held('c5', 'A', ['B']), held('c6', 'A', ['B'])], others: { B: live('c5', 'c6') } },
      { hold: ['c1'], waitFor: [], takenFrom: [], leave: [{ cell: 'c5', heir: 'B', waiting: [] }, { cell: 'c6', heir: 'B', waiting: [] }] },
    ],
    [
      'a waiting slot that has moved on, or ended, is passed over; the next one that still wants the cell gets it',
      { wanted: [], left: [held('c5', 'A', ['B', 'C', 'D', 'E'])], others: { B: live('c9'), C: ended('c5'), D: live('c5'), E: live('c5') } },
      { hold: [], waitFor: [], takenFrom: [], leave: [{ cell: 'c5', heir: 'D', waiting: ['E'] }] },
    ],
    [
      'a cell whose waiting slots are all gone is freed',
      { wanted: [], left: [held('c5', 'A', ['B'])], others: {} },
      { hold: [], waitFor: [], takenFrom: [], leave: [{ cell: 'c5', heir: null, waiting: [] }] },
    ],
    [
      'a cell held for a slot that no longer holds time, or whose time no longer touches it, is taken over',
      { wanted: [held('c5', 'B'), held('c6', 'C'), held('c7', 'Z')], left: [], others: { B: ended('c5'), C: live('c1') } },
      {
        hold: ['c5', 'c6', 'c7'],
        waitFor: [],
        takenFrom: [
          { cell: 'c5', holder: 'B' },
          { cell: 'c6', holder: 'C' },
          { cell: 'c7', holder: 'Z' },
        ],
        leave: [],
      },
    ],
    [
      'a cell recorded as ours that another slot holds is not ours to give',
      { wanted: [], left: [held('c5', 'B', ['C'])], others: { C: live('c5') } },
      { hold: [], waitFor: [], takenFrom: [], leave: [] },
    ],
    [
      'a slot never inherits a cell from itself',
      { wanted: [], left: [held('c5', 'A', ['A'])], others: {} },
      { hold: [], waitFor: [], takenFrom: [], leave: [{ cell: 'c5', heir: null, waiting: [] }] },
    ],
  ];

  it.each(rows)('%s', (_name, { wanted, left, others }, plan) => {
    expect(planCells('A', wanted, left, new Map(Object.entries(others)))).toEqual(plan);
  });
});

describe('the slots a plan needs to read', () => {
  it('are the holders of the wanted cells and the slots waiting for the cells it leaves, never itself', () => {
    expect(slotsToRead('A', [free('c1'), held('c2', 'A'), held('c3', 'B')], [held('c8', 'A', ['A', 'C', 'D']), held('c9', 'E', ['F'])])).toEqual(['B', 'C', 'D']);
  });
});

describe('a slot waiting for cells', () => {
  const start = new Date('2030-03-11T09:00:00Z');
  const end = new Date('2030-03-11T09:30:00Z');
  const all = claimIdsFor('h1', start, end);

  it.each([
    ['holding all of its time waits for nothing', all, true, false],
    ['lacking part of its time waits', all.slice(0, 3), true, true],
    ['lacking all of its time waits', [], true, true],
    ['no longer holding time waits for nothing', [], false, false],
  ] as const)('%s', (_name, claimIds, holds, waits) => {
    expect(waitsForCells({ subscriberId: 'h1', start, end, claimIds }, holds)).toBe(waits);
  });
});
