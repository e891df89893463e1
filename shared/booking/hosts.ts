// Creating or updating a host from a description (the ops command `host put FILE`, the local
// stack's demo host). The refresh token arrives in plain text and is sealed before it is stored.
import { z } from 'zod';
import { isReservedSlug } from '../accounts/slug';
import { googleSubject, MAX_CONFLICT_CALENDARS, scheduleSchema, type Subscriber, type SubscriberRepository } from '../store/subscribers';
import type { TokenCipher } from '../store/token-cipher';
import { ianaTimeZone } from '../time/time-zone';

export const hostFileSchema = z.object({
  id: z.string().regex(/^[A-Za-z0-9_-]{3,64}$/, 'must be 3-64 characters of A-Z, a-z, 0-9, _ and -'),
  name: z.string().min(1).max(200),
  email: z.email(),
  // An IANA name, stored canonical: luxon also takes a UTC offset ("+05:37") as a zone, with which
  // no slot lands on the 5-minute cells that hold booked time (every booking failed), and which
  // cannot follow daylight saving time.
  timezone: ianaTimeZone,
  google: z
    .object({
      accountEmail: z.email(),
      /** Plain refresh token; sealed with TOKEN_ENCRYPTION_KEY before it is stored. */
      refreshToken: z.string().min(1),
    })
    .nullable()
    .default(null),
  defaultCalendar: z.object({ provider: z.enum(['google', 'other']), calendarId: z.string().min(1) }).nullable().default(null),
  /**
   * The host's other Google calendars that make them busy ("check for conflicts"), besides the
   * default. Not checked against the account's calendar list here (no Google call): the scheduled
   * heal drops one Google says does not exist.
   */
  conflictCalendarIds: z
    .array(z.string().min(1))
    .max(MAX_CONFLICT_CALENDARS, `at most ${MAX_CONFLICT_CALENDARS} calendars can be checked for conflicts besides the default`)
    .refine((ids) => new Set(ids).size === ids.length, { error: 'a calendar is listed twice' })
    .default([]),
  schedule: scheduleSchema.refine((schedule) => !isReservedSlug(schedule.slug), { error: 'this name is a path of the booking function, not a booking link', path: ['slug'] }),
  /**
   * The `sub` of the host's Google account: the only way a Google sign-in reaches this host
   * (shared/accounts/identity.ts). Left out, the host keeps the one it has.
   */
  googleSubject: googleSubject.optional(),
}).refine((host) => host.defaultCalendar === null || !host.conflictCalendarIds.includes(host.defaultCalendar.calendarId), {
  error: 'the default calendar always counts: leave it out of the calendars checked for conflicts',
  path: ['conflictCalendarIds'],
});
export type HostFile = z.input<typeof hostFileSchema>;

/** The Google account the host is linked to, and its session, unless the file names another account. */
function linkKept(fileSubject: string | undefined, existing: Subscriber | undefined): Pick<Subscriber, 'googleSubject' | 'sessionVersion'> {
  const googleSubject = fileSubject ?? existing?.googleSubject;
  const sessionVersion = googleSubject === existing?.googleSubject ? existing?.sessionVersion : undefined;
  return { ...(googleSubject && { googleSubject }), ...(sessionVersion && { sessionVersion }) };
}

export async function putHost(deps: { subscribers: SubscriberRepository; cipher: TokenCipher; now: Date }, file: unknown): Promise<{ id: string; created: boolean }> {
  const host = hostFileSchema.parse(file);
  const existing = await deps.subscribers.get(host.id);
  const subscriber: Subscriber = {
    name: host.name,
    email: host.email,
    timezone: host.timezone,
    google: host.google
      ? { accountEmail: host.google.accountEmail, refreshToken: deps.cipher.encrypt(host.google.refreshToken), status: 'ok', connectedAt: deps.now }
      : null,
    defaultCalendar: host.defaultCalendar,
    conflictCalendarIds: host.conflictCalendarIds,
    schedule: host.schedule,
    ...linkKept(host.googleSubject, existing),
    createdAt: existing?.createdAt ?? deps.now,
    updatedAt: deps.now,
  };
  await deps.subscribers.put(host.id, subscriber);
  return { id: host.id, created: !existing };
}
