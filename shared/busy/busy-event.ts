// What one Google event, as a sync lists it (`singleEvents=false`, `showDeleted=true`:
// ../google/calendar.ts), does to its calendar's busy time. Pure: plain event in, a verdict out.
//
// - A series (with `recurrence`) blocks at its occurrences, less those an exception stands in for.
// - An exception (with `recurringEventId` and `originalStartTime`) takes its occurrence out of the
//   series, whatever it says, and blocks at its own time if it blocks at all. A cancelled
//   exception is a deleted instance: the occurrence goes and nothing comes in its place.
// - An event blocks unless it is cancelled, marked free (`transparency: transparent`, "does not
//   block time on the calendar", Events reference), or declined by the calendar's owner (the
//   attendee entry with `self: true`). Everything else blocks: other people's events, tentative
//   ones, all-day ones, our own booking events (kept, though availability counts the host's own
//   from their slots: ../store/busy-store.ts).
// - An all-day event blocks its whole days in the calendar's time zone (midnight to midnight; the
//   `date` fields carry no zone), as freeBusy reports them.
import { DateTime } from 'luxon';
import { originalStartKey, type SeriesTiming } from './series';

export interface EventTime {
  date?: string | null;
  dateTime?: string | null;
  timeZone?: string | null;
}

/** The fields of a Google event we read (a subset of calendar_v3.Schema$Event, nulls and all). */
export interface ListedEvent {
  id?: string | null;
  status?: string | null;
  transparency?: string | null;
  start?: EventTime | null;
  end?: EventTime | null;
  recurrence?: string[] | null;
  recurringEventId?: string | null;
  originalStartTime?: EventTime | null;
  attendees?: { self?: boolean | null; responseStatus?: string | null }[] | null;
}

export type NotBlockingReason = 'cancelled' | 'transparent' | 'declined' | 'no_time';

export type EventBusy =
  /** Blocks [start, end). */
  | { kind: 'single'; start: number; end: number }
  /** Blocks at each occurrence of the series (../busy/series.ts). */
  | { kind: 'series'; timing: SeriesTiming }
  | { kind: 'none'; reason: NotBlockingReason };

/** Null fields (the client's types allow them) read as absent. */
function timeOf(time: EventTime | null | undefined): { date?: string; dateTime?: string; timeZone?: string } | undefined {
  if (!time) return undefined;
  return { ...(time.date ? { date: time.date } : {}), ...(time.dateTime ? { dateTime: time.dateTime } : {}), ...(time.timeZone ? { timeZone: time.timeZone } : {}) };
}

/** Why the event does not block, or undefined if it does. */
export function notBlocking(event: ListedEvent): NotBlockingReason | undefined {
  if (event.status === 'cancelled') return 'cancelled';
  if (event.transparency === 'transparent') return 'transparent';
  if (event.attendees?.some((attendee) => attendee.self === true && attendee.responseStatus === 'declined')) return 'declined';
  return undefined;
}

/** An instant of an event time: an all-day date is its midnight in `calendarTimeZone` (or the time's own zone). */
export function instantOf(time: EventTime, calendarTimeZone: string): number | undefined {
  const parsed = time.dateTime
    ? DateTime.fromISO(time.dateTime, { zone: time.timeZone ?? 'UTC' })
    : time.date
      ? DateTime.fromISO(time.date, { zone: time.timeZone ?? calendarTimeZone })
      : undefined;
  return parsed?.isValid ? parsed.toMillis() : undefined;
}

export function eventBusy(event: ListedEvent, calendarTimeZone: string): EventBusy {
  const reason = notBlocking(event);
  if (reason) return { kind: 'none', reason };
  const start = timeOf(event.start);
  const end = timeOf(event.end);
  if (!start || !end) return { kind: 'none', reason: 'no_time' };
  if (event.recurrence && event.recurrence.length > 0) return { kind: 'series', timing: { start, end, recurrence: event.recurrence, calendarTimeZone } };
  const from = instantOf(start, calendarTimeZone);
  const to = instantOf(end, calendarTimeZone);
  if (from === undefined || to === undefined || to <= from) return { kind: 'none', reason: 'no_time' };
  return { kind: 'single', start: from, end: to };
}

/** For an exception: its series, and the key of the occurrence it stands in for. */
export function exceptionOf(event: ListedEvent): { seriesId: string; key: string } | undefined {
  if (!event.recurringEventId || !event.originalStartTime) return undefined;
  const key = originalStartKey(timeOf(event.originalStartTime) ?? {});
  return key ? { seriesId: event.recurringEventId, key } : undefined;
}
