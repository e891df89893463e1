// Instances of recurring events ("Recurring events" guide). An instance is not stored: it is made
// from its series when read, with the id `{seriesId}_{original start}`, the series' iCalUID, a
// recurringEventId and an originalStartTime. Changing or deleting one stores an exception under the
// instance's id, which then stands in for it; the series' other instances follow the series.
import type { Calendar } from './calendars';
import type { StoredEvent } from './event-model';
import { occurrenceNamed, occurrences, type Occurrence, type SeriesTiming, type TimeRange } from './recurrence';

export type RecurringSeries = StoredEvent & { recurrence: string[] };

export function isSeries(event: StoredEvent): event is RecurringSeries {
  return event.recurrence !== undefined;
}

function timingOf(series: RecurringSeries, calendar: Calendar): SeriesTiming {
  return { start: series.start, end: series.end, recurrence: series.recurrence, calendarTimeZone: calendar.timeZone };
}

/** The instance as the series makes it: everything of the series but its id, times and recurrence. */
function instanceOf(series: RecurringSeries, occurrence: Occurrence): StoredEvent {
  const { recurrence: _recurrence, ...fields } = series;
  return {
    ...fields,
    id: `${series.id}_${occurrence.idSuffix}`,
    start: occurrence.start,
    end: occurrence.end,
    startMs: occurrence.startMs,
    endMs: occurrence.endMs,
    recurringEventId: series.id,
    originalStartTime: occurrence.start,
    originalStartMs: occurrence.originalStartMs,
  };
}

/**
 * The series' instances overlapping the range that no exception stands in for, at most
 * MAX_INSTANCES_PER_SERIES of them (see recurrence.ts).
 */
export function seriesInstances(calendar: Calendar, series: RecurringSeries, range: TimeRange): StoredEvent[] {
  return occurrences(timingOf(series, calendar), range)
    .map((occurrence) => instanceOf(series, occurrence))
    .filter((instance) => !calendar.events.has(instance.id));
}

/** Whether any occurrence of the series overlaps the range (an exception moved away still counts). */
export function seriesOverlaps(calendar: Calendar, series: RecurringSeries, range: TimeRange): boolean {
  return occurrences(timingOf(series, calendar), range, 1).length > 0;
}

/** An instance that is not stored (no exception), by its id; undefined when the id names none. */
export function unstoredInstance(calendar: Calendar, eventId: string): StoredEvent | undefined {
  const separator = eventId.indexOf('_');
  if (separator < 0) return undefined;
  const series = calendar.events.get(eventId.slice(0, separator));
  if (!series || !isSeries(series)) return undefined;
  const occurrence = occurrenceNamed(timingOf(series, calendar), eventId.slice(separator + 1));
  return occurrence ? instanceOf(series, occurrence) : undefined;
}

/** The stored exceptions of a series. */
export function exceptionsOf(calendar: Calendar, seriesId: string): StoredEvent[] {
  return [...calendar.events.values()].filter((event) => event.recurringEventId === seriesId);
}
