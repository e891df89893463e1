// Where the tests' free times are counted from (test/support/fixed-day.ts): 09:00 of a day ahead,
// whatever the hour the test runs at.
import { DateTime } from 'luxon';
import { nthFromFixedTime } from '../../support/fixed-day';

/** The times a test host offers (30 minutes, 00:00–23:55 every day) from `first` on, for four days. */
function offeredFrom(first: string, zone: string): { start: string }[] {
  const times: { start: string }[] = [];
  for (let at = DateTime.fromISO(first, { zone }); times.length < 4 * 47; at = at.plus({ minutes: 30 })) {
    if (at.hour === 23 && at.minute === 30) continue;
    times.push({ start: at.toUTC().toISO()! });
  }
  return times;
}

const local = (time: { start: string } | undefined, zone: string) => time && DateTime.fromISO(time.start, { zone }).toFormat('yyyy-MM-dd HH:mm');

describe('the n-th free time, counted from 09:00 of the day after the first time offered', () => {
  // A zone each: the day chosen is kept per zone.
  it.each([
    ['in the morning', '2026-11-27T09:30', 'America/New_York'],
    ['in the late evening (the first time offered is the last of its day)', '2026-11-27T23:00', 'Australia/Sydney'],
    ['just after midnight', '2026-11-28T00:00', 'Africa/Nairobi'],
  ])('is the same time of day whenever the test runs: %s', (_case, first, zone) => {
    const offered = offeredFrom(first, zone);
    const day = DateTime.fromISO(first, { zone }).plus({ days: 1 }).toISODate();
    expect(local(nthFromFixedTime(offered, zone, 0), zone)).toBe(`${day} 09:00`);
    expect(local(nthFromFixedTime(offered, zone, 28), zone)).toBe(`${day} 23:00`);
  });

  it('keeps its day for the test file: a look-up after midnight counts from the same 09:00', () => {
    const zone = 'Europe/Berlin';
    const before = nthFromFixedTime(offeredFrom('2026-11-27T23:00', zone), zone, 3);
    const after = nthFromFixedTime(offeredFrom('2026-11-28T00:00', zone), zone, 3);
    expect(local(before, zone)).toBe('2026-11-28 10:30');
    expect(after).toEqual(before);
  });

  it('chooses a day again once its 09:00 is no longer ahead of the first time offered (a simulated clock moved on)', () => {
    const zone = 'Europe/Paris';
    expect(local(nthFromFixedTime(offeredFrom('2026-11-27T12:00', zone), zone, 0), zone)).toBe('2026-11-28 09:00');
    expect(local(nthFromFixedTime(offeredFrom('2026-12-03T12:00', zone), zone, 0), zone)).toBe('2026-12-04 09:00');
  });

  it('is never within an hour of the first time offered, and undefined when too few are offered', () => {
    const zone = 'Asia/Tokyo';
    const offered = offeredFrom('2026-11-27T12:00', zone).filter((time) => DateTime.fromISO(time.start, { zone }).toISODate() === '2026-11-27');
    expect(nthFromFixedTime(offered, zone, 0)).toBeUndefined();
    expect(nthFromFixedTime([], zone, 0)).toBeUndefined();
  });
});
