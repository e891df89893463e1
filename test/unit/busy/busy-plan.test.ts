import { DAY_MS, intervalsOf, merged, planExtension, planPage, type BusySource, type Coverage } from '../../../shared/busy/busy-plan';
import type { ListedEvent } from '../../../shared/busy/busy-event';

const ms = (iso: string) => Date.parse(iso);
const coverage: Coverage = { from: ms('2026-11-01T00:00:00Z'), until: ms('2026-11-08T00:00:00Z') };
const SERIES: ListedEvent = {
  id: 's',
  start: { dateTime: '2026-11-02T09:00:00Z', timeZone: 'UTC' },
  end: { dateTime: '2026-11-02T10:00:00Z', timeZone: 'UTC' },
  recurrence: ['RRULE:FREQ=DAILY;COUNT=3'],
};

function daysOfPlan(plan: ReturnType<typeof planPage>): Record<string, Record<string, unknown>> {
  return Object.fromEntries([...plan.days].map(([day, entries]) => [day, Object.fromEntries(entries)]));
}

describe('a page of events planned into stored busy time', () => {
  it('a new event is written to its days, split at midnight', () => {
    const plan = planPage([{ id: 'a', start: { dateTime: '2026-11-02T23:00:00Z' }, end: { dateTime: '2026-11-03T01:00:00Z' } }], new Map(), 'UTC', coverage);
    expect(daysOfPlan(plan)).toEqual({
      '2026-11-02': { a: [{ start: ms('2026-11-02T23:00:00Z'), end: ms('2026-11-03T00:00:00Z') }] },
      '2026-11-03': { a: [{ start: ms('2026-11-03T00:00:00Z'), end: ms('2026-11-03T01:00:00Z') }] },
    });
    expect(plan.sources.get('a')).toEqual({ kind: 'single', start: ms('2026-11-02T23:00:00Z'), end: ms('2026-11-03T01:00:00Z') });
  });

  it('a moved event leaves its old day and takes its new one', () => {
    const stored = new Map<string, BusySource>([['a', { kind: 'single', start: ms('2026-11-02T09:00:00Z'), end: ms('2026-11-02T10:00:00Z') }]]);
    const plan = planPage([{ id: 'a', start: { dateTime: '2026-11-04T09:00:00Z' }, end: { dateTime: '2026-11-04T10:00:00Z' } }], stored, 'UTC', coverage);
    expect(daysOfPlan(plan)).toEqual({ '2026-11-02': { a: null }, '2026-11-04': { a: [{ start: ms('2026-11-04T09:00:00Z'), end: ms('2026-11-04T10:00:00Z') }] } });
  });

  it('a deleted event is removed with its source', () => {
    const stored = new Map<string, BusySource>([['a', { kind: 'single', start: ms('2026-11-02T09:00:00Z'), end: ms('2026-11-02T10:00:00Z') }]]);
    const plan = planPage([{ id: 'a', status: 'cancelled' }], stored, 'UTC', coverage);
    expect(daysOfPlan(plan)).toEqual({ '2026-11-02': { a: null } });
    expect(plan.sources.get('a')).toBeNull();
  });

  it('a cancelled exception takes its occurrence out of the series, listed before or after it', () => {
    const exception: ListedEvent = { id: 's_x', status: 'cancelled', recurringEventId: 's', originalStartTime: { dateTime: '2026-11-03T09:00:00Z' } };
    const together = planPage([exception, SERIES], new Map(), 'UTC', coverage);
    expect(Object.keys(daysOfPlan(together)).sort()).toEqual(['2026-11-02', '2026-11-04']);
    const first = planPage([SERIES], new Map(), 'UTC', coverage);
    const stored = new Map([...first.sources].filter((entry): entry is [string, BusySource] => entry[1] !== null));
    const later = planPage([exception], stored, 'UTC', coverage);
    const days = daysOfPlan(later);
    expect(days['2026-11-03']).toEqual({ s: null });
    expect(Object.keys(days).sort()).toEqual(['2026-11-02', '2026-11-03', '2026-11-04']);
  });

  it('a moved exception blocks at its own time, under its own id', () => {
    const moved: ListedEvent = { id: 's_x', recurringEventId: 's', originalStartTime: { dateTime: '2026-11-03T09:00:00Z' }, start: { dateTime: '2026-11-03T15:00:00Z' }, end: { dateTime: '2026-11-03T16:00:00Z' } };
    const plan = planPage([SERIES, moved], new Map(), 'UTC', coverage);
    expect(daysOfPlan(plan)['2026-11-03']).toEqual({ s_x: [{ start: ms('2026-11-03T15:00:00Z'), end: ms('2026-11-03T16:00:00Z') }] });
  });

  it('a series marked free keeps what its exceptions took, and blocks nothing', () => {
    const stored = new Map<string, BusySource>([['s', { kind: 'series', timing: null, blocks: false, overridden: ['k'] }]]);
    const plan = planPage([{ ...SERIES, transparency: 'transparent' }], stored, 'UTC', coverage);
    expect(plan.sources.get('s')).toEqual({ kind: 'series', timing: null, blocks: false, overridden: ['k'] });
    expect(plan.days.size).toBe(0);
  });

  it('an event over before the covered range is neither stored nor written', () => {
    const plan = planPage([{ id: 'old', start: { dateTime: '2026-10-01T09:00:00Z' }, end: { dateTime: '2026-10-01T10:00:00Z' } }], new Map(), 'UTC', coverage);
    expect(plan.sources.get('old')).toBeNull();
    expect(plan.days.size).toBe(0);
  });
});

describe('the horizon moved on', () => {
  it('adds the new days, whole, from the stored sources', () => {
    const series = planPage([{ ...SERIES, recurrence: ['RRULE:FREQ=DAILY'] }], new Map(), 'UTC', coverage).sources.get('s')!;
    const sources = new Map<string, BusySource>([
      ['s', series],
      ['far', { kind: 'single', start: ms('2026-11-08T12:00:00Z'), end: ms('2026-11-08T13:00:00Z') }],
    ]);
    const days = planExtension(sources, coverage, { from: coverage.from + DAY_MS, until: coverage.until + 2 * DAY_MS });
    expect(Object.fromEntries([...days].map(([day, entries]) => [day, [...entries.keys()].sort()]))).toEqual({ '2026-11-08': ['far', 's'], '2026-11-09': ['s'] });
  });
});

describe('intervals', () => {
  it('overlapping and touching intervals merge', () => {
    expect(merged([{ start: 5, end: 7 }, { start: 1, end: 3 }, { start: 3, end: 4 }, { start: 6, end: 9 }])).toEqual([{ start: 1, end: 4 }, { start: 5, end: 9 }]);
  });

  it('a single is clipped to the window', () => {
    expect(intervalsOf({ kind: 'single', start: 0, end: 10 }, 5, 20)).toEqual([{ start: 5, end: 10 }]);
  });
});
