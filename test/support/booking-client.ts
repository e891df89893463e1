// A guest's side of the booking API, as the booking page uses it.
import { DateTime } from 'luxon';
import { nthFromFixedTime } from './fixed-day';

export interface OfferedSlot {
  start: string;
  end: string;
}

export interface Availability {
  host: { name: string; timezone: string };
  slotMinutes: number;
  slots: OfferedSlot[];
}

export const GUEST = { name: 'Gina Guest', email: 'gina.guest@example.org', timezone: 'America/New_York' };

export async function availability(functionsUrl: string, slug: string, days = 20): Promise<Availability> {
  const from = DateTime.utc().toISODate();
  const to = DateTime.utc().plus({ days }).toISODate();
  const res = await fetch(`${functionsUrl}/booking/availability?host=${slug}&from=${from}&to=${to}`);
  if (res.status !== 200) throw new Error(`availability answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as Availability;
}

/**
 * The n-th free slot (0 = the first) of a host, counted from 09:00 (the host's zone) of a day
 * chosen ahead, never from the first one offered: see ./fixed-day. Slots n and n+1 are then
 * adjacent times of one day for any n up to 28 on the test hosts (free 00:00–23:55), whatever
 * the hour the test runs at.
 */
export async function freeSlot(functionsUrl: string, slug: string, n = 0): Promise<OfferedSlot> {
  const { host, slots } = await availability(functionsUrl, slug);
  const slot = nthFromFixedTime(slots, host.timezone, n);
  if (!slot) throw new Error(`host ${slug} has no free slot #${n}`);
  return slot;
}

export function book(
  functionsUrl: string,
  body: { host: string; start: string; guest?: typeof GUEST; message?: string },
  headers: Record<string, string> = {},
): Promise<Response> {
  return fetch(`${functionsUrl}/booking/bookings`, {
    method: 'POST',
    headers: { 'content-type': 'application/json', ...headers },
    body: JSON.stringify({ guest: GUEST, ...body }),
  });
}

/** The Confirm and Deny links in a host mail from the mail sink. */
export function decisionLinks(mailText: string): { confirm: string; deny: string } {
  const links = [...mailText.matchAll(/https?:\/\/\S+\/decision\?token=[A-Za-z0-9._%-]+/g)].map((m) => m[0]);
  const [confirm, deny] = [links.find((l) => tokenAction(l) === 'confirm'), links.find((l) => tokenAction(l) === 'deny')];
  if (!confirm || !deny) throw new Error(`no confirm/deny links in:\n${mailText}`);
  return { confirm, deny };
}

function tokenAction(link: string): string | undefined {
  const token = decodeURIComponent(new URL(link).searchParams.get('token') ?? '');
  try {
    return (JSON.parse(Buffer.from(token.split('.')[0] ?? '', 'base64url').toString()) as { action?: string }).action;
  } catch {
    return undefined;
  }
}

export function tokenOf(link: string): string {
  return new URL(link).searchParams.get('token') ?? '';
}

export async function decide(functionsUrl: string, token: string, action: 'confirm' | 'deny', as: 'form' | 'json' = 'json'): Promise<Response> {
  return fetch(`${functionsUrl}/decision`, {
    method: 'POST',
    headers: { 'content-type': as === 'json' ? 'application/json' : 'application/x-www-form-urlencoded', accept: as === 'json' ? 'application/json' : 'text/html' },
    body: as === 'json' ? JSON.stringify({ token, action }) : new URLSearchParams({ token, action }).toString(),
  });
}
