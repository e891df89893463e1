// A host leaving: disconnecting Google, or deleting the host altogether (also for an ops command).
//
// Disconnecting sets `google: null` rather than status 'broken': 'broken' means "we lost the
// grant, bookings into Google wait for a reconnect" (booking answers 503 for it), whereas a host
// who disconnects has chosen to leave Google. With `google: null` and the Google default cleared,
// their booking page keeps working through the .ics flow. The stale sealed token is not kept:
// after revocation it is worthless, and if revocation failed it is better not held at all.
// The Google account's sub stays: connecting it again reaches this host. Its sessions end.
import type { Subscriber } from '../store/subscribers';
import type { AccountDeps, GrantRevoker } from './deps';
import { newSessionVersion } from './host-sessions';

/** Best effort: a grant left at Google is harmless to the host once we hold no token for it. */
async function revokeGrant(deps: AccountDeps & { google: GrantRevoker }, subscriberId: string, host: Subscriber): Promise<void> {
  if (!host.google) return;
  try {
    await deps.google.revoke(deps.cipher.decrypt(host.google.refreshToken));
  } catch (error) {
    deps.log.warn({ err: error, subscriberId }, 'revoking the Google grant failed; the stored token is dropped anyway');
  }
}

/**
 * Stops the host's channels, the default calendar's and those checked for conflicts (while the
 * token still works), forgets the connection and the calendars chosen in it, revokes it.
 */
export async function disconnectHost(deps: AccountDeps & { google: GrantRevoker }, subscriberId: string): Promise<void> {
  if (!(await deps.subscribers.get(subscriberId))) return;
  await deps.channels.stopWatching(subscriberId);
  const changed = await deps.subscribers.change(subscriberId, (current) => ({
    ...current,
    google: null,
    defaultCalendar: current.defaultCalendar?.provider === 'google' ? null : current.defaultCalendar,
    // Calendars of the Google account left: a connection made later may be another account's.
    conflictCalendarIds: [],
    sessionVersion: newSessionVersion(),
    updatedAt: deps.now(),
  }));
  if (!changed) return;
  // The grant revoked is the one just forgotten, even if a reconnect replaced it meanwhile.
  await revokeGrant(deps, subscriberId, changed.before);
  deps.log.info({ subscriberId }, 'Google account disconnected');
}

/** Stops the host's channels at Google, revokes the grant, then deletes the subscriber. */
export async function deleteHost(deps: AccountDeps & { google: GrantRevoker }, subscriberId: string): Promise<boolean> {
  const host = await deps.subscribers.get(subscriberId);
  if (!host) return false;
  await deps.channels.stopWatching(subscriberId);
  await revokeGrant(deps, subscriberId, host);
  await deps.subscribers.delete(subscriberId);
  deps.log.info({ subscriberId }, 'host deleted');
  return true;
}
