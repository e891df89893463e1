// A host's own Calendar API calls against the emulator, as Google Calendar's UI would make them,
// and the reads the busy-time tests compare: Google's freeBusy and our stored busy time.
import { DateTime } from 'luxon';
import { services } from '../../../functions/services';
import { merged, type Interval } from '../../../shared/busy/busy-plan';
import { watchKey, type Watch } from '../../../shared/channels/watches';
import type { TestHost, TestSystem } from '../../support/system';
import { until } from '../../support/until';

export interface HostCalendar {
  host: TestHost;
  calendarId: string;
}

export async function hostApi<T>(sys: TestSystem, calendar: HostCalendar, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${sys.google.url}/calendar/v3/calendars/${encodeURIComponent(calendar.calendarId)}/events${path}`, {
    method,
    headers: { authorization: `Bearer ${await sys.accessToken(calendar.host)}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

/** The id of the series' occurrence that starts at `start` (instance ids are opaque: asked, never built). */
export async function instanceAt(sys: TestSystem, calendar: HostCalendar, seriesId: string, start: DateTime): Promise<string> {
  const query = new URLSearchParams({ timeMin: start.toUTC().toISO()!, timeMax: start.plus({ minutes: 1 }).toUTC().toISO()! });
  const { items } = await hostApi<{ items: { id: string; originalStartTime: { dateTime?: string; date?: string } }[] }>(sys, calendar, 'GET', `/${seriesId}/instances?${query}`);
  const instance = items[0];
  if (!instance) throw new Error(`series ${seriesId} has no instance at ${start.toISO()}`);
  return instance.id;
}

/** Google's (the emulator's) busy time of a calendar in a window, merged. */
export async function googleBusy(sys: TestSystem, calendar: HostCalendar, window: Interval, token: string): Promise<Interval[]> {
  const res = await fetch(`${sys.google.url}/calendar/v3/freeBusy`, {
    method: 'POST',
    headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
    body: JSON.stringify({ timeMin: new Date(window.start).toISOString(), timeMax: new Date(window.end).toISOString(), items: [{ id: calendar.calendarId }] }),
  });
  if (!res.ok) throw new Error(`freeBusy answered ${res.status}: ${await res.text()}`);
  const answer = (await res.json()) as { calendars: Record<string, { busy: { start: string; end: string }[] }> };
  return merged((answer.calendars[calendar.calendarId]?.busy ?? []).map((b) => ({ start: Date.parse(b.start), end: Date.parse(b.end) })));
}

/** Our stored busy time of a calendar in a window, merged; fails if it is not trusted. */
export async function storedBusy(calendar: HostCalendar, window: Interval, now: Date): Promise<Interval[]> {
  const [read] = await services().busy.read(calendar.host.id, [calendar.calendarId], { start: new Date(window.start), end: new Date(window.end) }, now);
  if (read?.source !== 'stored') throw new Error(`busy time of ${calendar.calendarId} not trusted: ${read?.source === 'google' ? read.reason : 'no answer'}`);
  // Our own booking events too: the stored busy time mirrors the whole calendar.
  return merged([...read.intervals, ...read.bookings.flatMap((booking) => booking.intervals)]);
}

/** The calendar's watch once its syncs are done with every change made before `since`. */
export async function busySettled(calendar: HostCalendar, since: Date): Promise<Watch> {
  const key = watchKey(calendar.host.id, calendar.calendarId);
  let seen: Watch | undefined;
  return until(
    async () => {
      const watch = await services().channels.watches.get(key);
      seen = watch;
      return watch && !watch.lease && !watch.dirty && watch.busyCompleteAt && watch.busyCompleteAt >= since && watch.busyCoveredUntil ? watch : undefined;
    },
    `the busy time of ${calendar.calendarId} to be synced`,
    30_000,
  ).catch((error: unknown) => {
    throw new Error(`${String(error)}; its watch: ${JSON.stringify(seen)}`);
  });
}

/** A small fast PRNG (mulberry32): the same seed gives the same windows. */
export function seededRandom(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4_294_967_296;
  };
}
