// A host calendar as real ones are: 500 endless daily series and 2,000 single events. Measures
// what our code asks of Google on it: the initial sync token (the listing a new channel and a 410
// resync make), an incremental sync after a change to a series, the full resync's listing of our
// own events, and the free/busy query of a booking page's horizon. Medians over repeated runs,
// with the Calendar calls each made; the expanded listing is the ratio we avoid.
import { DateTime } from 'luxon';
import { services } from '../../functions/services';
import { CalendarGateway, type CalendarSession } from '../../shared/google/calendar';
import { EVENT_TAG } from '../../shared/google/event-identity';
import { forEachWithin } from '../../shared/work-pool';
import type { TestSystem } from '../support/system';
import { withLocalSystem } from './local-system';
import { median, round } from './stats';

const SERIES = Number(process.env.BENCH_SERIES ?? 500);
const SINGLES = Number(process.env.BENCH_SINGLES ?? 2000);
const RUNS = 7;
const ZONE = 'Europe/Berlin';

async function calls(sys: TestSystem): Promise<number> {
  return ((await sys.control('/requests')) as { total: number }).total;
}

/** `prepare` runs before each timed run, outside the time and the call count. */
async function measure<T>(sys: TestSystem, name: string, body: (prepared: T) => Promise<unknown>, prepare?: () => Promise<T>): Promise<Record<string, unknown>> {
  const times: number[] = [];
  let perRun = 0;
  for (let run = 0; run < RUNS; run += 1) {
    const prepared = (await prepare?.()) as T;
    const before = await calls(sys);
    const started = performance.now();
    await body(prepared);
    times.push(performance.now() - started);
    perRun = (await calls(sys)) - before;
  }
  return { benchmark: name, series: SERIES, singles: SINGLES, medianMs: round(median(times)), calendarCalls: perRun };
}

async function fill(sys: TestSystem, calendarId: string, token: string): Promise<void> {
  const insert = async (body: unknown) => {
    const res = await fetch(`${sys.google.url}/calendar/v3/calendars/${encodeURIComponent(calendarId)}/events`, {
      method: 'POST',
      headers: { authorization: `Bearer ${token}`, 'content-type': 'application/json' },
      body: JSON.stringify(body),
    });
    if (!res.ok) throw new Error(`insert answered ${res.status}: ${await res.text()}`);
  };
  const first = DateTime.now().setZone(ZONE).startOf('day').minus({ days: 90 });
  const seriesBodies = Array.from({ length: SERIES }, (_, n) => {
    const start = first.plus({ minutes: 15 * (n % 40) }).set({ hour: 7 + Math.floor((n % 40) / 4) });
    return {
      summary: `Series ${n}`,
      start: { dateTime: start.toISO({ includeOffset: false }), timeZone: ZONE },
      end: { dateTime: start.plus({ minutes: 30 }).toISO({ includeOffset: false }), timeZone: ZONE },
      recurrence: ['RRULE:FREQ=DAILY'],
    };
  });
  const singleBodies = Array.from({ length: SINGLES }, (_, n) => {
    const start = DateTime.utc().startOf('hour').plus({ hours: (n * 7) % (24 * 120) - 24 * 60 });
    return { summary: `Single ${n}`, start: { dateTime: start.toISO() }, end: { dateTime: start.plus({ minutes: 45 }).toISO() } };
  });
  await forEachWithin([...seriesBodies, ...singleBodies], { concurrency: 16, deadline: Infinity }, insert);
}

export function run(): Promise<Record<string, unknown>[]> {
  return withLocalSystem({ GOOGLE_INVITE_ENABLED: 'true' }, async (sys) => {
    const host = await sys.createHost();
    await fill(sys, host.calendarId, await sys.accessToken(host));
    const gateway = new CalendarGateway(services().config.google);
    const session: CalendarSession = gateway.session({ id: host.id, refreshToken: host.refreshToken });
    const calendarId = host.calendarId;
    const now = new Date();
    const horizon = new Date(now.getTime() + 14 * 24 * 60 * 60_000);

    const rows = [await measure(sys, 'initial sync token (singleEvents=false)', () => session.syncToken(calendarId))];
    const seriesId = await anySeriesId(session, calendarId);
    rows.push(
      await measure(
        sys,
        'incremental sync after a change to a series',
        async (token) => {
          for await (const page of session.changesSince(calendarId, token)) void page;
        },
        async () => {
          const token = await session.syncToken(calendarId);
          await session.patchEvent(calendarId, seriesId, { summary: `Renamed ${Date.now()}` }, 'none');
          return token!;
        },
      ),
    );
    rows.push(
      await measure(sys, 'full resync: our tagged events in the window', async () => {
        const tagged = session.events(calendarId, { timeMin: new Date(now.getTime() - 30 * 86_400_000), timeMax: horizon, privateProperties: { [EVENT_TAG.key]: EVENT_TAG.value }, showDeleted: true, pageSize: 250 });
        for await (const page of tagged) void page;
      }),
    );
    rows.push(await measure(sys, 'freeBusy over 14 days', () => session.freeBusy([calendarId], now, horizon)));
    const accessToken = await sys.accessToken(host);
    rows.push(
      await measure(sys, 'for comparison: every instance of the next 14 days (singleEvents=true)', async () => {
        let pageToken: string | undefined;
        do {
          const query = new URLSearchParams({ singleEvents: 'true', maxResults: '2500', timeMin: now.toISOString(), timeMax: horizon.toISOString() });
          if (pageToken) query.set('pageToken', pageToken);
          const res = await fetch(`${sys.google.url}/calendar/v3/calendars/${encodeURIComponent(calendarId)}/events?${query}`, {
            headers: { authorization: `Bearer ${accessToken}` },
          });
          if (!res.ok) throw new Error(`the expanded listing answered ${res.status}: ${await res.text()}`);
          pageToken = ((await res.json()) as { nextPageToken?: string }).nextPageToken;
        } while (pageToken);
      }),
    );
    return rows;
  });
}

async function anySeriesId(session: CalendarSession, calendarId: string): Promise<string> {
  for await (const page of session.events(calendarId, { pageSize: 50 })) {
    const series = page.events.find((event) => (event.recurrence?.length ?? 0) > 0);
    if (series?.id) return series.id;
  }
  throw new Error('no series in the calendar');
}
