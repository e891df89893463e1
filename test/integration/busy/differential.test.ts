// The busy time our sync keeps, held to Google's own answer: calendars fed with recurring series
// (daily across a DST change, weekly by day, COUNT and UNTIL, EXDATE, RDATE, EXRULE), exceptions
// (moved, changed, cancelled), all-day events and series, free events, events the host declined,
// moves and deletes, synced by our real sync (push, then a 410 resync, then days later), compared with the
// emulator's freeBusy on 1,000 random windows. A failure prints its seed and window: run again
// with BUSY_SEED=<seed> to see the same windows.
import { DateTime } from 'luxon';
import { services } from '../../../functions/services';
import { startOfDay } from '../../../shared/busy/busy-plan';
import { syncCalendar } from '../../../shared/sync/sync-channel';
import { syncDeps } from '../../../functions/services';
import { watchKey } from '../../../shared/channels/watches';
import { simClock, type SimClock } from '../../support/sim-clock';
import { startSystem, type TestSystem } from '../../support/system';
import { until } from '../../support/until';
import { busySettled, googleBusy, hostApi, instanceAt, seededRandom, storedBusy, type HostCalendar } from './host-calendar-api';

jest.setTimeout(180_000);

const BERLIN = 'Europe/Berlin';
const NEW_YORK = 'America/New_York';
/** Simulated now: the busy horizon then spans Europe's switch to summer time (2027-03-28). */
const NOW = DateTime.fromISO('2027-03-20T08:00:00', { zone: BERLIN });
const WINDOWS = 1_000;
const SEED = Number(process.env.BUSY_SEED ?? Math.floor(Math.random() * 2 ** 31));

let sys: TestSystem;
let clock: SimClock;
let primary: HostCalendar;
let personal: HostCalendar;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true', LOG_LEVEL: process.env.BUSY_LOG ?? 'silent' });
  clock = simClock(sys);
  await clock.advance(NOW.toMillis() - Date.now());
  const host = await sys.createHost();
  primary = { host, calendarId: host.calendarId };
  const { calendarId } = await sys.control<{ calendarId: string }>(`/accounts/${encodeURIComponent(host.email)}/calendars`, { summary: 'Personal', timeZone: NEW_YORK });
  personal = { host, calendarId };
});
afterAll(async () => {
  clock.restore();
  await sys.close();
});

const local = (iso: string, zone = BERLIN) => ({ dateTime: iso, timeZone: zone });
const day = (iso: string) => DateTime.fromISO(iso, { zone: BERLIN });

/**
 * A sync of the calendar, as the scheduled run's reconciliation makes one (a sync already running,
 * say for a push, is waited for).
 */
async function reconcile(calendar: HostCalendar): Promise<void> {
  const key = watchKey(calendar.host.id, calendar.calendarId);
  await until(async () => ((await syncCalendar(syncDeps(), key, 20_000)).outcome === 'synced' ? true : undefined), 'a sync of the calendar');
}

/**
 * Watched from now. A calendar with nothing of ours gets a token of "now" and no sync: its busy
 * time is built by its first sync, for a push or the scheduled run's reconciliation (made here).
 */
async function watch(calendar: HostCalendar): Promise<void> {
  const host = await services().subscribers.get(calendar.host.id);
  await services().channels.ensureChannel(calendar.host.id, host!, calendar.calendarId);
  await reconcile(calendar);
}

/** What the host's calendars hold before they are watched: the first sync lists it all. */
async function feedBeforeWatching(): Promise<{ daily: string; weekly: string; freeSeries: string }> {
  const p = (body: unknown) => hostApi<{ id: string }>(sys, primary, 'POST', '', body);
  const q = (body: unknown) => hostApi<{ id: string }>(sys, personal, 'POST', '', body);
  const daily = await p({ summary: 'Standup', start: local('2027-03-10T09:00:00'), end: local('2027-03-10T09:30:00'), recurrence: ['RRULE:FREQ=DAILY', 'EXDATE;TZID=Europe/Berlin:20270322T090000'] });
  const weekly = await p({ summary: 'Gym', start: local('2027-03-15T18:00:00'), end: local('2027-03-15T19:30:00'), recurrence: ['RRULE:FREQ=WEEKLY;BYDAY=MO,WE,FR;COUNT=8'] });
  await p({ summary: 'Course', start: local('2027-03-01T07:00:00', NEW_YORK), end: local('2027-03-01T07:45:00', NEW_YORK), recurrence: ['RRULE:FREQ=DAILY;UNTIL=20270402T000000Z', 'EXRULE:FREQ=WEEKLY;BYDAY=SA,SU', 'RDATE:20270404T150000Z'] });
  const freeSeries = await p({ summary: 'Focus (free)', transparency: 'transparent', start: local('2027-03-18T13:00:00'), end: local('2027-03-18T14:00:00'), recurrence: ['RRULE:FREQ=DAILY;COUNT=20'] });
  await p({ summary: 'Lunch (free)', transparency: 'transparent', start: local('2027-03-23T12:00:00'), end: local('2027-03-23T13:00:00') });
  await p({ summary: 'Declined', start: local('2027-03-23T15:00:00'), end: local('2027-03-23T16:00:00'), attendees: [{ email: primary.calendarId, responseStatus: 'declined' }, { email: 'organizer@example.org', responseStatus: 'accepted' }] });
  await p({ summary: 'Accepted', start: local('2027-03-24T15:00:00'), end: local('2027-03-24T16:00:00'), attendees: [{ email: primary.calendarId, responseStatus: 'accepted' }, { email: 'organizer@example.org', responseStatus: 'accepted' }] });
  await p({ summary: 'Maybe', status: 'tentative', start: local('2027-03-25T11:00:00'), end: local('2027-03-25T12:30:00') });
  await p({ summary: 'Overlapping A', start: local('2027-03-26T10:00:00'), end: local('2027-03-26T11:30:00') });
  await p({ summary: 'Overlapping B', start: local('2027-03-26T11:00:00'), end: local('2027-03-26T12:00:00') });
  await p({ summary: 'Across midnight', start: local('2027-03-27T23:00:00'), end: local('2027-03-28T04:00:00') });
  await p({ summary: 'Holiday', start: { date: '2027-03-30' }, end: { date: '2027-03-31' } });
  await p({ summary: 'Long ago', start: local('2027-01-05T10:00:00'), end: local('2027-01-05T11:00:00') });
  await p({ summary: 'Far ahead', start: local('2027-06-01T10:00:00'), end: local('2027-06-01T11:00:00') });
  await q({ summary: 'Trip', start: { date: '2027-04-02' }, end: { date: '2027-04-05' } });
  await q({ summary: 'Sundays', start: { date: '2027-03-21' }, end: { date: '2027-03-22' }, recurrence: ['RRULE:FREQ=WEEKLY;COUNT=3'] });
  await q({ summary: 'Declined series', start: local('2027-03-19T17:00:00', NEW_YORK), end: local('2027-03-19T18:00:00', NEW_YORK), recurrence: ['RRULE:FREQ=DAILY'], attendees: [{ email: personal.calendarId, responseStatus: 'declined' }, { email: 'friend@example.org' }] });
  await q({ summary: 'Dinner', start: local('2027-03-22T19:00:00', NEW_YORK), end: local('2027-03-22T21:00:00', NEW_YORK) });
  return { daily: daily.id, weekly: weekly.id, freeSeries: freeSeries.id };
}

/** Changes made while watched: they reach us by push and incremental sync. */
async function changeWhileWatched(series: { daily: string; weekly: string; freeSeries: string }): Promise<void> {
  const p = <T>(method: string, path: string, body?: unknown) => hostApi<T>(sys, primary, method, path, body);
  await p('PATCH', `/${await instanceAt(sys, primary, series.daily, day('2027-03-24T09:00'))}`, { start: local('2027-03-24T16:00:00'), end: local('2027-03-24T17:00:00') });
  await p('DELETE', `/${await instanceAt(sys, primary, series.daily, day('2027-03-25T09:00'))}`);
  await p('PATCH', `/${await instanceAt(sys, primary, series.daily, day('2027-03-29T09:00'))}`, { summary: 'Standup (long)', end: local('2027-03-29T10:30:00') });
  await p('PATCH', `/${await instanceAt(sys, primary, series.freeSeries, day('2027-03-27T13:00'))}`, { transparency: 'opaque' });
  await p('DELETE', `/${await instanceAt(sys, primary, series.weekly, day('2027-03-22T18:00'))}`);
  const moved = await p<{ id: string }>('POST', '', { summary: 'Moved', start: local('2027-03-31T09:00:00'), end: local('2027-03-31T10:00:00') });
  await p('PATCH', `/${moved.id}`, { start: local('2027-04-01T14:00:00'), end: local('2027-04-01T15:00:00') });
  const gone = await p<{ id: string }>('POST', '', { summary: 'Gone', start: local('2027-03-31T11:00:00'), end: local('2027-03-31T12:00:00') });
  await p('DELETE', `/${gone.id}`);
  await p('PATCH', `/${series.weekly}`, { summary: 'Gym (renamed)' });
  await hostApi(sys, personal, 'POST', '', { summary: 'Late', start: local('2027-03-30T22:00:00', NEW_YORK), end: local('2027-03-31T01:00:00', NEW_YORK) });
}

/** Compares on `count` random windows within the covered days; returns how many held busy time. */
async function compare(calendars: HostCalendar[], count: number, seed: number): Promise<number> {
  const random = seededRandom(seed);
  const token = await sys.accessToken(primary.host);
  const now = clock.now();
  const watches = await Promise.all(calendars.map((calendar) => busySettled(calendar, new Date(0))));
  let busy = 0;
  for (let n = 0; n < count; n += 1) {
    const index = Math.floor(random() * calendars.length);
    const calendar = calendars[index]!;
    const [from, to] = [watches[index]!.busyCoveredFrom!.getTime(), watches[index]!.busyCoveredUntil!.getTime()];
    const minutes = 1 + Math.floor(random() * 5 * 24 * 60);
    const start = from + Math.floor(random() * ((to - from) / 60_000 - minutes)) * 60_000;
    const window = { start, end: start + minutes * 60_000 };
    const [ours, google] = await Promise.all([storedBusy(calendar, window, now), googleBusy(sys, calendar, window, token)]);
    const shown = { seed, n, calendar: calendar.calendarId, window: [new Date(window.start).toISOString(), new Date(window.end).toISOString()] };
    expect({ ...shown, busy: ours }).toEqual({ ...shown, busy: google });
    if (google.length > 0) busy += 1;
  }
  return busy;
}

describe('busy time kept by the sync, against Google freeBusy', () => {
  it('matches on 1,000 random windows after a full listing, pushed changes, a 410 resync and days passing', async () => {
    const series = await feedBeforeWatching();
    await Promise.all([watch(primary), watch(personal)]);
    const first = await Promise.all([busySettled(primary, new Date(0)), busySettled(personal, new Date(0))]);
    expect(first[0].busyCoveredFrom!.getTime()).toBe(startOfDay(clock.now().getTime()) - 24 * 60 * 60_000);
    expect(await compare([primary, personal], WINDOWS / 4, SEED)).toBeGreaterThan(WINDOWS / 20);

    const before = clock.now();
    await changeWhileWatched(series);
    await Promise.all([busySettled(primary, before), busySettled(personal, before)]);
    expect(await compare([primary, personal], WINDOWS / 4, SEED + 1)).toBeGreaterThan(WINDOWS / 20);

    // A 410: the token is refused, the busy time is rebuilt from the full listing.
    await sys.control(`/calendars/${encodeURIComponent(primary.calendarId)}/sync-tokens/invalidate`, {});
    await hostApi(sys, primary, 'POST', '', { summary: 'After 410', start: local('2027-03-23T08:00:00'), end: local('2027-03-23T08:45:00') });
    const stale = clock.now();
    await reconcile(primary);
    await busySettled(primary, stale);
    expect(await compare([primary, personal], WINDOWS / 4, SEED + 2)).toBeGreaterThan(WINDOWS / 20);

    // Days pass: the next sync (the scheduled run's) moves the horizon on from the stored series.
    const covered = (await busySettled(personal, new Date(0))).busyCoveredUntil!;
    await clock.advance(3 * 24 * 60 * 60_000);
    const moved = clock.now();
    await Promise.all([reconcile(primary), reconcile(personal)]);
    const after = await busySettled(personal, moved);
    expect(after.busyCoveredUntil!.getTime() - covered.getTime()).toBe(3 * 24 * 60 * 60_000);
    expect(await compare([primary, personal], WINDOWS / 4, SEED + 3)).toBeGreaterThan(WINDOWS / 20);
  });
});
