// `googleCalendarChannels/{channelId}`: one Google watch channel on a host's calendar: what proves
// a push is ours (token hash, resource id) and when it expires. Keeping the calendar in sync (the
// sync token, the lease, the dirty mark) is the calendar's, not the channel's: it lives on the
// calendar's watch (./watches), shared by every channel of it.
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
  /** Highest X-Goog-Message-Number seen: for monitoring and dedupe only, never as a watermark. */
  lastMessageNumber: z.number().int(),
  createdAt: z.date(),
  updatedAt: z.date(),
});
export type Channel = z.infer<typeof channelSchema>;

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
