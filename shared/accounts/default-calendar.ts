// Channels live and die with the default calendar (DESIGN §4): the default Google calendar of a
// working connection has a live channel, every other calendar of the host has none. Reconciling
// to that state, rather than stopping "the previous default", also finishes a change whose last
// step failed: running it again stops what the failed run left behind.
import type { CalendarListEntry, CalendarSession } from '../google/calendar';
import { ConnectionRevoked } from '../google/errors';
import type { Subscriber } from '../store/subscribers';
import type { AccountDeps } from './deps';
import { NotConnected } from './errors';

/** Calendars events can be written to: the only sensible defaults for bookings. */
export function writableCalendars(calendars: CalendarListEntry[]): CalendarListEntry[] {
  return calendars.filter((c) => c.accessRole === 'owner' || c.accessRole === 'writer');
}

export async function watchDefaultCalendar(deps: Pick<AccountDeps, 'channels'>, subscriberId: string, host: Subscriber): Promise<void> {
  const watched = host.defaultCalendar?.provider === 'google' && host.google?.status === 'ok' ? host.defaultCalendar.calendarId : undefined;
  if (watched) await deps.channels.ensureChannel(subscriberId, host, watched);
  const others = new Set((await deps.channels.channels.ofHost(subscriberId)).map((c) => c.channel.calendarId).filter((id) => id !== watched));
  for (const calendarId of others) await deps.channels.stopWatching(subscriberId, calendarId);
}

/**
 * The host's calendar list through their connection. A revoked grant is recorded as it is by the
 * sync (connection broken, channels stopped) and surfaces as NotConnected.
 */
export async function calendarListOf(deps: AccountDeps, subscriberId: string, host: Subscriber): Promise<CalendarListEntry[]> {
  const session: CalendarSession | undefined = host.google?.status === 'ok' ? deps.calendars.sessionFor(subscriberId, host) : undefined;
  if (!session) throw new NotConnected(subscriberId);
  try {
    return await session.calendarList();
  } catch (error) {
    if (!(error instanceof ConnectionRevoked)) throw error;
    deps.log.warn({ subscriberId }, 'Google connection revoked (invalid_grant) while listing calendars: marked broken');
    await deps.subscribers.markGoogleBroken(subscriberId, deps.now());
    await deps.channels.stopWatching(subscriberId);
    throw new NotConnected(subscriberId);
  }
}
