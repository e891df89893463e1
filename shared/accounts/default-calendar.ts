// Channels live and die with the calendars that make a host busy (DESIGN §4): with a working
// connection, the default Google calendar and every calendar checked for conflicts have a live
// channel; every other calendar of the host has none. Reconciling to that state, rather than
// stopping "the previous default" or "the unchecked ones", also finishes a change whose last step
// failed: running it again stops what the failed run left behind.
import type { CalendarListEntry, CalendarSession } from '../google/calendar';
import { ConnectionRevoked } from '../google/errors';
import type { Subscriber } from '../store/subscribers';
import { watchedCalendarsOf } from '../upkeep/decisions';
import type { AccountDeps } from './deps';
import { NotConnected } from './errors';

/** Calendars events can be written to: the only sensible defaults for bookings. */
export function writableCalendars(calendars: CalendarListEntry[]): CalendarListEntry[] {
  return calendars.filter((c) => c.accessRole === 'owner' || c.accessRole === 'writer');
}

/**
 * Watches the host's default calendar and the calendars checked for conflicts, and stops the
 * channels of any other calendar. A conflict calendar that cannot be watched now is left to the
 * scheduled heal (which tries again, or drops it if Google says it is gone): the change that asked
 * for it is saved, and the default's watch and the stopping of the others still happen.
 */
export async function watchDefaultCalendar(deps: Pick<AccountDeps, 'channels'> & Partial<Pick<AccountDeps, 'log'>>, subscriberId: string, host: Subscriber): Promise<void> {
  const [booking, ...conflicts] = watchedCalendarsOf(host);
  if (booking) await deps.channels.ensureChannel(subscriberId, host, booking);
  for (const calendarId of conflicts) {
    try {
      await deps.channels.ensureChannel(subscriberId, host, calendarId);
    } catch (error) {
      if (error instanceof ConnectionRevoked) throw error;
      deps.log?.warn({ err: error, subscriberId, calendarId }, 'could not watch a calendar checked for conflicts; the scheduled heal tries again');
    }
  }
  const watched = [booking, ...conflicts];
  const others = new Set((await deps.channels.channels.ofHost(subscriberId)).map((c) => c.channel.calendarId).filter((id) => !watched.includes(id)));
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
