// What the identity and session tests do over and over: Google accounts in the emulator, a host
// signing in through the consent screen as a browser would, a guest's booking, and what of a host
// must stay as it was (its document, its channel, its bookings).
import { services } from '../../../functions/services';
import { watchDefaultCalendar } from '../../../shared/accounts/default-calendar';
import { createLogger } from '../../../shared/log';
import { book, freeSlot } from '../../support/booking-client';
import type { TestSystem } from '../../support/system';
import { Visitor } from './visitor';

export interface GoogleAccount {
  email: string;
  /** Google's user id: the `sub` of the account's id_tokens. */
  subject: string;
  refreshToken: string;
  calendarId: string;
}

/** The emulator's account with this address (made if missing), with a fresh refresh token. */
export function googleAccount(sys: TestSystem, email: string, name?: string): Promise<GoogleAccount> {
  return sys.control<GoogleAccount>('/accounts', { email, ...(name ? { name } : {}) });
}

export function accountsUrl(sys: TestSystem, path: string): string {
  return `${sys.functionsUrl}/accounts${path}`;
}

/** Signs in through Google's consent screen as `email`; the visitor ends on the settings page. */
export async function signIn(sys: TestSystem, visitor: Visitor, email: string): Promise<string> {
  const { res } = await visitor.follow(accountsUrl(sys, `/google/connect?login_hint=${encodeURIComponent(email)}`));
  if (res.status !== 200) throw new Error(`signing in as ${email} ended with ${res.status}: ${await res.text()}`);
  return res.text();
}

/** The host whose session this visitor holds, read from its settings page's booking link. */
export async function slugOnSettings(sys: TestSystem, visitor: Visitor): Promise<string | undefined> {
  const res = await visitor.request(accountsUrl(sys, '/settings'));
  if (res.status !== 200) return undefined;
  return /id="booking-link">[^<]*\/booking\/([a-z0-9-]+)</.exec(await res.text())?.[1];
}

/** The one host linked to this Google account, by its sub. */
export async function hostOfSubject(sys: TestSystem, subject: string): Promise<{ id: string; slug: string }> {
  const found = (await sys.db.collection('subscribers').where('googleSubject', '==', subject).get()).docs;
  if (found.length !== 1) throw new Error(`${found.length} hosts are linked to ${subject}`);
  const [doc] = found;
  return { id: doc!.id, slug: doc!.get('schedule.slug') as string };
}

/** A guest books the host's first free slot; the slot's id. */
export async function bookingFor(sys: TestSystem, slug: string): Promise<string> {
  const slot = await freeSlot(sys.functionsUrl, slug);
  const res = await book(sys.functionsUrl, { host: slug, start: slot.start });
  if (res.status !== 201) throw new Error(`booking ${slug} answered ${res.status}: ${await res.text()}`);
  return ((await res.json()) as { slotId: string }).slotId;
}

/** The host's default calendar watched, as first-time setup watches it. */
export async function watched(hostId: string): Promise<void> {
  const host = await services().subscribers.get(hostId);
  if (!host) throw new Error(`no host ${hostId}`);
  await watchDefaultCalendar({ channels: services().channels }, hostId, host);
}

/** What a sign-in by someone else must leave alone: a host's document, channels and bookings. */
export interface HostState {
  document: unknown;
  channels: { id: string; calendarId: unknown; state: unknown }[];
  liveAtGoogle: string[];
  slots: { id: string; status: unknown; calendarId: unknown; eventId: unknown }[];
}

export async function stateOf(sys: TestSystem, hostId: string): Promise<HostState> {
  const document = (await sys.db.collection('subscribers').doc(hostId).get()).data();
  const channelDocs = (await sys.db.collection('googleCalendarChannels').where('subscriberId', '==', hostId).get()).docs;
  const live = new Set((await sys.control<{ id: string }[]>('/channels')).map((c) => c.id));
  const slotDocs = (await sys.db.collection('slots').where('subscriberId', '==', hostId).get()).docs;
  return {
    document,
    channels: channelDocs.map((d) => ({ id: d.id, calendarId: d.get('calendarId'), state: d.get('state') })).sort((a, b) => a.id.localeCompare(b.id)),
    liveAtGoogle: channelDocs.map((d) => d.id).filter((id) => live.has(id)).sort(),
    slots: slotDocs.map((d) => ({ id: d.id, status: d.get('status'), calendarId: d.get('calendarId'), eventId: d.get('eventId') })).sort((a, b) => a.id.localeCompare(b.id)),
  };
}

export const quietLog = createLogger({ level: 'silent' });
