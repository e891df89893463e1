// The booking function's API as the page calls it: the free times, and a booking sent with an
// Idempotency-Key so that sending it again (after a lost answer) never books twice. Every answer
// becomes a named outcome the page words; nothing here touches the page.
import type { BookingMade } from './booking-outcome';
import type { Slot } from './slot-text';

export interface Issue {
  path: (string | number)[];
  message: string;
}

export type SlotsLoad =
  | { kind: 'loaded'; slots: Slot[] }
  | { kind: 'unknown_host' }
  | { kind: 'rate_limited' }
  | { kind: 'failed'; reason: 'server' | 'network' };

export type BookingSent =
  | { kind: 'made'; answer: BookingMade & { start?: string; end?: string } }
  | { kind: 'taken' }
  | { kind: 'invalid'; issues: Issue[] }
  | { kind: 'unknown_host' }
  | { kind: 'rate_limited'; message?: string }
  | { kind: 'too_large' }
  | { kind: 'still_in_flight' }
  | { kind: 'failed'; reason: 'server' | 'network' };

export interface BookingRequest {
  host: string;
  start: string;
  guest: { name: string; email: string; timezone: string };
  message?: string;
}

const DAY_MS = 24 * 60 * 60 * 1000;

/** How often a booking still being made is asked about again before the guest is told to wait. */
const IN_USE_TRIES = 5;

function newKey(): string {
  // crypto.randomUUID needs a secure context; getRandomValues works everywhere.
  const bytes = crypto.getRandomValues(new Uint8Array(16));
  bytes[6] = ((bytes[6] ?? 0) & 0x0f) | 0x40;
  bytes[8] = ((bytes[8] ?? 0) & 0x3f) | 0x80;
  const hex = [...bytes].map((b) => b.toString(16).padStart(2, '0')).join('');
  return `${hex.slice(0, 8)}-${hex.slice(8, 12)}-${hex.slice(12, 16)}-${hex.slice(16, 20)}-${hex.slice(20)}`;
}

export class BookingApi {
  private readonly availabilityUrl: URL;
  private readonly bookingsUrl: URL;
  // Kept while a submission's outcome is unknown (network error, 5xx), so resending the same
  // booking reuses its key and the server finishes the first attempt instead of booking twice.
  private pending: { body: string; key: string } | null = null;

  /** `pagePath`: the page's own path, .../booking/SLUG (maybe with a trailing slash); the API sits next to SLUG. */
  constructor(pagePath: string, origin: string) {
    const path = pagePath.replace(/\/+$/, '');
    const base = new URL(path.slice(0, path.lastIndexOf('/') + 1), origin);
    this.availabilityUrl = new URL('availability', base);
    this.bookingsUrl = new URL('bookings', base);
  }

  /** From yesterday (UTC): the guest's today may still be yesterday for the host. The server clips the range to the host's booking window. */
  async freeSlots(host: string, now: number): Promise<SlotsLoad> {
    const url = new URL(this.availabilityUrl);
    url.searchParams.set('host', host);
    url.searchParams.set('from', new Date(now - DAY_MS).toISOString().slice(0, 10));
    url.searchParams.set('to', new Date(now + 60 * DAY_MS).toISOString().slice(0, 10));
    let response: Response;
    try {
      response = await fetch(url, { headers: { accept: 'application/json' }, cache: 'no-store' });
    } catch {
      return { kind: 'failed', reason: 'network' };
    }
    if (response.status === 404) return { kind: 'unknown_host' };
    if (response.status === 429) return { kind: 'rate_limited' };
    if (!response.ok) return { kind: 'failed', reason: 'server' };
    const answer = (await response.json().catch(() => ({}))) as { slots?: unknown };
    return { kind: 'loaded', slots: Array.isArray(answer.slots) ? (answer.slots as Slot[]) : [] };
  }

  async book(request: BookingRequest): Promise<BookingSent> {
    const body = JSON.stringify(request);
    if (this.pending?.body !== body) this.pending = { body, key: newKey() };
    const { key } = this.pending;
    for (let tries = 0; ; tries += 1) {
      let response: Response;
      try {
        response = await fetch(this.bookingsUrl, {
          method: 'POST',
          headers: { 'content-type': 'application/json', accept: 'application/json', 'idempotency-key': key },
          body,
        });
      } catch {
        return { kind: 'failed', reason: 'network' };
      }
      if (response.status >= 500) return { kind: 'failed', reason: 'server' };
      const answer = (await response.json().catch(() => ({}))) as BookingMade & { start?: string; end?: string; issues?: Issue[]; message?: string; error?: string };
      if (response.status === 409 && answer.error === 'idempotency_key_in_use') {
        // This very booking is still being made (a try that seemed lost got through): the same key
        // asked again shortly gets its answer. The time is the guest's own, never "taken".
        if (tries + 1 >= IN_USE_TRIES) return { kind: 'still_in_flight' };
        const seconds = Math.min(5, Math.max(1, Number(response.headers.get('retry-after')) || 1));
        await new Promise((resolve) => setTimeout(resolve, seconds * 1000));
        continue;
      }
      this.pending = null;
      if (response.ok) return { kind: 'made', answer };
      switch (response.status) {
        case 409:
          return { kind: 'taken' };
        case 400:
          return { kind: 'invalid', issues: Array.isArray(answer.issues) ? answer.issues : [] };
        case 404:
          return { kind: 'unknown_host' };
        case 429:
          return { kind: 'rate_limited', ...(answer.message ? { message: answer.message } : {}) };
        case 413:
          return { kind: 'too_large' };
        default:
          return { kind: 'failed', reason: 'server' };
      }
    }
  }
}
