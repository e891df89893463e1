// The booking page's day picker as data (functions/booking/client/slot-days.ts).
import { addDays, dayAfterKey, freeDays, monthCells } from '../../../functions/booking/client/slot-days';

const slot = (start: string, minutes = 30) => ({ start, end: new Date(Date.parse(start) + minutes * 60_000).toISOString() });

describe('the days with free times', () => {
  it("groups the slots by their day in the guest's zone, days and times in order", () => {
    const late = slot('2030-12-03T04:00:00.000Z');
    const early = slot('2030-12-02T14:00:00.000Z');
    const next = slot('2030-12-04T15:00:00.000Z');
    expect(freeDays([next, late, early], 'America/New_York')).toEqual([
      { dayKey: '2030-12-02', slots: [early, late] },
      { dayKey: '2030-12-04', slots: [next] },
    ]);
    expect(freeDays([next, late, early], 'Asia/Tokyo').map((d) => d.dayKey)).toEqual(['2030-12-02', '2030-12-03', '2030-12-05']);
  });

  it('is empty without slots', () => {
    expect(freeDays([], 'UTC')).toEqual([]);
  });
});

describe('a month as a Monday-first grid', () => {
  it('starts with blanks up to the weekday of the 1st, then every day', () => {
    // 1 December 2030 is a Sunday: six blanks.
    const december = monthCells('2030-12');
    expect(december.slice(0, 7)).toEqual([null, null, null, null, null, null, '2030-12-01']);
    expect(december.filter(Boolean)).toHaveLength(31);
    expect(december.at(-1)).toBe('2030-12-31');
  });

  it('has no blank for a month that starts on a Monday, and knows February in a leap year', () => {
    // 1 April 2030 is a Monday.
    expect(monthCells('2030-04')[0]).toBe('2030-04-01');
    expect(monthCells('2028-02').filter(Boolean)).toHaveLength(29);
  });

  it('counts days across the ends of months and years', () => {
    expect(addDays('2030-12-29', 7)).toBe('2031-01-05');
    expect(addDays('2031-03-01', -1)).toBe('2031-02-28');
  });
});

describe('where a key moves the focus among the free days', () => {
  const days = ['2030-12-02', '2030-12-04', '2030-12-12', '2030-12-30', '2031-01-07'];

  it.each([
    ['ArrowRight', '2030-12-04', '2030-12-12'],
    ['ArrowLeft', '2030-12-04', '2030-12-02'],
    ['ArrowRight', '2030-12-30', '2031-01-07'],
    ['ArrowLeft', '2031-01-07', '2030-12-30'],
    ['ArrowDown', '2030-12-02', '2030-12-12'],
    ['ArrowDown', '2030-12-04', '2030-12-12'],
    ['ArrowUp', '2030-12-12', '2030-12-04'],
    ['ArrowUp', '2030-12-30', '2030-12-12'],
    ['Home', '2030-12-12', '2030-12-02'],
    ['End', '2030-12-04', '2030-12-30'],
    ['End', '2031-01-07', '2031-01-07'],
  ] as const)('%s from %s goes to %s', (key, from, to) => {
    expect(dayAfterKey(days, from, key)).toBe(to);
  });

  it.each([
    ['ArrowLeft', '2030-12-02'],
    ['ArrowRight', '2031-01-07'],
    ['ArrowUp', '2030-12-04'],
    ['ArrowDown', '2031-01-01'],
  ] as const)('%s from %s goes nowhere: no free day that way', (key, from) => {
    expect(dayAfterKey(days, from, key)).toBeUndefined();
  });
});
