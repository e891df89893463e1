// A host finishing Google's consent: create or update the subscriber with the sealed refresh
// token and, on first connect, make the primary calendar the default and watch it.
// Nothing is stored until Google has answered the calendar list: a grant that cannot read the
// calendars leaves no half-made host behind.
import { IANAZone } from 'luxon';
import { SlugTaken, type Schedule, type Subscriber } from '../store/subscribers';
import type { CalendarListEntry } from '../google/calendar';
import { watchDefaultCalendar, writableCalendars } from './default-calendar';
import type { AccountDeps } from './deps';
import { NoRefreshToken } from './errors';
import type { GoogleGrant, GoogleIdentity } from './google-sign-in';
import { slugBase, slugCandidates } from './slug';

const WORKDAY = [{ start: '09:00', end: '17:00' }];

/** What a new host offers until they change it: weekdays 09:00–17:00, 30-minute slots. */
export function defaultSchedule(slug: string): Schedule {
  return {
    slug,
    slotMinutes: 30,
    weekly: { monday: WORKDAY, tuesday: WORKDAY, wednesday: WORKDAY, thursday: WORKDAY, friday: WORKDAY },
    minNoticeHours: 24,
    maxDaysAhead: 14,
    autoConfirm: false,
  };
}

/** A new host gets its primary calendar's zone; Google's answer is checked, UTC if unusable. */
export function timezoneFrom(calendars: CalendarListEntry[]): string {
  const zone = calendars.find((c) => c.primary)?.timeZone;
  return zone && IANAZone.isValidZone(zone) ? zone : 'UTC';
}

/**
 * The default calendar after connecting: the one the host had, unless it is a Google calendar this
 * account cannot write to (another account's, connected before under another address); then, as
 * for a host with no default yet, the primary calendar.
 */
export function defaultAfterConnect(current: Subscriber['defaultCalendar'], calendars: CalendarListEntry[]): Subscriber['defaultCalendar'] {
  if (current && (current.provider !== 'google' || writableCalendars(calendars).some((c) => c.id === current.calendarId))) return current;
  const primary = calendars.find((c) => c.primary);
  return primary ? { provider: 'google', calendarId: primary.id } : null;
}

/** A new host's id from Google's stable user id: two callbacks racing for one account make one host. */
export function hostIdFor(identity: GoogleIdentity): string {
  return `g-${identity.subject}`;
}

/** Slug collisions are expected (two "jane"s); after this many tries something else is wrong. */
const SLUG_ATTEMPTS = 12;

async function findHost(deps: AccountDeps, identity: GoogleIdentity): Promise<{ id: string; subscriber: Subscriber } | undefined> {
  const byId = await deps.subscribers.get(hostIdFor(identity));
  if (byId) return { id: hostIdFor(identity), subscriber: byId };
  return (await deps.subscribers.findByGoogleAccount(identity.email)) ?? (await deps.subscribers.findByEmail(identity.email));
}

async function createHost(deps: AccountDeps, id: string, draft: Subscriber): Promise<Subscriber> {
  let attempts = 0;
  for (const slug of slugCandidates(draft.email)) {
    const host: Subscriber = { ...draft, schedule: { ...draft.schedule, slug } };
    try {
      await deps.subscribers.put(id, host);
      return host;
    } catch (error) {
      attempts += 1;
      if (!(error instanceof SlugTaken) || attempts >= SLUG_ATTEMPTS) throw error;
    }
  }
  throw new SlugTaken(draft.schedule.slug);
}

export interface Connected {
  subscriberId: string;
  host: Subscriber;
  created: boolean;
  /** Of this connection: what a session made for it carries. */
  connectedAt: Date;
}

/** A host as first made from a Google identity, before Google's calendar list is known. */
function newHost(identity: GoogleIdentity, google: Subscriber['google'], now: Date): Subscriber {
  return {
    name: identity.name ?? identity.email.split('@')[0] ?? identity.email,
    email: identity.email,
    timezone: 'UTC',
    google,
    defaultCalendar: null,
    schedule: defaultSchedule(slugBase(identity.email)),
    createdAt: now,
    updatedAt: now,
  };
}

export async function connectGoogle(deps: AccountDeps, grant: GoogleGrant): Promise<Connected> {
  if (!grant.refreshToken) throw new NoRefreshToken();
  const { identity } = grant;
  const now = deps.now();
  const found = await findHost(deps, identity);
  const google: Subscriber['google'] = {
    accountEmail: identity.email,
    refreshToken: deps.cipher.encrypt(grant.refreshToken),
    status: 'ok',
    connectedAt: now,
  };
  const asConnected: Subscriber = found ? { ...found.subscriber, google } : newHost(identity, google, now);
  const calendars = (await deps.calendars.sessionFor(found?.id ?? hostIdFor(identity), asConnected)?.calendarList()) ?? [];

  // An existing host is changed as it is now, so a settings save or an ops edit meanwhile is kept.
  // One deleted while Google was being asked is not brought back: a new host is made.
  const changed =
    found &&
    (await deps.subscribers.change(found.id, (current) => ({ ...current, google, defaultCalendar: defaultAfterConnect(current.defaultCalendar, calendars), updatedAt: now })));
  const subscriberId = changed ? found.id : hostIdFor(identity);
  const host =
    changed?.after ??
    (await createHost(deps, subscriberId, { ...newHost(identity, google, now), timezone: timezoneFrom(calendars), defaultCalendar: defaultAfterConnect(null, calendars) }));
  await watchDefaultCalendar(deps, subscriberId, host);
  deps.log.info({ subscriberId, created: !changed, defaultCalendar: host.defaultCalendar?.calendarId }, 'Google account connected');
  return { subscriberId, host, created: !changed, connectedAt: now };
}
