// How a booking's time reads to people: wall-clock time in a zone, and the UTC offset wherever
// the wall clock alone would mislead. Where daylight saving time ends, an hour of the wall clock
// happens twice (two bookings can both read "02:00–02:30"); where it starts, a slot may run across
// the jump and read as longer or shorter than it is ("01:30–03:00" for 30 minutes).
import { DateTime } from 'luxon';

/**
 * The UTC offsets a wall-clock reading of [start, end] needs:
 *   `none`  the wall clock names one time; `offset` is there for who shows it anyway
 *   `range` one offset for both ends: a time the zone's wall clock shows twice (fall-back hour)
 *   `each`  the ends have different offsets: the range crosses a change
 * Offsets read "UTC+01:00", "UTC-03:30", or "UTC" for zero.
 */
export type OffsetsShown =
  | { kind: 'none'; offset: string }
  | { kind: 'range'; offset: string }
  | { kind: 'each'; start: string; end: string };

/**
 * Which offsets a range needs (see OffsetsShown). Self-contained, with Intl only: the booking page
 * sends this very function to the browser as source text (functions/booking/page.ts), so the
 * page and our mail decide alike.
 */
export function offsetsToShow(start: Date, end: Date, timeZone: string): OffsetsShown {
  const format = new Intl.DateTimeFormat('en-US', { timeZone, timeZoneName: 'longOffset' });
  const offsetAt = (ms: number): number => {
    const name = format.formatToParts(ms).find((part) => part.type === 'timeZoneName')?.value ?? '';
    const match = /([+-])(\d{2}):(\d{2})/.exec(name);
    return match ? (match[1] === '-' ? -1 : 1) * (Number(match[2]) * 60 + Number(match[3])) : 0;
  };
  const label = (minutes: number): string => {
    if (minutes === 0) return 'UTC';
    const size = Math.abs(minutes);
    return `UTC${minutes < 0 ? '-' : '+'}${String(Math.floor(size / 60)).padStart(2, '0')}:${String(size % 60).padStart(2, '0')}`;
  };
  const DAY = 24 * 60 * 60 * 1000;
  // A wall-clock time is shown twice when the zone is on another offset within a day of it and
  // that offset also reaches this wall-clock time: the instant `other` minutes from UTC that
  // reads the same is still (or already) on `other`.
  const shownTwice = (ms: number): boolean => {
    const here = offsetAt(ms);
    return [offsetAt(ms - DAY), offsetAt(ms + DAY)].some((other) => other !== here && offsetAt(ms + (here - other) * 60_000) === other);
  };
  const from = offsetAt(start.getTime());
  const to = offsetAt(end.getTime());
  if (from !== to) return { kind: 'each', start: label(from), end: label(to) };
  if (shownTwice(start.getTime()) || shownTwice(end.getTime())) return { kind: 'range', offset: label(from) };
  return { kind: 'none', offset: label(from) };
}

const DAY_FORMAT = 'cccc d LLLL yyyy';

/**
 * "Monday 10 March 2025, 10:00–10:30 (Europe/Berlin, UTC+01:00)", for mail and pages. The zone
 * is named because host and guest may read the same booking in different zones, and its offset
 * is always given because zone names mean little to many readers. A range across a change gives
 * each end its own: "Sunday 29 March 2026, 01:30 UTC+01:00–03:00 UTC+02:00 (Europe/Berlin)".
 */
export function formatTimeRange(start: Date, end: Date, zone: string): string {
  const from = DateTime.fromJSDate(start, { zone }).setLocale('en-GB');
  const to = DateTime.fromJSDate(end, { zone }).setLocale('en-GB');
  const fromText = from.toFormat(`${DAY_FORMAT}, HH:mm`);
  const toText = from.hasSame(to, 'day') ? to.toFormat('HH:mm') : to.toFormat(`${DAY_FORMAT}, HH:mm`);
  const offsets = offsetsToShow(start, end, zone);
  if (offsets.kind === 'each') return `${fromText} ${offsets.start}–${toText} ${offsets.end} (${zone})`;
  return zone === 'UTC' ? `${fromText}–${toText} (UTC)` : `${fromText}–${toText} (${zone}, ${offsets.offset})`;
}

/** "Sun 25 Oct, 02:30 UTC+02:00": a short start for subjects, where a phone cuts off the rest. */
export function formatStart(start: Date, zone: string): string {
  const text = DateTime.fromJSDate(start, { zone }).setLocale('en-GB').toFormat('ccc d LLL, HH:mm');
  const offsets = offsetsToShow(start, start, zone);
  return offsets.kind === 'none' ? text : `${text} ${offsets.kind === 'range' ? offsets.offset : offsets.start}`;
}
