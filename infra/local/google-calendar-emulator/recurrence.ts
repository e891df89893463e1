// A series' recurrence expanded into occurrences: rrule walks the rules in wall-clock time
// (recurrence-lines.ts), luxon places each wall-clock time in the series' zone, so a daily 10:00
// series stays at 10:00 across a DST switch. Only what a request asks is expanded: the occurrences
// overlapping its range, at most MAX_INSTANCES_PER_SERIES of them.
import { DateTime } from 'luxon';
import { RRule } from 'rrule';
import { badRequest } from './errors';
import type { EventTime } from './event-model';
import { parseRecurrence, wallClock, type ParsedRecurrence, type SeriesTiming } from './recurrence-lines';

export type { SeriesTiming } from './recurrence-lines';

/**
 * The most instances one request expands of one series, counted from the start of the asked range
 * (or of the series). Google documents no limit; clients report 730 instances of an endless daily
 * series (compass-calendar#797; odoo#41895 cites "730 occurrences" for Google Calendar).
 */
export const MAX_INSTANCES_PER_SERIES = 730;

const DAY_MS = 24 * 60 * 60 * 1000;
/** Start and end may be in zones up to 26 hours apart; a range is widened by this before expanding. */
const ZONE_MARGIN_MS = 2 * DAY_MS;
const LAST_WALL_CLOCK = new Date(Date.UTC(9999, 11, 31));
const KEPT_CHECKPOINTS = 8;

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

/**
 * A rule and the places its walk may resume: each is the rule restarted at an occurrence it gave,
 * with no occurrence between `fromMs` and that one, so a walk from `fromMs` on may start there
 * instead of at the series start. Only rules without COUNT (which counts from the start) and
 * BYSETPOS (which picks from whole periods) walk the same from any occurrence.
 */
interface RuleWalk {
  rule: RRule;
  resumable: boolean;
  checkpoints: { fromMs: number; rule: RRule }[];
}

interface Expansion extends ParsedRecurrence {
  walks: RuleWalk[];
}

/**
 * Expansions by the series' recurrence array: a write of the series stores a new array, and a reset
 * drops the series, so what is kept here never outlives what it was made from.
 */
const expansions = new WeakMap<string[], { start: EventTime; end: EventTime; calendarTimeZone: string; expansion: Expansion }>();

function expansionOf(timing: SeriesTiming): Expansion {
  const kept = expansions.get(timing.recurrence);
  if (kept && kept.start === timing.start && kept.end === timing.end && kept.calendarTimeZone === timing.calendarTimeZone) return kept.expansion;
  const parsed = parseRecurrence(timing);
  const walks = parsed.rules.map((rule) => ({ rule, resumable: !rule.options.count && !rule.options.bysetpos?.length, checkpoints: [] }));
  const expansion = { ...parsed, walks };
  expansions.set(timing.recurrence, { start: timing.start, end: timing.end, calendarTimeZone: timing.calendarTimeZone, expansion });
  return expansion;
}

/** Walks a rule's occurrences from `after` to `before` while `visit` wants more. */
function walk(ruleWalk: RuleWalk, after: Date, before: Date, visit: (occurrence: Date) => boolean): void {
  let checkpoint: RuleWalk['checkpoints'][number] | undefined;
  for (const candidate of ruleWalk.checkpoints) {
    if (candidate.fromMs <= after.getTime() && (!checkpoint || candidate.fromMs > checkpoint.fromMs)) checkpoint = candidate;
  }
  let first: Date | undefined;
  (checkpoint?.rule ?? ruleWalk.rule).between(after, before, true, (occurrence) => {
    first ??= occurrence;
    return visit(occurrence);
  });
  if (!ruleWalk.resumable || !first || ruleWalk.checkpoints.some((kept) => kept.fromMs === after.getTime())) return;
  ruleWalk.checkpoints.push({ fromMs: after.getTime(), rule: new RRule({ ...ruleWalk.rule.origOptions, dtstart: first }, true) });
  if (ruleWalk.checkpoints.length > KEPT_CHECKPOINTS) ruleWalk.checkpoints.shift();
}

interface Placement {
  ms: number;
  /** RFC 3339 with the zone's offset, as instances show their times. */
  iso: string;
  /** The UTC basic format that names a timed instance. */
  utcBasic: string;
}

/**
 * Placing a wall-clock time in a zone costs luxon a few Intl calls; a calendar of hundreds of daily
 * series places thousands per request, the same ones request after request, so they are kept (a
 * pure function's answers: nothing to clear on a reset).
 */
const placements = new Map<string, Placement>();
const KEPT_PLACEMENTS = 200_000;

function placed(time: Date, zone: string): Placement {
  const key = `${zone} ${time.getTime()}`;
  const kept = placements.get(key);
  if (kept) return kept;
  const local = DateTime.fromObject(
    {
      year: time.getUTCFullYear(),
      month: time.getUTCMonth() + 1,
      day: time.getUTCDate(),
      hour: time.getUTCHours(),
      minute: time.getUTCMinutes(),
      second: time.getUTCSeconds(),
    },
    { zone },
  );
  const placement = { ms: local.toMillis(), iso: local.toISO({ suppressMilliseconds: true }) as string, utcBasic: local.toUTC().toFormat("yyyyMMdd'T'HHmmss'Z'") };
  if (placements.size >= KEPT_PLACEMENTS) placements.clear();
  placements.set(key, placement);
  return placement;
}

function occurrenceOf(start: Date, expansion: Expansion, timing: SeriesTiming): Occurrence {
  const end = new Date(start.getTime() + expansion.durationMs);
  const startAt = placed(start, expansion.startZone);
  const endAt = placed(end, expansion.endZone);
  const times = { originalStartMs: startAt.ms, startMs: startAt.ms, endMs: endAt.ms };
  if (expansion.allDay) {
    const day = DateTime.fromJSDate(start, { zone: 'UTC' });
    const endDay = DateTime.fromJSDate(end, { zone: 'UTC' }).toISODate() as string;
    return { ...times, idSuffix: day.toFormat('yyyyMMdd'), start: { ...timing.start, date: day.toISODate() as string }, end: { ...timing.end, date: endDay } };
  }
  return { ...times, idSuffix: startAt.utcBasic, start: { ...timing.start, dateTime: startAt.iso }, end: { ...timing.end, dateTime: endAt.iso } };
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
  parseRecurrence(timing);
}

/** The occurrences overlapping the range (ending after `fromMs`, starting before `toMs`), in order, at most `limit`. */
export function occurrences(timing: SeriesTiming, range: TimeRange, limit = MAX_INSTANCES_PER_SERIES): Occurrence[] {
  const expansion = expansionOf(timing);
  const inRange = (occurrence: Occurrence): boolean =>
    (range.fromMs === undefined || occurrence.endMs > range.fromMs) && (range.toMs === undefined || occurrence.startMs < range.toMs);
  const wallClockAt = (ms: number): number => wallClock(DateTime.fromMillis(ms, { zone: expansion.startZone })).getTime();
  const after = range.fromMs === undefined ? expansion.firstStart : new Date(wallClockAt(range.fromMs) - expansion.durationMs - ZONE_MARGIN_MS);
  const before = range.toMs === undefined ? LAST_WALL_CLOCK : new Date(wallClockAt(range.toMs) + ZONE_MARGIN_MS);
  const found = new Map<number, Occurrence>();
  const consider = (start: Date): boolean => {
    if (expansion.excludedDates.has(start.getTime())) return false;
    const occurrence = occurrenceOf(start, expansion, timing);
    if (!inRange(occurrence)) return false;
    found.set(start.getTime(), occurrence);
    return true;
  };
  for (const ruleWalk of expansion.walks) {
    // Each rule stops after enough occurrences in range; excluded ones do not count towards them.
    let counted = 0;
    walk(ruleWalk, after, before, (start) => {
      if (counted >= limit) return false;
      if (consider(start)) counted += 1;
      return true;
    });
  }
  for (const date of expansion.dates) if (date >= after && date <= before) consider(date);
  const ordered = [...found.keys()].sort((a, b) => a - b);
  const last = ordered[ordered.length - 1];
  if (last !== undefined) {
    for (const rule of expansion.exclusionRules) for (const excluded of rule.between(after, new Date(last), true)) found.delete(excluded.getTime());
  }
  return ordered
    .map((start) => found.get(start))
    .filter((occurrence): occurrence is Occurrence => occurrence !== undefined)
    .slice(0, limit);
}

/** The occurrence an instance id names by its suffix, if the recurrence has it. */
export function occurrenceNamed(timing: SeriesTiming, idSuffix: string): Occurrence | undefined {
  const named =
    timing.start.date !== undefined
      ? DateTime.fromFormat(idSuffix, 'yyyyMMdd', { zone: timing.start.timeZone ?? timing.calendarTimeZone })
      : DateTime.fromFormat(idSuffix, "yyyyMMdd'T'HHmmss'Z'", { zone: 'UTC' });
  if (!named.isValid) return undefined;
  const ms = named.toMillis();
  return occurrences(timing, { fromMs: ms, toMs: ms + 1 }).find((occurrence) => occurrence.idSuffix === idSuffix);
}
