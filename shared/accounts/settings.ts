// What a signed-in host sees and changes on the settings page: the default calendar (one of
// their writable Google calendars), auto-confirm, and their schedule (hours, slot length, notice,
// buffers, the guest's change limit; not the slug, which is their booking link).
import type { CalendarListEntry } from '../google/calendar';
import type { Schedule, Subscriber } from '../store/subscribers';
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
  /** Writable calendars, or undefined when the connection does not work (reconnect offered). */
  calendars: CalendarListEntry[] | undefined;
}

export async function hostSettings(deps: AccountDeps, subscriberId: string, host: Subscriber): Promise<HostSettings> {
  try {
    return { host, calendars: writableCalendars(await calendarListOf(deps, subscriberId, host)) };
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
  autoConfirm: boolean;
  /** Undefined leaves the schedule as it is. */
  schedule?: ScheduleChange;
}

/** The same Google connection a session or an earlier read was made for (a reconnect makes another). */
export function sameConnection(a: Subscriber, b: Subscriber): boolean {
  return a.google !== null && b.google !== null && a.google.connectedAt.getTime() === b.google.connectedAt.getTime();
}

/**
 * Saves the change; with a new default calendar, first checks it is one of the host's writable
 * calendars, and after saving watches it and stops the channel of the old one. Without one, no
 * Google call is made: a host whose connection does not work still edits their schedule. The
 * change is applied to the host as it is when saved: if the connection it was made for has since
 * ended (disconnected, reconnected, deleted) nothing is saved and the session is over; a grant
 * marked broken meanwhile stays broken.
 */
export async function updateSettings(deps: AccountDeps, subscriberId: string, host: Subscriber, change: SettingsChange): Promise<Subscriber> {
  const { calendarId } = change;
  if (calendarId !== undefined) {
    const calendars = writableCalendars(await calendarListOf(deps, subscriberId, host));
    if (!calendars.some((c) => c.id === calendarId)) throw new UnknownCalendar(calendarId);
  }
  const saved = await deps.subscribers.change(subscriberId, (current) => {
    if (!sameConnection(current, host)) throw new NotSignedIn();
    return {
      ...current,
      defaultCalendar: calendarId === undefined ? current.defaultCalendar : { provider: 'google', calendarId },
      schedule: { ...current.schedule, ...change.schedule, slug: current.schedule.slug, autoConfirm: change.autoConfirm },
      updatedAt: deps.now(),
    };
  });
  if (!saved) throw new NotSignedIn();
  if (calendarId !== undefined) await watchDefaultCalendar(deps, subscriberId, saved.after);
  return saved.after;
}
