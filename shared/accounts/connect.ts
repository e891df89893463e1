// A Google account finishing consent. Which host it reaches is decided by its `sub` alone
// (./identity.ts); that host stores the sealed refresh token, remembers the sub, and starts a new
// session version (its older sessions end). A new host makes its primary calendar the default and
// watches it. Nothing is stored until Google has answered the calendar list: a grant that cannot
// read the calendars leaves no half-made host behind.
import { randomBytes } from 'node:crypto';
import type { CalendarListEntry } from '../google/calendar';
import { GoogleAccountTaken, HostExists, SlugTaken, type Schedule, type Subscriber } from '../store/subscribers';
import { canonicalTimeZone } from '../time/time-zone';
import { watchDefaultCalendar, writableCalendars } from './default-calendar';
import type { AccountDeps } from './deps';
import { ConnectRaced, GoogleAccountInUse, LinkSessionEnded, NoRefreshToken } from './errors';
import type { GoogleGrant, GoogleIdentity } from './google-sign-in';
import { newSessionVersion, sessionIsCurrent, type HostSession } from './host-sessions';
import { belongsTo, decideConnection, hostIdFor } from './identity';
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
    bufferBeforeMinutes: 0,
    bufferAfterMinutes: 0,
    guestChangeLimitHours: 2,
  };
}

/** A new host gets its primary calendar's zone; Google's answer is checked (an IANA name, made canonical), UTC if unusable. */
export function timezoneFrom(calendars: CalendarListEntry[]): string {
  const zone = calendars.find((c) => c.primary)?.timeZone;
  return (zone && canonicalTimeZone(zone)) || 'UTC';
}

/**
 * The default calendar after connecting: the one the host had, unless it is a Google calendar this
 * account cannot write to (another account's, connected before); then, as for a host with no
 * default yet, the primary calendar.
 */
export function defaultAfterConnect(current: Subscriber['defaultCalendar'], calendars: CalendarListEntry[]): Subscriber['defaultCalendar'] {
  if (current && (current.provider !== 'google' || writableCalendars(calendars).some((c) => c.id === current.calendarId))) return current;
  const primary = calendars.find((c) => c.primary);
  return primary ? { provider: 'google', calendarId: primary.id } : null;
}

/** Slug collisions are expected (two "jane"s); after this many tries something else is wrong. */
const SLUG_ATTEMPTS = 12;

type Found = { id: string; subscriber: Subscriber };

/** The host this Google account belongs to, if any, and the id a new host of it gets. */
async function accountHost(deps: AccountDeps, subject: string): Promise<{ found?: Found; newId: string }> {
  const id = hostIdFor(subject);
  const linked = await deps.subscribers.findByGoogleSubject(subject);
  if (linked) return { found: linked, newId: id };
  const early = await deps.subscribers.get(id);
  if (!early) return { newId: id };
  if (belongsTo(id, early, subject)) return { found: { id, subscriber: early }, newId: id };
  // The host once made for this account has since linked another one: it keeps its id.
  return { newId: `${id}-${randomBytes(3).toString('hex')}` };
}

/** What every connect writes on the host it reaches. */
type Connection = Pick<Subscriber, 'googleSubject' | 'google' | 'updatedAt'> & { sessionVersion: string };

async function calendarsOf(deps: AccountDeps, subscriberId: string, host: Subscriber): Promise<CalendarListEntry[]> {
  return (await deps.calendars.sessionFor(subscriberId, host)?.calendarList()) ?? [];
}

async function createHost(deps: AccountDeps, id: string, draft: Subscriber): Promise<Subscriber> {
  let attempts = 0;
  for (const slug of slugCandidates(draft.email)) {
    const host: Subscriber = { ...draft, schedule: { ...draft.schedule, slug } };
    try {
      await deps.subscribers.create(id, host);
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
  connectedAt: Date;
  /** The host's new session version: what a session made for this connect carries. */
  sessionVersion: string;
}

/** A host as first made from a Google identity, before Google's calendar list is known. */
function newHost(identity: GoogleIdentity, connection: Connection): Subscriber {
  return {
    name: identity.name ?? identity.email.split('@')[0] ?? identity.email,
    email: identity.email,
    timezone: 'UTC',
    ...connection,
    defaultCalendar: null,
    schedule: defaultSchedule(slugBase(identity.email)),
    createdAt: connection.updatedAt,
  };
}

async function connectNew(deps: AccountDeps, id: string, identity: GoogleIdentity, connection: Connection, listed?: CalendarListEntry[]): Promise<Connected> {
  const draft = newHost(identity, connection);
  const calendars = listed ?? (await calendarsOf(deps, id, draft));
  const host = await createHost(deps, id, { ...draft, timezone: timezoneFrom(calendars), defaultCalendar: defaultAfterConnect(null, calendars) });
  await watchDefaultCalendar(deps, id, host);
  deps.log.info({ subscriberId: id, created: true, defaultCalendar: host.defaultCalendar?.calendarId }, 'Google account connected');
  return { subscriberId: id, host, created: true, connectedAt: connection.updatedAt, sessionVersion: connection.sessionVersion };
}

async function connectOnce(deps: AccountDeps, identity: GoogleIdentity, refreshToken: string, linking: HostSession | undefined): Promise<Connected> {
  const { found, newId } = await accountHost(deps, identity.subject);
  const decision = decideConnection(found?.id, linking?.subscriberId);
  if (decision.kind === 'refuse') throw new GoogleAccountInUse(decision.ownerId);
  const now = deps.now();
  const connection: Connection = {
    googleSubject: identity.subject,
    google: { accountEmail: identity.email, refreshToken: deps.cipher.encrypt(refreshToken), status: 'ok', connectedAt: now },
    sessionVersion: newSessionVersion(),
    updatedAt: now,
  };
  if (decision.kind === 'create') return connectNew(deps, newId, identity, connection);

  const id = decision.subscriberId;
  const host = found?.id === id ? found.subscriber : await deps.subscribers.get(id);
  if (!host) throw new LinkSessionEnded();
  const calendars = await calendarsOf(deps, id, { ...host, google: connection.google });
  // The host is changed as it is now, so a settings save or an ops edit meanwhile is kept; it must
  // still be this account's (reconnect) or still signed in to the session that asked (link).
  const changed = await deps.subscribers.change(id, (current) => {
    if (decision.kind === 'link' && !(linking && sessionIsCurrent(current, linking))) throw new LinkSessionEnded();
    if (decision.kind === 'reconnect' && !belongsTo(id, current, identity.subject)) throw new ConnectRaced(id);
    return { ...current, ...connection, defaultCalendar: defaultAfterConnect(current.defaultCalendar, calendars) };
  });
  if (!changed) {
    // Deleted while Google was being asked: a link's session is over; a sign-in makes a new host
    // rather than bringing the old one back.
    if (decision.kind === 'link') throw new LinkSessionEnded();
    return connectNew(deps, newId, identity, connection, calendars);
  }
  await watchDefaultCalendar(deps, id, changed.after);
  deps.log.info({ subscriberId: id, created: false, linked: decision.kind === 'link', defaultCalendar: changed.after.defaultCalendar?.calendarId }, 'Google account connected');
  return { subscriberId: id, host: changed.after, created: false, connectedAt: now, sessionVersion: connection.sessionVersion };
}

/**
 * Connects the Google account of `grant`: a sign-in (no `linking`), or a link asked for by the
 * signed-in host of `linking`. Throws GoogleAccountInUse when a link asks for another host's
 * account, LinkSessionEnded when the asking session is over.
 */
export async function connectGoogle(deps: AccountDeps, grant: GoogleGrant, linking?: HostSession): Promise<Connected> {
  const refreshToken = grant.refreshToken;
  if (!refreshToken) throw new NoRefreshToken();
  try {
    return await connectOnce(deps, grant.identity, refreshToken, linking);
  } catch (error) {
    // Another sign-in or link of this account or host got there first (two browsers at once):
    // decide again from what it made, once.
    if (!(error instanceof ConnectRaced || error instanceof HostExists || error instanceof GoogleAccountTaken)) throw error;
    return connectOnce(deps, grant.identity, refreshToken, linking);
  }
}
