// A recurring series' occurrences in a window, as Google expands them ("Recurring events" guide;
// Events reference, `recurrence` and `start.timeZone`: "the time zone in which the recurrence is
// expanded"). The rules walk in wall-clock time (a Date whose UTC fields are the local time in the
// series' zone), so rrule never meets a DST switch; luxon then places each wall-clock time in the
// zone: a daily 10:00 series stays at 10:00 local across a clock change. RRULE, EXRULE, RDATE and
// EXDATE (RFC 5545 §3.8.5) are read here; DTSTART is the event's own start, always an occurrence.
import { DateTime } from 'luxon';
import { RRule } from 'rrule';
import type { EventTime } from './busy-event';

export interface SeriesTiming {
  start: EventTime;
  end: EventTime;
  recurrence: string[];
  /** Where an all-day series' dates are placed (the calendar's zone, unless its start names one). */
  calendarTimeZone: string;
}

export interface Occurrence {
  start: number;
  end: number;
  /** What an exception names this occurrence by (its `originalStartTime`): see `originalStartKey`. */
  key: string;
}

/**
 * A series that recurs faster than this (FREQ=MINUTELY over weeks) is cut: no calendar a person
 * keeps has it, and a hostile one must not make a sync expand millions of instances.
 */
export const MAX_OCCURRENCES = 5_000;

const DAY_MS = 24 * 60 * 60_000;
/** The series' zone and UTC are at most ~26 hours apart: walk a little wider, then place and filter. */
const WALK_MARGIN_MS = 2 * DAY_MS;

/**
 * The name of an occurrence by its original start: the date of an all-day one, the instant (epoch
 * ms) of a timed one. An exception's `originalStartTime` gives the same key as the occurrence it
 * stands in for, whatever offset or zone it is written with.
 */
export function originalStartKey(time: EventTime): string | undefined {
  if (time.date) return time.date;
  if (!time.dateTime) return undefined;
  const instant = DateTime.fromISO(time.dateTime, { zone: time.timeZone ?? 'UTC' });
  return instant.isValid ? String(instant.toMillis()) : undefined;
}

function wallClock(time: DateTime): Date {
  return new Date(Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second));
}

function placed(wall: Date, zone: string): DateTime {
  return DateTime.fromObject(
    { year: wall.getUTCFullYear(), month: wall.getUTCMonth() + 1, day: wall.getUTCDate(), hour: wall.getUTCHours(), minute: wall.getUTCMinutes(), second: wall.getUTCSeconds() },
    { zone },
  );
}

interface Anchor {
  allDay: boolean;
  zone: string;
  endZone: string;
  first: Date;
  durationMs: number;
}

function anchorOf(series: SeriesTiming): Anchor | undefined {
  const allDay = series.start.date !== undefined && series.start.date !== null;
  const zone = allDay ? (series.start.timeZone ?? series.calendarTimeZone) : series.start.timeZone;
  const endZone = allDay ? (series.end.timeZone ?? series.calendarTimeZone) : (series.end.timeZone ?? zone);
  if (!zone || !endZone) return undefined;
  const wallOf = (time: EventTime, inZone: string): DateTime =>
    time.dateTime ? DateTime.fromISO(time.dateTime, { zone: inZone }) : DateTime.fromISO(time.date ?? '', { zone: 'UTC' });
  const start = wallOf(series.start, zone);
  const end = wallOf(series.end, endZone);
  if (!start.isValid || !end.isValid) return undefined;
  const first = wallClock(start);
  return { allDay, zone, endZone, first, durationMs: wallClock(end).getTime() - first.getTime() };
}

/** A DATE or DATE-TIME of RDATE, EXDATE or UNTIL, as the series' wall-clock time. */
function wallValue(value: string, tzid: string | undefined, anchor: Anchor): Date | undefined {
  const day = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  if (day) {
    // A date in a timed series stands for that day at the series' time of day.
    const [hours, minutes, seconds] = anchor.allDay ? [0, 0, 0] : [anchor.first.getUTCHours(), anchor.first.getUTCMinutes(), anchor.first.getUTCSeconds()];
    return new Date(Date.UTC(Number(day[1]), Number(day[2]) - 1, Number(day[3]), hours, minutes, seconds));
  }
  const utc = value.endsWith('Z');
  const parsed = DateTime.fromFormat(value.replace(/Z$/, ''), "yyyyMMdd'T'HHmmss", { zone: utc ? 'UTC' : (tzid ?? anchor.zone) });
  if (!parsed.isValid) return undefined;
  const wall = wallClock(parsed.setZone(anchor.zone));
  if (anchor.allDay) wall.setUTCHours(0, 0, 0);
  return wall;
}

function ruleOf(value: string, anchor: Anchor): RRule | undefined {
  const parts = value.split(';').filter(Boolean);
  const until = parts.find((part) => part.toUpperCase().startsWith('UNTIL='))?.slice('UNTIL='.length);
  const rest = parts.filter((part) => !part.toUpperCase().startsWith('UNTIL=')).join(';');
  try {
    const options = RRule.parseString(rest);
    let untilWall = until === undefined ? undefined : wallValue(until.toUpperCase(), undefined, anchor);
    // A date-only UNTIL keeps every occurrence of that day.
    if (untilWall && until?.length === 8) untilWall = new Date(untilWall.getTime() - (untilWall.getTime() % DAY_MS) + DAY_MS - 1000);
    return new RRule({ ...options, dtstart: anchor.first, until: untilWall ?? null });
  } catch {
    return undefined;
  }
}

interface Lines {
  rules: RRule[];
  exclusionRules: RRule[];
  dates: Date[];
  excluded: Set<number>;
}

const LINE = /^([A-Za-z]+)((?:;[A-Za-z-]+=[^;:]+)*):(.+)$/;

/** The lines as rules and dates; a line we cannot read is left out (Google refused it on write). */
function linesOf(recurrence: string[], anchor: Anchor): Lines {
  const lines: Lines = { rules: [], exclusionRules: [], dates: [anchor.first], excluded: new Set() };
  for (const line of recurrence) {
    const match = LINE.exec(line.trim());
    if (!match) continue;
    const name = (match[1] ?? '').toUpperCase();
    const parameters = new Map((match[2] ?? '').split(';').filter(Boolean).map((p) => p.split('=') as [string, string]).map(([k, v]) => [k.toUpperCase(), v]));
    const value = match[3] ?? '';
    if (name === 'RRULE' || name === 'EXRULE') {
      const rule = ruleOf(value, anchor);
      if (rule) (name === 'RRULE' ? lines.rules : lines.exclusionRules).push(rule);
    } else if (name === 'RDATE' || name === 'EXDATE') {
      for (const item of value.split(',')) {
        const wall = wallValue(item.trim().toUpperCase(), parameters.get('TZID'), anchor);
        if (!wall) continue;
        if (name === 'RDATE') lines.dates.push(wall);
        else lines.excluded.add(wall.getTime());
      }
    }
  }
  return lines;
}

/**
 * The occurrences that overlap [from, to) (epoch ms), in order, less those whose key is in
 * `overridden` (an exception stands in for them: moved, changed or cancelled).
 */
export function occurrencesIn(series: SeriesTiming, from: number, to: number, overridden: ReadonlySet<string> = new Set()): Occurrence[] {
  const anchor = anchorOf(series);
  if (!anchor || to <= from) return [];
  const lines = linesOf(series.recurrence, anchor);
  const wallAt = (ms: number): number => wallClock(DateTime.fromMillis(ms, { zone: anchor.zone })).getTime();
  const after = new Date(wallAt(from) - Math.max(0, anchor.durationMs) - WALK_MARGIN_MS);
  const before = new Date(wallAt(to) + WALK_MARGIN_MS);
  const walls = new Set<number>();
  for (const rule of lines.rules) {
    let counted = 0;
    rule.between(after, before, true, () => ++counted <= MAX_OCCURRENCES).forEach((date) => walls.add(date.getTime()));
  }
  for (const date of lines.dates) if (date >= after && date <= before) walls.add(date.getTime());
  for (const excluded of lines.excluded) walls.delete(excluded);
  for (const rule of lines.exclusionRules) for (const date of rule.between(after, before, true)) walls.delete(date.getTime());

  const found: Occurrence[] = [];
  for (const wall of [...walls].sort((a, b) => a - b)) {
    const startAt = placed(new Date(wall), anchor.zone);
    const end = placed(new Date(wall + anchor.durationMs), anchor.endZone).toMillis();
    const start = startAt.toMillis();
    if (start >= to || end <= from) continue;
    const key = anchor.allDay ? (DateTime.fromMillis(wall, { zone: 'UTC' }).toISODate() ?? '') : String(start);
    if (overridden.has(key)) continue;
    found.push({ start, end, key });
    if (found.length >= MAX_OCCURRENCES) break;
  }
  return found;
}
