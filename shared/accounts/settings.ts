// What a signed-in host sees and changes on the settings page: the default calendar (one of
// their writable Google calendars), the calendars checked for conflicts (any of their Google
// calendars, ./conflict-calendars), auto-confirm, and their schedule (hours, slot length, notice,
// buffers, the guest's change limit; not the slug, which is their booking link).
import type { CalendarListEntry } from '../google/calendar';
import type { Schedule, Subscriber } from '../store/subscribers';
import { chosenConflictCalendars } from './conflict-calendars';
import { calendarListOf, watchDefaultCalendar, writableCalendars } from './default-calendar';
import type { AccountDeps } from './deps';
import { NotConnected, NotSignedIn, UnknownCalendar } from './errors';
import { newSessionVersion, sessionIsCurrent, type HostSession } from './host-sessions';

/**
 * The host a session names, while the host still holds the session version it was made under:
 * signing out, disconnecting and signing in again end older sessions.
 */
export async function signedInHost(deps: Pick<AccountDeps, 'subscribers'>, session: HostSession): Promise<Subscriber> {
  const host = await deps.subscribers.get(session.subscriberId);
  if (!host || !sessionIsCurrent(host, session)) throw new NotSignedIn();
  return host;
}

/**
 * Ends the session, and any copy of its cookie, by replacing the host's session version. Since
 * every sign-in replaces it too, this is the host's only session: signing out is everywhere.
 */
export async function signOut(deps: Pick<AccountDeps, 'subscribers'>, session: HostSession): Promise<void> {
  await deps.subscribers.change(session.subscriberId, (current) => (sessionIsCurrent(current, session) ? { ...current, sessionVersion: newSessionVersion() } : current));
}

export interface HostSettings {
  host: Subscriber;
  /**
   * Every calendar in the host's list (any may be checked for conflicts; the writable ones may be
   * the default), or undefined when the connection does not work (reconnect offered).
   */
  calendars: CalendarListEntry[] | undefined;
}

export async function hostSettings(deps: AccountDeps, subscriberId: string, host: Subscriber): Promise<HostSettings> {
  try {
    return { host, calendars: await calendarListOf(deps, subscriberId, host) };
  } catch (error) {
    if (!(error instanceof NotConnected)) throw error;
    const current = (await deps.subscribers.get(subscriberId)) ?? host;
    return { host: current, calendars: undefined };
  }
}

/** The schedule as the settings page changes it: all of it but the slug (the booking link stays) and auto-confirm. */
export type ScheduleChange = Omit<Schedule, 'slug' | 'autoConfirm'>;

export interface SettingsChange {
  /** The new default calendar; undefined leaves it as it is (the choice is not offered while the connection does not work). */
  calendarId?: string;
  /**
   * The calendars to check for conflicts besides the default, all of them (none checked: empty);
   * undefined leaves them as they are (not offered while the connection does not work).
   */
  conflictCalendarIds?: string[];
  autoConfirm: boolean;
  /** Undefined leaves the schedule as it is. */
  schedule?: ScheduleChange;
}

/** The same Google connection a session or an earlier read was made for (a reconnect makes another). */
export function sameConnection(a: Subscriber, b: Subscriber): boolean {
  return a.google !== null && b.google !== null && a.google.connectedAt.getTime() === b.google.connectedAt.getTime();
}

/**
 * Saves the change; with a new default calendar or calendars to check for conflicts, first checks
 * them against the host's calendar list (the default among their writable calendars, the others
 * among all), and after saving watches each and stops the channels of the calendars no longer
 * watched. Without them, no Google call is made: a host whose connection does not work still
 * edits their schedule. The change is applied to the host as it is when saved: if the connection
 * it was made for has since ended (disconnected, reconnected, deleted) nothing is saved and the
 * session is over; a grant marked broken meanwhile stays broken. Throws UnknownCalendar, and the
 * errors of ./conflict-calendars.
 */
export async function updateSettings(deps: AccountDeps, subscriberId: string, host: Subscriber, change: SettingsChange): Promise<Subscriber> {
  const { calendarId } = change;
  const choosesCalendars = calendarId !== undefined || change.conflictCalendarIds !== undefined;
  const calendars = choosesCalendars ? await calendarListOf(deps, subscriberId, host) : [];
  if (calendarId !== undefined && !writableCalendars(calendars).some((c) => c.id === calendarId)) throw new UnknownCalendar(calendarId);
  const saved = await deps.subscribers.change(subscriberId, (current) => {
    if (!sameConnection(current, host)) throw new NotSignedIn();
    const defaultCalendar = calendarId === undefined ? current.defaultCalendar : { provider: 'google' as const, calendarId };
    const conflicts = change.conflictCalendarIds === undefined ? current.conflictCalendarIds : chosenConflictCalendars(change.conflictCalendarIds, defaultCalendar?.calendarId, calendars);
    return {
      ...current,
      defaultCalendar,
      // A new default checked for conflicts before stays checked only as the default.
      ...(conflicts !== undefined && { conflictCalendarIds: conflicts.filter((id) => id !== defaultCalendar?.calendarId) }),
      schedule: { ...current.schedule, ...change.schedule, slug: current.schedule.slug, autoConfirm: change.autoConfirm },
      updatedAt: deps.now(),
    };
  });
  if (!saved) throw new NotSignedIn();
  if (choosesCalendars) await watchDefaultCalendar(deps, subscriberId, saved.after);
  return saved.after;
}
