// A series' recurrence lines parsed: RRULE, EXRULE, RDATE and EXDATE (RFC 5545, as the Events
// reference's `recurrence` field takes them), each date and rule turned into the series' wall-clock
// time. A wall-clock time is a Date whose UTC fields are the local time in the zone "in which the
// recurrence is expanded" (EventDateTime.timeZone), so rrule never meets a DST switch.
import { DateTime } from 'luxon';
import { RRule, type Options } from 'rrule';
import { z } from 'zod';
import { badRequest, type GoogleApiError } from './errors';
import type { EventTime } from './event-model';

export interface SeriesTiming {
  start: EventTime;
  end: EventTime;
  recurrence: string[];
  /** Where an all-day date without its own timeZone is placed (as for single events). */
  calendarTimeZone: string;
}

export interface ParsedRecurrence {
  allDay: boolean;
  startZone: string;
  endZone: string;
  /** The series start, in wall-clock time. */
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

export function wallClock(time: DateTime): Date {
  return new Date(Date.UTC(time.year, time.month - 1, time.day, time.hour, time.minute, time.second));
}

function wallClockOf(time: EventTime, zone: string): Date {
  const parsed = time.dateTime !== undefined ? DateTime.fromISO(time.dateTime, { zone }) : DateTime.fromISO(time.date ?? '', { zone: 'UTC' });
  return wallClock(parsed);
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

type Anchor = Pick<ParsedRecurrence, 'allDay' | 'startZone' | 'firstStart'>;

/** A date or date-time value of RDATE, EXDATE or UNTIL in the series' wall-clock time. */
function wallClockValue(value: string, tzid: string | undefined, anchor: Anchor): Date {
  const date = /^(\d{4})(\d{2})(\d{2})$/.exec(value);
  if (date) {
    const [year, month, day] = [Number(date[1]), Number(date[2]), Number(date[3])];
    // A date in a timed series stands for that day at the series' time of day.
    const start = anchor.firstStart;
    const result = new Date(Date.UTC(year, month - 1, day, start.getUTCHours(), start.getUTCMinutes(), start.getUTCSeconds()));
    if (anchor.allDay) result.setUTCHours(0, 0, 0);
    if (result.getUTCMonth() !== month - 1 || result.getUTCDate() !== day) throw invalidRecurrence();
    return result;
  }
  if (!/^\d{8}T\d{6}Z?$/.test(value)) throw invalidRecurrence();
  const utc = value.endsWith('Z');
  const parsed = DateTime.fromFormat(value.slice(0, 15), "yyyyMMdd'T'HHmmss", { zone: utc ? 'UTC' : (tzid ?? anchor.startZone) });
  if (!parsed.isValid) throw invalidRecurrence();
  const result = wallClock(parsed.setZone(anchor.startZone));
  if (anchor.allDay) result.setUTCHours(0, 0, 0);
  return result;
}

function parseRule(value: string, anchor: Anchor): RRule {
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
  const untilWallClock = until === undefined ? undefined : wallClockValue(until, undefined, anchor);
  if (untilWallClock && until?.length === 8) untilWallClock.setUTCHours(23, 59, 59);
  return new RRule({ ...options, dtstart: anchor.firstStart, until: untilWallClock ?? null }, true);
}

const LINE = /^([A-Za-z]+)((?:;[A-Za-z-]+=[^;:]+)*):(.+)$/;

/** The recurrence parsed; 400 invalid for a line Google would not take. */
export function parseRecurrence(timing: SeriesTiming): ParsedRecurrence {
  const { start, end } = timing;
  const allDay = start.date !== undefined;
  const startZone = allDay ? (start.timeZone ?? timing.calendarTimeZone) : (start.timeZone as string);
  const endZone = allDay ? (end.timeZone ?? timing.calendarTimeZone) : (end.timeZone as string);
  const firstStart = wallClockOf(start, startZone);
  const parsed: ParsedRecurrence = {
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
      (name === 'RRULE' ? parsed.rules : parsed.exclusionRules).push(parseRule(value, parsed));
    } else if (name === 'RDATE' || name === 'EXDATE') {
      const tzid = parameters.get('TZID');
      const kind = parameters.get('VALUE')?.toUpperCase();
      if ([...parameters.keys()].some((key) => key !== 'TZID' && key !== 'VALUE')) throw invalidRecurrence();
      if (kind !== undefined && kind !== 'DATE' && kind !== 'DATE-TIME') throw invalidRecurrence();
      if (tzid !== undefined && !DateTime.local().setZone(tzid).isValid) throw invalidRecurrence();
      for (const item of value.split(',')) {
        if (kind === 'DATE' && item.length !== 8) throw invalidRecurrence();
        const date = wallClockValue(item, tzid, parsed);
        if (name === 'RDATE') parsed.dates.push(date);
        else parsed.excludedDates.add(date.getTime());
      }
    } else {
      // DTSTART and DTEND "are not allowed in this field" (Events reference, `recurrence`).
      throw invalidRecurrence();
    }
  }
  return parsed;
}
