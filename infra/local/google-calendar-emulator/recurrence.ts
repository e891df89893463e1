// The recurrence of a series: its RRULE, EXRULE, RDATE and EXDATE lines (RFC 5545, as the Events
// reference's `recurrence` field takes them) parsed and expanded into occurrences. rrule expands in a
// floating representation, a Date whose UTC fields are the wall-clock time in the series' time zone
// ("the time zone in which the recurrence is expanded", EventDateTime.timeZone), and luxon places
// each wall-clock time in that zone: a daily 10:00 series stays at 10:00 across a DST switch.
import { DateTime } from 'luxon';
import { RRule, type Options } from 'rrule';
import { z } from 'zod';
import { badRequest, type GoogleApiError } from './errors';
import type { EventTime } from './event-model';

/**
 * The most instances one request expands of one series, counted from the start of the asked range
 * (or of the series). Google documents no limit; clients report 730 instances of an endless daily
 * series (compass-calendar#797; odoo#41895 cites "730 occurrences" for Google Calendar).
 */
export const MAX_INSTANCES_PER_SERIES = 730;

const DAY_MS = 24 * 60 * 60 * 1000;
/** Start and end may be in zones up to 26 hours apart; a range is widened by this before expanding. */
const ZONE_MARGIN_MS = 2 * DAY_MS;
const LAST_FLOATING = new Date(Date.UTC(9999, 11, 31));

export interface SeriesTiming {
  start: EventTime;
  end: EventTime;
  recurrence: string[];
  /** Where an all-day date without its own timeZone is placed (as for single events). */
  calendarTimeZone: string;
}

export interface Occurrence {
  /** The instant the recurrence gives this instance: what names it, whatever its exception says. */
  originalStartMs: number;
  /** `YYYYMMDDTHHMMSSZ` (UTC) for timed series, `YYYYMMDD` for all-day ones. */
  idSuffix: string;
  /** As the Events resource shows it; also the instance's originalStartTime. */
  start: EventTime;
  end: EventTime;
  startMs: number;
  endMs: number;
}

export interface TimeRange {
  fromMs?: number;
  toMs?: number;
}

interface Expansion {
  allDay: boolean;
  startZone: string;
  endZone: string;
  firstStart: Date;
  durationMs: number;
  rules: RRule[];
  exclusionRules: RRule[];
  dates: Date[];
  excludedDates: Set<number>;
}

function invalidRecurrence(): GoogleApiError {
  return badRequest('invalid', 'Invalid recurrence rule.');
}

function floating(time: DateTime): Date {
  return new Date(Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second));
}

function placed(wallClock: Date, zone: string): DateTime {
  return DateTime.fromObject(
    {
      year: wallClock.getUTCFullYear(),
      month: wallClock.getUTCMonth() + 1,
      day: wallClock.getUTCDate(),
      hour: wallClock.getUTCHours(),
      minute: wallClock.getUTCMinutes(),
      second: wallClock.getUTCSeconds(),
    },
    { zone },
  );
}

function wallClockOf(time: EventTime, zone: string): Date {
  const parsed = time.dateTime !== undefined ? DateTime.fromISO(time.dateTime, { zone }) : DateTime.fromISO(time.date ?? '', { zone: 'UTC' });
  return floating(parsed);
}

const WEEKDAY = 'MO|TU|WE|TH|FR|SA|SU';
const numberList = z.string().regex(/^[+-]?\d{1,3}(,[+-]?\d{1,3})*$/);
const positive = z.string().regex(/^[1-9]\d*$/);

/** The parts of an RRULE or EXRULE value (RFC 5545 §3.3.10); anything else is refused. */
const rulePartsSchema = z
  .object({
    FREQ: z.enum(['SECONDLY', 'MINUTELY', 'HOURLY', 'DAILY', 'WEEKLY', 'MONTHLY', 'YEARLY']),
    UNTIL: z.string().regex(/^\d{8}(T\d{6}Z?)?$/).optional(),
    COUNT: positive.optional(),
    INTERVAL: positive.optional(),
    BYSECOND: numberList.optional(),
    BYMINUTE: numberList.optional(),
    BYHOUR: numberList.optional(),
    BYDAY: z.string().regex(new RegExp(`^([+-]?\\d{1,2})?(${WEEKDAY})(,([+-]?\\d{1,2})?(${WEEKDAY}))*$`)).optional(),
    BYMONTHDAY: numberList.optional(),
    BYYEARDAY: numberList.optional(),
    BYWEEKNO: numberList.optional(),
    BYMONTH: numberList.optional(),
    BYSETPOS: numberList.optional(),
    WKST: z.string().regex(new RegExp(`^(${WEEKDAY})$`)).optional(),
  })
  .strict()
  // "The UNTIL or COUNT rule parts are OPTIONAL, but they MUST NOT occur in the same 'recur'."
  .refine((parts) => parts.UNTIL === undefined || parts.COUNT === undefined);

/** A date or date-time value of RDATE, EXDATE or UNTIL as a wall-clock time of the series. */
function wallClockValue(value: string, tzid: string | undefined, expansion: Pick<Expansion, 'allDay' | 'startZone' | 'firstStart'>): Date {
  const date = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  if (date) {
    const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
    // A date in a timed series stands for that day at the series' time of day.
    const start = expansion.firstStart;
    const wallClock = new Date(Date.UTC(year, month - 1, day, start.getUTCHours(), start.getUTCMinutes(), start.getUTCSeconds()));
    if (expansion.allDay) wallClock.setUTCHours(0, 0, 0);
    if (wallClock.getUTCMonth() !== month - 1 || wallClock.getUTCDate() !== day) throw invalidRecurrence();
    return wallClock;
  }
  if (!/^\d{8}T\d{6}Z?$/.test(value)) throw invalidRecurrence();
  const utc = value.endsWith('Z');
  const parsed = DateTime.fromFormat(value.slice(0, 15), "yyyyMMdd'T'HHmmss", { zone: utc ? 'UTC' : (tzid ?? expansion.startZone) });
  if (!parsed.isValid) throw invalidRecurrence();
  const wallClock = floating(parsed.setZone(expansion.startZone));
  if (expansion.allDay) wallClock.setUTCHours(0, 0, 0);
  return wallClock;
}

function parseRule(value: string, expansion: Pick<Expansion, 'allDay' | 'startZone' | 'firstStart'>): RRule {
  const entries = value.split(';').map((part) => part.split('='));
  if (entries.some((entry) => entry.length !== 2)) throw invalidRecurrence();
  const parts = rulePartsSchema.safeParse(Object.fromEntries(entries.map(([key, partValue]) => [key?.toUpperCase(), partValue?.toUpperCase()])));
  if (!parts.success) throw invalidRecurrence();
  const { UNTIL: until, ...rest } = parts.data;
  let options: Partial<Options>;
  try {
    options = RRule.parseString(Object.entries(rest).map(([key, partValue]) => `${key}=${partValue}`).join(';'));
  } catch {
    throw invalidRecurrence();
  }
  // A date-only UNTIL keeps every instance of that day.
  const untilWallClock = until === undefined ? undefined : wallClockValue(until, undefined, expansion);
  if (untilWallClock && until?.length === 8) untilWallClock.setUTCHours(23, 59, 59);
  return new RRule({ ...options, dtstart: expansion.firstStart, until: untilWallClock ?? null }, true);
}

const LINE = /^([A-Za-z]+)((?:;[A-Za-z-]+=[^;:]+)*):(.+)$/;

function parseExpansion(timing: SeriesTiming): Expansion {
  const { start, end } = timing;
  const allDay = start.date !== undefined;
  const startZone = allDay ? (start.timeZone ?? timing.calendarTimeZone) : (start.timeZone as string);
  const endZone = allDay ? (end.timeZone ?? timing.calendarTimeZone) : (end.timeZone as string);
  const firstStart = wallClockOf(start, startZone);
  const expansion: Expansion = {
    allDay,
    startZone,
    endZone,
    firstStart,
    durationMs: wallClockOf(end, endZone).getTime() - firstStart.getTime(),
    rules: [],
    exclusionRules: [],
    // The start is always an instance, even off the rule, as Google expands it (google-api-nodejs-client#2214).
    dates: [firstStart],
    excludedDates: new Set(),
  };
  for (const line of timing.recurrence) {
    const match = LINE.exec(line.trim());
    if (!match) throw invalidRecurrence();
    const name = (match[1] as string).toUpperCase();
    const parameters = new Map(
      (match[2] as string)
        .split(';')
        .filter(Boolean)
        .map((parameter) => parameter.split('=') as [string, string])
        .map(([key, parameterValue]) => [key.toUpperCase(), parameterValue]),
    );
    const value = match[3] as string;
    if (name === 'RRULE' || name === 'EXRULE') {
      if (parameters.size > 0) throw invalidRecurrence();
      (name === 'RRULE' ? expansion.rules : expansion.exclusionRules).push(parseRule(value, expansion));
    } else if (name === 'RDATE' || name === 'EXDATE') {
      const tzid = parameters.get('TZID');
      const kind = parameters.get('VALUE')?.toUpperCase();
      if ([...parameters.keys()].some((key) => key !== 'TZID' && key !== 'VALUE')) throw invalidRecurrence();
      if (kind !== undefined && kind !== 'DATE' && kind !== 'DATE-TIME') throw invalidRecurrence();
      if (tzid !== undefined && !DateTime.local().setZone(tzid).isValid) throw invalidRecurrence();
      for (const item of value.split(',')) {
        if (kind === 'DATE' && item.length !== 8) throw invalidRecurrence();
        const wallClock = wallClockValue(item, tzid, expansion);
        if (name === 'RDATE') expansion.dates.push(wallClock);
        else expansion.excludedDates.add(wallClock.getTime());
      }
    } else {
      // DTSTART and DTEND "are not allowed in this field" (Events reference, `recurrence`).
      throw invalidRecurrence();
    }
  }
  return expansion;
}

function occurrenceOf(wallClock: Date, expansion: Expansion, shape: SeriesTiming): Occurrence {
  const startAt = placed(wallClock, expansion.startZone);
  const endWallClock = new Date(wallClock.getTime() + expansion.durationMs);
  const endAt = placed(endWallClock, expansion.endZone);
  if (expansion.allDay) {
    const day = DateTime.fromJSDate(wallClock, { zone: 'UTC' });
    return {
      originalStartMs: startAt.toMillis(),
      idSuffix: day.toFormat('yyyyMMdd'),
      start: { ...shape.start, date: day.toISODate() as string },
      end: { ...shape.end, date: DateTime.fromJSDate(endWallClock, { zone: 'UTC' }).toISODate() as string },
      startMs: startAt.toMillis(),
      endMs: endAt.toMillis(),
    };
  }
  return {
    originalStartMs: startAt.toMillis(),
    idSuffix: startAt.toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'"),
    start: { ...shape.start, dateTime: startAt.toISO({ suppressMilliseconds: true }) as string },
    end: { ...shape.end, dateTime: endAt.toISO({ suppressMilliseconds: true }) as string },
    startMs: startAt.toMillis(),
    endMs: endAt.toMillis(),
  };
}

/**
 * Checks a series' recurrence as Google does on a write: a timed series needs the zones it expands
 * in (400 required), and every line must parse (400 invalid).
 */
export function checkRecurrence(timing: SeriesTiming): void {
  if (timing.start.date === undefined) {
    if (timing.start.timeZone === undefined) throw badRequest('required', 'Missing time zone definition for start time.');
    if (timing.end.timeZone === undefined) throw badRequest('required', 'Missing time zone definition for end time.');
  }
  parseExpansion(timing);
}

/**
 * The occurrences overlapping the range (ending after `fromMs`, starting before `toMs`), in order,
 * at most `limit` of them. Only the rule's way from the series start to the range's end is walked.
 */
export function occurrences(timing: SeriesTiming, range: TimeRange, limit = MAX_INSTANCES_PER_SERIES): Occurrence[] {
  const expansion = parseExpansion(timing);
  const inRange = (occurrence: Occurrence): boolean =>
    (range.fromMs === undefined || occurrence.endMs > range.fromMs) && (range.toMs === undefined || occurrence.startMs < range.toMs);
  const wallClockAt = (ms: number): number => floating(DateTime.fromMillis(ms, { zone: expansion.startZone })).getTime();
  const after = range.fromMs === undefined ? expansion.firstStart : new Date(wallClockAt(range.fromMs) - expansion.durationMs - ZONE_MARGIN_MS);
  const before = range.toMs === undefined ? LAST_FLOATING : new Date(wallClockAt(range.toMs) + ZONE_MARGIN_MS);
  const found = new Map<number, Occurrence>();
  const consider = (wallClock: Date): boolean => {
    if (expansion.excludedDates.has(wallClock.getTime())) return false;
    const occurrence = occurrenceOf(wallClock, expansion, timing);
    if (!inRange(occurrence)) return false;
    found.set(wallClock.getTime(), occurrence);
    return true;
  };
  for (const rule of expansion.rules) {
    // Each rule stops after enough instances in range; excluded ones do not count towards them.
    let counted = 0;
    rule.between(after, before, true, (wallClock) => {
      if (counted >= limit) return false;
      if (consider(wallClock)) counted += 1;
      return true;
    });
  }
  for (const wallClock of expansion.dates) if (wallClock >= after && wallClock <= before) consider(wallClock);
  const ordered = [...found.entries()].sort(([a], [b]) => a - b);
  const last = ordered[ordered.length - 1];
  if (last && expansion.exclusionRules.length > 0) {
    for (const rule of expansion.exclusionRules) for (const wallClock of rule.between(after, new Date(last[0]), true)) found.delete(wallClock.getTime());
  }
  return ordered
    .filter(([wallClock]) => found.has(wallClock))
    .slice(0, limit)
    .map(([, occurrence]) => occurrence);
}

/** The occurrence an instance id names by its suffix, if the recurrence has it. */
export function occurrenceNamed(timing: SeriesTiming, idSuffix: string): Occurrence | undefined {
  const allDay = timing.start.date !== undefined;
  const named = allDay
    ? DateTime.fromFormat(idSuffix, 'yyyyMMdd', { zone: timing.start.timeZone ?? timing.calendarTimeZone })
    : DateTime.fromFormat(idSuffix, "yyyyMMdd'T'HHmmss'Z'", { zone: 'UTC' });
  if (!named.isValid) return undefined;
  const ms = named.toMillis();
  return occurrences(timing, { fromMs: ms, toMs: ms + 1 }).find((occurrence) => occurrence.idSuffix === idSuffix);
}
