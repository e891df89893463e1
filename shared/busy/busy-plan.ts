// What a page of listed events, or a horizon moved on by the days that passed, changes in a
// calendar's stored busy time (../store/busy-store.ts). Pure: the stored sources in, the writes out.
//
// A calendar's busy time is kept twice: each event's *source* (what it blocks, read from Google:
// a single interval, or a series with the occurrences its exceptions took out), and the *days*
// (one per UTC day in the covered range, each event's intervals that day, by event id) that
// availability reads. An event's change rewrites its source and its intervals on the days it
// covered before and covers now; a series' intervals are re-expanded from its source, so moving
// the horizon needs no Google call.
import { eventBusy, exceptionOf, type ListedEvent } from './busy-event';
import { occurrencesIn, type SeriesTiming } from './series';

export interface Interval {
  start: number;
  end: number;
}

/** The covered range: UTC midnights, [from, until). */
export interface Coverage {
  from: number;
  until: number;
}

export type BusySource =
  | { kind: 'single'; start: number; end: number }
  /** A series (blocking or not: a later change may make it block), with the occurrence keys its exceptions took. */
  | { kind: 'series'; timing: SeriesTiming | null; blocks: boolean; overridden: string[] };

/** Per UTC day (`YYYY-MM-DD`), per event id: its intervals that day, or null to remove it. */
export type DayChanges = Map<string, Map<string, Interval[] | null>>;

export interface BusyPlan {
  /** Per event id: the new source, or null to delete it. */
  sources: Map<string, BusySource | null>;
  days: DayChanges;
}

export const DAY_MS = 24 * 60 * 60_000;

export function dayOf(ms: number): string {
  return new Date(ms).toISOString().slice(0, 10);
}

export function startOfDay(ms: number): number {
  return ms - (((ms % DAY_MS) + DAY_MS) % DAY_MS);
}

/** The UTC days [from, to) touches. */
export function daysOf(from: number, to: number): string[] {
  const days: string[] = [];
  for (let day = startOfDay(from); day < to; day += DAY_MS) days.push(dayOf(day));
  return days;
}

/** What a source blocks within [from, to), clipped to it. */
export function intervalsOf(source: BusySource | null | undefined, from: number, to: number): Interval[] {
  if (!source) return [];
  if (source.kind === 'single') return source.end > from && source.start < to ? [{ start: Math.max(source.start, from), end: Math.min(source.end, to) }] : [];
  if (!source.blocks || !source.timing) return [];
  return occurrencesIn(source.timing, from, to, new Set(source.overridden)).map((o) => ({ start: Math.max(o.start, from), end: Math.min(o.end, to) }));
}

/** Intervals split at UTC midnights, by day. */
function byDay(intervals: Interval[]): Map<string, Interval[]> {
  const days = new Map<string, Interval[]>();
  for (const interval of intervals) {
    for (let day = startOfDay(interval.start); day < interval.end; day += DAY_MS) {
      const part = { start: Math.max(interval.start, day), end: Math.min(interval.end, day + DAY_MS) };
      days.set(dayOf(day), [...(days.get(dayOf(day)) ?? []), part]);
    }
  }
  return days;
}

function setDay(days: DayChanges, day: string, eventId: string, intervals: Interval[] | null): void {
  let entries = days.get(day);
  if (!entries) days.set(day, (entries = new Map()));
  entries.set(eventId, intervals);
}

/** A single event that ended before the covered range starts can never block again: not kept. */
function kept(source: BusySource | null, coverage: Coverage): BusySource | null {
  return source?.kind === 'single' && source.end <= coverage.from ? null : source;
}

/**
 * The changes a page of listed events makes. `stored` holds the stored source of every event on
 * the page and of the series of every exception on it (absent: none stored).
 */
export function planPage(events: ListedEvent[], stored: ReadonlyMap<string, BusySource>, calendarTimeZone: string, coverage: Coverage): BusyPlan {
  const next = new Map<string, BusySource | null>();
  const current = (id: string): BusySource | null | undefined => (next.has(id) ? next.get(id) : stored.get(id));
  for (const event of events) {
    if (!event.id) continue;
    const exception = exceptionOf(event);
    if (exception) {
      const series = current(exception.seriesId);
      const base = series?.kind === 'series' ? series : { kind: 'series' as const, timing: null, blocks: false, overridden: [] };
      if (!base.overridden.includes(exception.key)) next.set(exception.seriesId, { ...base, overridden: [...base.overridden, exception.key] });
    }
    const busy = eventBusy(event, calendarTimeZone);
    const before = current(event.id);
    const overridden = before?.kind === 'series' ? before.overridden : [];
    if (busy.kind === 'single') next.set(event.id, { kind: 'single', start: busy.start, end: busy.end });
    else if (busy.kind === 'series') next.set(event.id, { kind: 'series', timing: busy.timing, blocks: true, overridden });
    else if (busy.reason !== 'cancelled' && event.recurrence?.length) {
      // A series marked free or declined keeps what its exceptions took, for when it blocks again.
      next.set(event.id, { kind: 'series', timing: null, blocks: false, overridden });
    } else next.set(event.id, null);
  }
  const sources = new Map<string, BusySource | null>();
  const days: DayChanges = new Map();
  for (const [id, source] of next) {
    const now = kept(source, coverage);
    sources.set(id, now);
    const before = byDay(intervalsOf(stored.get(id), coverage.from, coverage.until));
    const after = byDay(intervalsOf(now, coverage.from, coverage.until));
    for (const day of before.keys()) if (!after.has(day)) setDay(days, day, id, null);
    for (const [day, intervals] of after) setDay(days, day, id, intervals);
  }
  return { sources, days };
}

/**
 * The days a moved horizon adds, whole: every source's intervals on the days of `to` that `from`
 * did not cover (the days left behind are not read again and expire).
 */
export function planExtension(sources: ReadonlyMap<string, BusySource>, from: Coverage, to: Coverage): Map<string, Map<string, Interval[]>> {
  const start = Math.max(from.until, to.from);
  const days = new Map<string, Map<string, Interval[]>>();
  for (const day of daysOf(start, to.until)) days.set(day, new Map());
  for (const [id, source] of sources) {
    for (const [day, intervals] of byDay(intervalsOf(source, start, to.until))) days.get(day)?.set(id, intervals);
  }
  return days;
}

/** Overlapping or touching intervals joined, in order. */
export function merged(intervals: Interval[]): Interval[] {
  const sorted = [...intervals].sort((a, b) => a.start - b.start);
  const out: Interval[] = [];
  for (const interval of sorted) {
    const last = out[out.length - 1];
    if (last && interval.start <= last.end) last.end = Math.max(last.end, interval.end);
    else out.push({ ...interval });
  }
  return out;
}
