// A watched calendar Google says is gone (404: deleted, or no longer shared with the host's
// account). Its sync fails on every run and would stay in the reconcile's way forever, so after a
// failed sync the reconcile asks Google about the calendar itself: gone → its channels are stopped
// and forgotten, and the host is told once. Any other answer (Google down, a rate limit) is a
// failure like the sync's own, tried again next run. The heal, which watches a host's calendars
// again when they have no channel, meets the same 404 and does the same.
//
// A calendar checked for conflicts that is gone is dropped from the host's list, and the host is
// not mailed: there is nothing for them to do (no booking goes there, and its events can no longer
// make them busy), and the settings page no longer offers it. The default calendar stays the
// default, and the host is told once: until they choose another, bookings cannot go into it.
import type { ChannelService } from '../channels/channel-service';
import { CalendarNotFound } from '../google/errors';
import type { Logger } from '../log';
import type { Mailer } from '../mail/mailer';
import { hostCalendarGoneNotice } from '../mail/templates';
import { conflictCalendarIdsOf, type Subscriber, type SubscriberRepository } from '../store/subscribers';
import type { SyncDeps } from '../sync/sync-channel';

export interface GoneCalendarDeps {
  channels: Pick<ChannelService, 'stopWatching'>;
  subscribers: Pick<SubscriberRepository, 'get' | 'change'>;
  sync: Pick<SyncDeps, 'sessionFor'>;
  mailer: Pick<Mailer, 'send'>;
  now: () => Date;
  log: Logger;
}

/** The mail's dedupe key: the mailer claims it once, so the host hears of a calendar once. */
export function calendarGoneKey(subscriberId: string, calendarId: string): string {
  return `${subscriberId}:calendar-gone:${calendarId}`;
}

/** Returns whether Google said the calendar is gone (and it was healed). */
export async function healIfCalendarGone(deps: GoneCalendarDeps, subscriberId: string, calendarId: string): Promise<boolean> {
  const host = await deps.subscribers.get(subscriberId);
  const session = host ? deps.sync.sessionFor(subscriberId, host) : undefined;
  if (!host || !session) return false;
  // One page of one event: the cheapest read that names the calendar (404 when it is gone).
  const probe = session.events(calendarId, { pageSize: 1 });
  try {
    await probe.next();
    return false;
  } catch (error) {
    if (!(error instanceof CalendarNotFound)) return false;
  } finally {
    await probe.return(undefined);
  }
  deps.log.warn({ subscriberId, calendarId }, 'Google says the watched calendar is gone (404): its channels stopped, the host told');
  await calendarGone(deps, subscriberId, host, calendarId);
  return true;
}

/**
 * Google said the calendar is gone: its channels are stopped and forgotten. A conflict calendar
 * leaves the host's list (from the host as it is now: a settings save meanwhile is kept); for the
 * default the host is told (once: the heal meets it again on every pass while it stays the default).
 */
export async function calendarGone(deps: GoneCalendarDeps, subscriberId: string, host: Subscriber, calendarId: string): Promise<void> {
  await deps.channels.stopWatching(subscriberId, calendarId);
  if (!conflictCalendarIdsOf(host).includes(calendarId)) {
    await deps.mailer.send(hostCalendarGoneNotice(host, calendarId), calendarGoneKey(subscriberId, calendarId));
    return;
  }
  await deps.subscribers.change(subscriberId, (current) =>
    current.conflictCalendarIds?.includes(calendarId)
      ? { ...current, conflictCalendarIds: current.conflictCalendarIds.filter((id) => id !== calendarId), updatedAt: deps.now() }
      : current,
  );
  deps.log.info({ subscriberId, calendarId }, 'a calendar checked for conflicts is gone from Google: dropped from the host\'s list');
}
