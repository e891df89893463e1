// `googleCalendarChannels/{channelId}`: one Google watch channel on a host's calendar, and the
// state of keeping that calendar in sync (the sync token, the lease that lets one sync run at a
// time, the dirty mark that makes the lease holder run once more).
// `googleCalendarWatches/{key}` points, per (host, calendar), at the channel that should be live:
// asking twice for the same (host, calendar) finds it instead of watching twice.
import { createHash } from 'node:crypto';
import { z } from 'zod';

export const channelSchema = z.object({
  subscriberId: z.string().min(1),
  calendarId: z.string().min(1),
  /** `pending` from before events.watch is called until its answer is recorded. */
  state: z.enum(['pending', 'active']),
  /** Known once Google answered the watch (or told us in the channel's first `sync` message). */
  resourceId: z.string().nullable(),
  resourceUri: z.string().nullable(),
  expiration: z.date().nullable(),
  /** SHA-256 of the channel's random token: a copy of the database cannot forge pushes. */
  tokenHash: z.string().length(64),
  /** The watermark: changes up to here are applied. Null until the first sync token is taken. */
  syncToken: z.string().nullable(),
  /** Highest X-Goog-Message-Number seen: for monitoring and dedupe only, never as a watermark. */
  lastMessageNumber: z.number().int(),
  lease: z.object({ holder: z.string(), until: z.date() }).nullable(),
  /** A notification came while the lease was held: the holder syncs once more before releasing. */
  dirty: z.boolean(),
  errorCount: z.number().int(),
  /**
   * When the last successful sync began listing changes: every change made before it is applied.
   * The reconcile syncs channels whose mark is older than its cutoff. (Not when the sync ended:
   * a change made while a sync applied its list is not in that list.)
   */
  lastSyncedAt: z.date().nullable(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type Channel = z.infer<typeof channelSchema>;

export const watchSchema = z.object({
  subscriberId: z.string(),
  calendarId: z.string(),
  channelId: z.string(),
  updatedAt: z.date(),
});
export type Watch = z.infer<typeof watchSchema>;

/** The document id of the (host, calendar) pointer; calendar ids may contain '/'-free but odd characters. */
export function watchKey(subscriberId: string, calendarId: string): string {
  return `${subscriberId}_${createHash('sha256').update(calendarId).digest('hex').slice(0, 32)}`;
}

/**
 * Whether `id` could be a channel id of ours: `newChannelId` (./channel-service) makes "ch-" and 24
 * random bytes in base64url, and never made anything else. Google lets a channel id be up to 64
 * characters of [A-Za-z0-9-_/+=]; anything outside ours (`a/b`, `.`, `__x__`, some of them not even
 * Firestore document ids) is no channel of ours and needs no lookup.
 */
export function isOurChannelId(id: string): boolean {
  return /^ch-[A-Za-z0-9_-]{32}$/.test(id);
}

export function hashChannelToken(token: string): string {
  return createHash('sha256').update(token).digest('hex');
}
