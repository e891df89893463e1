// Which calendar a host's bookings go to, and the Google session to reach it.
import type { CalendarSession } from '../google/calendar';
import type { Subscriber } from '../store/subscribers';

export interface HostCalendars {
  /** The Google session of a host's connection (refresh token unsealed), or undefined if none. */
  sessionFor(subscriberId: string, host: Subscriber): CalendarSession | undefined;
}

export type CalendarTarget =
  /** The default calendar is a connected Google calendar. */
  | { kind: 'google'; calendarId: string; session: CalendarSession }
  /** The default calendar is Google, but the connection is broken: nothing can be read or written. */
  | { kind: 'google_broken'; calendarId: string }
  /** No Google calendar: bookings live in our mail (.ics) only. */
  | { kind: 'none' };

export function calendarTarget(calendars: HostCalendars, subscriberId: string, host: Subscriber): CalendarTarget {
  const calendar = host.defaultCalendar;
  if (!calendar || calendar.provider !== 'google') return { kind: 'none' };
  const session = host.google?.status === 'ok' ? calendars.sessionFor(subscriberId, host) : undefined;
  return session ? { kind: 'google', calendarId: calendar.calendarId, session } : { kind: 'google_broken', calendarId: calendar.calendarId };
}
