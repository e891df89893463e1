// Free bookable slots of a host: the weekly schedule, read as wall-clock times in the host's zone,
// turned into UTC instants and minus busy time. Pure: the clock and the busy time come in as
// arguments, so that the availability endpoint and the booking endpoint compute the same answer.
//
// Daylight saving, the choices made:
// - A window's ends are wall-clock times on that day in the host's zone, turned into instants by
//   luxon. A wall time inside a spring-forward gap does not exist; luxon moves it forward by the
//   gap (02:30 in Europe/Berlin on the last Sunday of March becomes 03:30 CEST). A wall time that
//   occurs twice at fall-back is whichever instant luxon picks (the later offset, as of luxon 3).
// - Slots are cut in real elapsed time from the window's real start to its real end. A slot is
//   therefore always exactly slotMinutes long and none starts inside a gap; a window spanning a
//   gap yields fewer slots (01:00–04:00 across the Berlin gap is 2 real hours), one spanning a
//   repeated hour yields more.
// - Windows are merged where their real instants overlap or touch before slots are cut, so
//   duplicate or overlapping windows give each instant of free time at most once, on one grid
//   that starts at the merged window's start. Windows of different days never touch (a window
//   ends by 23:55), except in zones whose clock change crosses midnight.
// - The grid hangs off the window's start, never off the query's or the booking window's edges:
//   asking for one day or for a month offers the same slots on that day. This is what lets the
//   booking endpoint check a single requested start against a one-day query.
// - A slot belongs to the day it starts on: a query offers the slots that start on its days,
//   whatever day they end on. That matters where a clock change crosses midnight: in America/Nuuk
//   and America/Scoresbysund the spring-forward takes Saturday 23:00 to Sunday 00:00, so a window
//   ending at 23:55 ends at 00:55 on Sunday and a 45-minute slot from 22:30 ends at 00:15.
//
// Buffers (the schedule's bufferBeforeMinutes / bufferAfterMinutes, ./buffers): a slot [start, end)
// is offered only when [start - before, end + after) meets no busy time. The grid is unchanged
// (buffers never move a slot), and a buffer may reach outside the host's window: the window says
// when meetings may be, the buffer only asks that nothing else be there. Buffers are elapsed time,
// like slots, across a clock change too.
import { DateTime, Duration } from 'luxon';
import type { Schedule } from '../store/subscribers';
import { WEEKDAYS } from '../store/subscribers';
import { bufferOf } from './buffers';

export interface TimeRange {
  start: Date;
  end: Date;
}

export interface AvailabilityQuery {
  schedule: Schedule;
  /** The host's IANA zone: the weekly windows and the dates are read in it. */
  timezone: string;
  now: Date;
  /** 'YYYY-MM-DD', a day in the host's zone, inclusive. */
  fromDate: string;
  /** 'YYYY-MM-DD', a day in the host's zone, inclusive. */
  toDate: string;
  /** Busy time, in any order, possibly overlapping. */
  busy: TimeRange[];
}

type RangeQuery = Pick<AvailabilityQuery, 'timezone' | 'fromDate' | 'toDate' | 'schedule' | 'now'>;

export class InvalidDateRange extends Error {
  constructor(message: string) {
    super(message);
    this.name = 'InvalidDateRange';
  }
}

/** Half-open [start, end) in epoch milliseconds: cheap to compare in the hot loops. */
interface Span {
  start: number;
  end: number;
}

/** Where a query's slots may start, and the latest any of them may end (the booking window's end). */
interface Clipped extends Span {
  limit: number;
}

const ISO_DAY = /^\d{4}-\d{2}-\d{2}$/;
const TIME_OF_DAY = /^(\d{2}):(\d{2})$/;

function calendarDay(value: string, field: 'fromDate' | 'toDate'): DateTime {
  // The regex refuses what luxon's ISO parser would also take (weeks, ordinals, times), so that
  // only a plain calendar day gets through; luxon then refuses days that do not exist.
  const day = ISO_DAY.test(value) ? DateTime.fromISO(value, { zone: 'utc' }) : undefined;
  if (!day?.isValid) throw new InvalidDateRange(`${field} must be a real date as YYYY-MM-DD, got "${value}"`);
  return day;
}

/** The first instant of a calendar day in a zone (not always 00:00 where midnight falls in a gap). */
function startOfLocalDay(day: DateTime, zone: string): DateTime {
  const local = DateTime.fromObject({ year: day.year, month: day.month, day: day.day }, { zone });
  if (!local.isValid) throw new RangeError(`cannot read dates in time zone "${zone}": ${local.invalidReason ?? 'invalid'}`);
  return local;
}

function toSpan(range: TimeRange): Span {
  return { start: range.start.getTime(), end: range.end.getTime() };
}

function toRange(span: Span): TimeRange {
  return { start: new Date(span.start), end: new Date(span.end) };
}

function bookingSpan(schedule: Schedule, now: Date): Span {
  // Counted in UTC: "hours" and "days" from now are elapsed time, whatever the host's zone does.
  const at = DateTime.fromJSDate(now, { zone: 'utc' });
  return {
    start: at.plus({ hours: schedule.minNoticeHours }).toMillis(),
    end: at.plus({ days: schedule.maxDaysAhead }).toMillis(),
  };
}

/** [now + minNoticeHours, now + maxDaysAhead days]. */
export function bookingWindow(schedule: Schedule, now: Date): TimeRange {
  return toRange(bookingSpan(schedule, now));
}

function clippedSpan(query: RangeQuery): Clipped | undefined {
  const from = calendarDay(query.fromDate, 'fromDate');
  const to = calendarDay(query.toDate, 'toDate');
  if (to.toMillis() < from.toMillis()) throw new InvalidDateRange(`toDate ${query.toDate} is before fromDate ${query.fromDate}`);
  const window = bookingSpan(query.schedule, query.now);
  const start = Math.max(startOfLocalDay(from, query.timezone).toMillis(), window.start);
  const end = Math.min(startOfLocalDay(to.plus({ days: 1 }), query.timezone).toMillis(), window.end);
  return start < end ? { start, end, limit: window.end } : undefined;
}

/**
 * The UTC range of the days a query asks for, clipped to the booking window; undefined when
 * nothing is left. Its slots start in it.
 */
export function queryRange(query: RangeQuery): TimeRange | undefined {
  const span = clippedSpan(query);
  return span && toRange(span);
}

/**
 * The UTC range a query needs busy time for: its days, and on past the last one as far as a slot
 * starting there may end. Busy time must be fetched for exactly this range.
 */
export function busyRange(query: RangeQuery): TimeRange | undefined {
  const days = clippedSpan(query);
  if (!days) return undefined;
  const step = Duration.fromObject({ minutes: query.schedule.slotMinutes }).toMillis();
  const { before, after } = bufferMillis(query.schedule);
  return toRange({ start: days.start - before, end: Math.min(days.end + step, days.limit) + after });
}

function bufferMillis(schedule: Schedule): { before: number; after: number } {
  const { beforeMinutes, afterMinutes } = bufferOf(schedule);
  return { before: beforeMinutes * 60_000, after: afterMinutes * 60_000 };
}

/** A slot's span widened by the buffers: what must meet no busy time. */
function buffered(slot: Span, buffer: { before: number; after: number }): Span {
  return { start: slot.start - buffer.before, end: slot.end + buffer.after };
}

function wallTime(day: DateTime, time: string, zone: string): number {
  const match = TIME_OF_DAY.exec(time);
  if (!match) throw new RangeError(`window time must be HH:MM, got "${time}"`);
  const at = DateTime.fromObject(
    { year: day.year, month: day.month, day: day.day, hour: Number(match[1]), minute: Number(match[2]) },
    { zone },
  );
  if (!at.isValid) throw new RangeError(`window time "${time}" in ${zone}: ${at.invalidReason ?? 'invalid'}`);
  return at.toMillis();
}

/**
 * The host's windows, as merged real instants, for the calendar days first..last (UTC-zoned
 * DateTimes standing for plain dates), sorted.
 */
function windowSpans(schedule: Schedule, zone: string, first: DateTime, last: DateTime): Span[] {
  const spans: Span[] = [];
  for (let day = first; day.toMillis() <= last.toMillis(); day = day.plus({ days: 1 })) {
    const weekday = WEEKDAYS[day.weekday - 1];
    for (const window of (weekday && schedule.weekly[weekday]) ?? []) {
      const start = wallTime(day, window.start, zone);
      const end = wallTime(day, window.end, zone);
      // Both ends inside one gap collapse to nothing; not an error, there is just no time.
      if (start < end) spans.push({ start, end });
    }
  }
  return mergeSpans(spans);
}

/** Sorts and merges overlapping or touching spans; touching ones merge since [a,b)∪[b,c) = [a,c). */
function mergeSpans(spans: Span[]): Span[] {
  const sorted = spans.filter((s) => s.start < s.end).sort((a, b) => a.start - b.start || a.end - b.end);
  const merged: Span[] = [];
  for (const span of sorted) {
    const last = merged[merged.length - 1];
    if (last && span.start <= last.end) last.end = Math.max(last.end, span.end);
    else merged.push({ ...span });
  }
  return merged;
}

/** The local calendar day (as a UTC-zoned date) an instant falls on in the host's zone. */
function localDay(millis: number, zone: string): DateTime {
  const local = DateTime.fromMillis(millis, { zone });
  return DateTime.fromObject({ year: local.year, month: local.month, day: local.day }, { zone: 'utc' });
}

/**
 * Candidate slots (before busy time) starting inside `span` and ending by `limit`, for windows on
 * the local days that `span` touches. One day either side is included too: in a zone whose clock
 * change crosses midnight, a window's wall time can land on the neighbouring date, and its slots
 * must still be found.
 */
function candidateSlots(schedule: Schedule, zone: string, span: Span, limit: number): Span[] {
  const first = localDay(span.start, zone).minus({ days: 1 });
  const last = localDay(span.end - 1, zone).plus({ days: 1 });
  const step = Duration.fromObject({ minutes: schedule.slotMinutes }).toMillis();
  // A zero step would never leave the loop below; the schema forbids it, this is only a backstop.
  if (!(step > 0)) return [];
  const slots: Span[] = [];
  for (const window of windowSpans(schedule, zone, first, last)) {
    // Jump straight to the first slot that can start inside `span` rather than walking the grid
    // from the window's start; it is the same grid either way.
    const skip = window.start < span.start ? Math.ceil((span.start - window.start) / step) : 0;
    for (let start = window.start + skip * step; start < span.end && start + step <= window.end && start + step <= limit; start += step) {
      slots.push({ start, end: start + step });
    }
  }
  return slots;
}

/** Busy time sorted by start and merged, so one forward pass can test sorted slots against it. */
function mergedBusy(busy: TimeRange[]): Span[] {
  return mergeSpans(busy.map(toSpan).filter((s) => Number.isFinite(s.start) && Number.isFinite(s.end)));
}

/** Touching is not overlapping: busy [10:00, 10:30) leaves [10:30, 11:00) free. */
function overlaps(a: Span, b: Span): boolean {
  return a.start < b.end && b.start < a.end;
}

/** Free slots of the host in the query's days within the booking window, sorted by start. */
export function freeSlots(query: AvailabilityQuery): TimeRange[] {
  const span = clippedSpan(query);
  if (!span) return [];
  const busy = mergedBusy(query.busy);
  const buffer = bufferMillis(query.schedule);
  const free: TimeRange[] = [];
  let next = 0;
  for (const slot of candidateSlots(query.schedule, query.timezone, span, span.limit)) {
    // Slots are sorted and their buffered spans start and end in the same order, so busy spans
    // ending by this one's start can never overlap a later one either: the index only moves forward.
    const kept = buffered(slot, buffer);
    while (next < busy.length && (busy[next] as Span).end <= kept.start) next++;
    const blocker = busy[next];
    if (!blocker || !overlaps(kept, blocker)) free.push(toRange(slot));
  }
  return free;
}

/**
 * The free slot starting exactly at `start`, if `freeSlots(query)` offers it. Only the days
 * around `start` are cut, so a single booking does not pay for the whole range; that gives the
 * same grid because merged windows do not reach across more than one day boundary.
 */
export function findFreeSlot(query: AvailabilityQuery, start: Date): TimeRange | undefined {
  const span = clippedSpan(query);
  const at = start.getTime();
  if (!span || !(at >= span.start && at < span.end)) return undefined;
  const slot = candidateSlots(query.schedule, query.timezone, { start: at, end: at + 1 }, span.limit).find((s) => s.start === at);
  const kept = slot && buffered(slot, bufferMillis(query.schedule));
  if (!slot || !kept || mergedBusy(query.busy).some((b) => overlaps(kept, b))) return undefined;
  return toRange(slot);
}
