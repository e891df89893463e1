// What the scheduled run does with each channel and host: plain data in, a verdict out, so the
// rules can be read and tested as a table and the run (./run-upkeep) only does the I/O.
import type { Channel } from '../channels/channels';
import type { Watch } from '../channels/watches';
import { busyCalendarIdsOf, type Subscriber } from '../store/subscribers';
import type { HealCursor } from './upkeep-state';

/** A pending channel younger than this is a watch in progress (ensureChannel's own grace). */
export const PENDING_GRACE_MS = 2 * 60_000;
/**
 * Google documents no maximum lifetime and we ask for 30 days (channel-service); a pending
 * channel whose resource id never reached us is certainly expired at Google after this.
 */
export const LONGEST_CHANNEL_LIFE_MS = 31 * 24 * 60 * 60_000;

/**
 * The calendars a host's channels should watch, with a working grant: the default Google calendar
 * and every calendar checked for conflicts (none without a Google default: the conflicts only
 * count beside it).
 */
export function watchedCalendarsOf(host: Subscriber | undefined): string[] {
  if (!host || host.google?.status !== 'ok') return [];
  return busyCalendarIdsOf(host);
}

/** An active channel whose expiration falls inside the window (or has passed). */
export function needsRenewal(channel: Pick<Channel, 'state' | 'expiration'>, now: Date, windowMs: number): boolean {
  return channel.state === 'active' && channel.expiration !== null && channel.expiration.getTime() - now.getTime() <= windowMs;
}

/**
 * A watched calendar not synced within the interval (a push may have been lost), never synced, or
 * left dirty by a sync that ran out of time or failed and whose lease has run out.
 */
export function needsReconcile(watch: Pick<Watch, 'watched' | 'lastSyncedAt' | 'dirty' | 'lease'>, now: Date, intervalMs: number): boolean {
  if (!watch.watched) return false;
  if (watch.lastSyncedAt === null || now.getTime() - watch.lastSyncedAt.getTime() >= intervalMs) return true;
  return watch.dirty && (watch.lease === null || watch.lease.until <= now);
}

export type ChannelVerdict =
  /** Tracked and wanted (or a watch still in progress). */
  | { kind: 'keep' }
  /** Stop it at Google and forget it. */
  | { kind: 'stop'; reason: 'host_gone' | 'not_watched' | 'superseded' | 'stale_pending' | 'expired' }
  /** Nothing to stop at Google (its resource id never reached us and it has expired there): forget it. */
  | { kind: 'forget'; reason: 'stale_pending' };

/**
 * The heal's verdict on one channel document. `current` is the channel id the (host, calendar)
 * pointer names. A channel is wanted only if its host still watches that calendar (the default or
 * one checked for conflicts) and it is the current one; a leftover of an interrupted renewal,
 * change of default or unchecked calendar is stopped.
 */
export function channelVerdict(channelId: string, channel: Channel, host: Subscriber | undefined, current: string | undefined, now: Date): ChannelVerdict {
  const age = now.getTime() - channel.createdAt.getTime();
  if (channel.state === 'pending') {
    if (age < PENDING_GRACE_MS) return { kind: 'keep' };
    // A watch whose caller died, or failed without a clear answer (Google may have made it): stop
    // it once Google told us its resource id (its `sync` message); until then it cannot be
    // stopped, so it stays tracked (its pushes reach a known channel) until it has surely expired.
    if (channel.resourceId !== null) return { kind: 'stop', reason: 'stale_pending' };
    return age >= LONGEST_CHANNEL_LIFE_MS ? { kind: 'forget', reason: 'stale_pending' } : { kind: 'keep' };
  }
  if (!host) return { kind: 'stop', reason: 'host_gone' };
  if (!watchedCalendarsOf(host).includes(channel.calendarId)) return { kind: 'stop', reason: 'not_watched' };
  if (current !== channelId) {
    // Recorded by a renewal that is switching the pointer right now: give it the same grace.
    return now.getTime() - channel.updatedAt.getTime() < PENDING_GRACE_MS ? { kind: 'keep' } : { kind: 'stop', reason: 'superseded' };
  }
  if (channel.expiration !== null && channel.expiration <= now) return { kind: 'stop', reason: 'expired' };
  return { kind: 'keep' };
}

/**
 * Whether this run walks the heal (./heal): always when a cycle is under way (a run out of time
 * resumes it), and a new cycle once the last one began `intervalMs` ago (0: every run). The walk
 * reads every host and channel: at 100,000 hosts, every hour, it was most of a run's reads.
 */
export function healDue(cursor: HealCursor, now: Date, intervalMs: number): boolean {
  const atStart = cursor.phase === 'hosts' && cursor.after === null;
  if (!atStart || !cursor.cycleStartedAt) return true;
  return now.getTime() - cursor.cycleStartedAt.getTime() >= intervalMs;
}
