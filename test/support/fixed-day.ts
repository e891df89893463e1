// Where tests count free times from, so that none depends on the hour it runs at. Counted from the
// first time offered, the n-th time lands wherever the clock puts it: past the test hosts' last
// time of the day (23:30, their hours end at 23:55) in the late evening, over midnight, or on the
// notice edge, where it stops being offered while the test books it. Counted from 09:00 of a day
// chosen well ahead, the n-th free time is the same time of day at any hour, and the times around
// it (± a few hours) are on the same day.
import { DateTime } from 'luxon';

/** The time of day free times are counted from, in the host's zone. */
export const COUNT_FROM = { hour: 9, minute: 0 };

/** Times this close to the first one offered are never chosen: they leave the offer as the clock passes their start minus the notice. */
export const NOTICE_EDGE_MS = 60 * 60_000;

/**
 * The day counted from, per zone, kept for the test file: two look-ups either side of midnight
 * must not count from different days (a test that books the 3rd and then the 6th free time would
 * find them a day apart). Chosen again only once it is no longer ahead (a simulated clock moved on).
 */
const chosenDays = new Map<string, string>();

const nineOn = (day: string, zone: string): number => DateTime.fromISO(day, { zone }).set(COUNT_FROM).toMillis();

/**
 * 09:00 in `zone` on the day after the first time offered: at least 9 hours past the minimum
 * notice's edge whenever the test runs, and inside a 14-day horizon.
 */
export function countFrom(firstOffered: string, zone: string): number {
  const kept = chosenDays.get(zone);
  if (kept !== undefined && nineOn(kept, zone) >= Date.parse(firstOffered) + NOTICE_EDGE_MS) return nineOn(kept, zone);
  const day = DateTime.fromISO(firstOffered, { zone }).plus({ days: 1 }).toISODate()!;
  chosenDays.set(zone, day);
  return nineOn(day, zone);
}

/**
 * The n-th (0 = the first) of these offered times at or after `countFrom`, and never within an
 * hour of the first offered. Undefined when fewer are offered.
 */
export function nthFromFixedTime<T extends { start: string }>(offered: T[], zone: string, n: number): T | undefined {
  const first = offered[0];
  if (!first) return undefined;
  const from = Math.max(countFrom(first.start, zone), Date.parse(first.start) + NOTICE_EDGE_MS);
  return offered.filter((time) => Date.parse(time.start) >= from)[n];
}
