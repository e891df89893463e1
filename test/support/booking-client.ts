// A guest's side of the booking API, as the booking page uses it.
import { DateTime } from 'luxon';

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

/** Slots this close to the first one offered are skipped: see freeSlot. */
const NOTICE_EDGE_MS = 60 * 60_000;

/**
 * The n-th free slot (0 = the first) of a host, counted from an hour after the first one offered:
 * the first sit at the minimum-notice edge and stop being offered as the clock passes their
 * start minus the notice, which a test that books or checks one a few seconds later may meet.
 */
export async function freeSlot(functionsUrl: string, slug: string, n = 0): Promise<OfferedSlot> {
  const { slots } = await availability(functionsUrl, slug);
  const edge = slots[0] ? Date.parse(slots[0].start) + NOTICE_EDGE_MS : 0;
  const slot = slots.filter((s) => Date.parse(s.start) >= edge)[n];
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
