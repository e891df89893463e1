// When a calendar's stored busy time may stand in for Google's freeBusy: only while we can show
// that every change in Google has reached it. Push alone proves nothing (Google drops some
// messages), so the proof is the channel being alive and a complete sync having run lately; the
// scheduled run's reconciliation syncs every watched calendar, which bounds how late a lost push
// is caught. Pure: the watch and channel as read, a verdict with its reason.
import type { Channel } from '../channels/channels';
import type { Watch } from '../channels/watches';

/**
 * How often the scheduled run (renewal + reconciliation) starts: infra/deploy/renewal-job.ts
 * SCHEDULE, "7 * * * *". Its reconcile syncs every watched calendar not synced within the
 * reconcile interval (shared/config.ts RECONCILE_INTERVAL_MINUTES, default 0: every one).
 */
export const SCHEDULED_RUN_PERIOD_MS = 60 * 60_000;
/** A run may take its whole budget (RENEWAL_BUDGET_SECONDS ≤ 1700 s) and the scheduler may be late. */
export const SYNC_MARGIN_MS = 30 * 60_000;
/** A channel this close to expiry has missed its renewal (due 48 h before): its pushes may stop any moment. */
export const EXPIRY_MARGIN_MS = 2 * 60 * 60_000;

export interface TrustPolicy {
  /** Stored data older than this (since its last complete sync) is not trusted. */
  staleAfterMs: number;
}

export function trustPolicy(reconcileIntervalMs: number): TrustPolicy {
  return { staleAfterMs: SCHEDULED_RUN_PERIOD_MS + reconcileIntervalMs + SYNC_MARGIN_MS };
}

export type DistrustReason =
  /** No watch, or the calendar is not watched now. */
  | 'not_watched'
  /** The watch names no channel we know, or it is not active yet. */
  | 'no_channel'
  | 'channel_expiring'
  /** Never built, or being rebuilt (a full resync). */
  | 'not_built'
  | 'stale'
  /** The last sync failed (errorCount > 0): changes may be waiting. */
  | 'failing'
  /** Marked to sync again and nobody is syncing it: a sync ran out of time or failed. */
  | 'left_dirty'
  /** The asked range reaches outside the days kept. */
  | 'not_covered';

export type BusyTrust = { trusted: true } | { trusted: false; reason: DistrustReason };

export interface TrustInput {
  watch: Pick<Watch, 'watched' | 'channelId' | 'errorCount' | 'dirty' | 'lease' | 'busyCoveredFrom' | 'busyCoveredUntil' | 'busyCompleteAt'> | undefined;
  channel: Pick<Channel, 'state' | 'expiration'> | undefined;
  range: { start: Date; end: Date };
  now: Date;
}

export function trustBusyData({ watch, channel, range, now }: TrustInput, policy: TrustPolicy): BusyTrust {
  const distrust = (reason: DistrustReason): BusyTrust => ({ trusted: false, reason });
  if (!watch?.watched || !watch.channelId) return distrust('not_watched');
  if (!channel || channel.state !== 'active') return distrust('no_channel');
  if (!channel.expiration || channel.expiration.getTime() - now.getTime() < EXPIRY_MARGIN_MS) return distrust('channel_expiring');
  if (!watch.busyCoveredFrom || !watch.busyCoveredUntil || !watch.busyCompleteAt) return distrust('not_built');
  if (now.getTime() - watch.busyCompleteAt.getTime() > policy.staleAfterMs) return distrust('stale');
  if (watch.errorCount > 0) return distrust('failing');
  if (watch.dirty && (!watch.lease || watch.lease.until <= now)) return distrust('left_dirty');
  if (range.start < watch.busyCoveredFrom || range.end > watch.busyCoveredUntil) return distrust('not_covered');
  return { trusted: true };
}
