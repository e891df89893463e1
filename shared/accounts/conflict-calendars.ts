// The host's choice of calendars that "check for conflicts" besides the default: which of their
// Google calendars make them busy. Any calendar in their list counts, whatever its access role: a
// calendar shared with them read-only (a partner's, a team's) makes them busy as much as their own.
// Bookings still go only into the default, which always counts and so is never in this list.
import type { CalendarListEntry } from '../google/calendar';
import { MAX_CONFLICT_CALENDARS } from '../store/subscribers';

/** A calendar to check for conflicts that is not in the host's calendar list. */
export class UnknownConflictCalendar extends Error {
  constructor(readonly calendarId: string) {
    super(`"${calendarId}" is not one of the host's calendars`);
    this.name = 'UnknownConflictCalendar';
  }
}

/** More calendars to check for conflicts than a host may have (each is a watch channel). */
export class TooManyConflictCalendars extends Error {
  constructor(readonly count: number) {
    super(`at most ${MAX_CONFLICT_CALENDARS} calendars can be checked for conflicts besides the default; ${count} were chosen`);
    this.name = 'TooManyConflictCalendars';
  }
}

/**
 * The list to save from what the host chose: the default left out (it always counts; a client
 * may send it), each calendar once, in the order chosen. Throws the errors above.
 */
export function chosenConflictCalendars(chosen: readonly string[], defaultCalendarId: string | undefined, calendars: readonly CalendarListEntry[]): string[] {
  const ids = [...new Set(chosen)].filter((id) => id !== defaultCalendarId);
  const unknown = ids.find((id) => !calendars.some((c) => c.id === id));
  if (unknown !== undefined) throw new UnknownConflictCalendar(unknown);
  if (ids.length > MAX_CONFLICT_CALENDARS) throw new TooManyConflictCalendars(ids.length);
  return ids;
}
