// Real host calendars are full of recurring series. Against the emulator's recurring events
// (modelled on Google's reference), availability, the push-driven sync, the initial sync token
// and the 410 resync all work on a calendar full of them, and their changes cost us nothing.
import { DateTime } from 'luxon';
import { services, syncDeps } from '../../../functions/services';
import { eventIdForSlot } from '../../../shared/google/event-identity';
import { syncChannel } from '../../../shared/sync/sync-channel';
import { availability, book, freeSlot, GUEST } from '../../support/booking-client';
import { startSystem, type TestHost, type TestSystem } from '../../support/system';
import { until } from '../../support/until';
import { channelState } from '../../support/channel-state';

jest.setTimeout(60_000);

const ZONE = 'Europe/Berlin';
let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
});
afterAll(() => sys.close());

/** The host's own Calendar API call, as Google Calendar's UI would make it. */
async function hostApi<T>(host: TestHost, method: string, path: string, body?: unknown): Promise<T> {
  const res = await fetch(`${sys.google.url}/calendar/v3/calendars/${encodeURIComponent(host.calendarId)}/events${path}`, {
    method,
    headers: { authorization: `Bearer ${await sys.accessToken(host)}`, 'content-type': 'application/json' },
    body: body === undefined ? undefined : JSON.stringify(body),
  });
  if (!res.ok) throw new Error(`${method} ${path} answered ${res.status}: ${await res.text()}`);
  return (res.status === 204 ? undefined : await res.json()) as T;
}

function localTime(day: DateTime, hour: number): string {
  return day.set({ hour, minute: 0, second: 0, millisecond: 0 }).toISO({ suppressMilliseconds: true, includeOffset: false })!;
}

/** A daily series at `hour`–`hour+1` local time from `first`, for `count` days (or forever). */
function dailySeries(summary: string, first: DateTime, hour: number, extra: string[] = [], count?: number) {
  return {
    summary,
    start: { dateTime: localTime(first, hour), timeZone: ZONE },
    end: { dateTime: localTime(first, hour + 1), timeZone: ZONE },
    recurrence: [`RRULE:FREQ=DAILY${count ? `;COUNT=${count}` : ''}`, ...extra],
  };
}

function overlaps(slot: { start: string; end: string }, start: DateTime, end: DateTime): boolean {
  return Date.parse(slot.start) < end.toMillis() && Date.parse(slot.end) > start.toMillis();
}

/**
 * The id of the series' occurrence that starts at `start`, as `events.instances` gives it (Google
 * says instance ids are opaque: never built from their format).
 */
async function instanceAt(host: TestHost, seriesId: string, start: DateTime): Promise<string> {
  const query = new URLSearchParams({ timeMin: start.toUTC().toISO()!, timeMax: start.plus({ minutes: 1 }).toUTC().toISO()! });
  const { items } = await hostApi<{ items: { id: string; originalStartTime: { dateTime: string } }[] }>(host, 'GET', `/${seriesId}/instances?${query}`);
  const instance = items.find((item) => Date.parse(item.originalStartTime.dateTime) === start.toMillis());
  if (!instance) throw new Error(`series ${seriesId} has no instance at ${start.toISO()}`);
  return instance.id;
}

async function watchedHost(): Promise<{ host: TestHost; channelId: string }> {
  const host = await sys.createHost();
  const subscriber = await services().subscribers.get(host.id);
  const { channelId } = await services().channels.ensureChannel(host.id, subscriber!, host.calendarId);
  return { host, channelId };
}

async function settled(channelId: string): Promise<{ syncToken: string | null }> {
  return until(async () => {
    const channel = await channelState(channelId);
    return channel && !channel.lease && !channel.dirty ? channel : undefined;
  }, 'the channel to settle');
}

describe('a host calendar full of recurring series', () => {
  it('availability leaves out every instance of a series, but not an excluded, deleted or moved one', async () => {
    const host = await sys.createHost();
    const today = DateTime.now().setZone(ZONE).startOf('day');
    const excluded = today.plus({ days: 3 }).set({ hour: 10 });
    const series = await hostApi<{ id: string }>(
      host,
      'POST',
      '',
      dailySeries('Standup', today, 10, [`EXDATE;TZID=${ZONE}:${excluded.toFormat("yyyyMMdd'T'HHmmss")}`]),
    );
    const deleted = today.plus({ days: 4 }).set({ hour: 10 });
    await hostApi(host, 'DELETE', `/${await instanceAt(host, series.id, deleted)}`);
    const moved = today.plus({ days: 5 }).set({ hour: 10 });
    await hostApi(host, 'PATCH', `/${await instanceAt(host, series.id, moved)}`, {
      start: { dateTime: localTime(moved, 15), timeZone: ZONE },
      end: { dateTime: localTime(moved, 16), timeZone: ZONE },
    });

    const { slots } = await availability(sys.functionsUrl, host.slug);
    const offered = (start: DateTime) => slots.some((slot) => Date.parse(slot.start) === start.toMillis());
    for (let day = 2; day <= 12; day += 1) {
      const at = today.plus({ days: day }).set({ hour: 10 });
      const busy = slots.filter((slot) => overlaps(slot, at, at.plus({ hours: 1 })));
      if ([3, 4, 5].includes(day)) expect({ day, offered: offered(at) }).toEqual({ day, offered: true });
      else expect({ day, busy }).toEqual({ day, busy: [] });
    }
    const movedTo = moved.set({ hour: 15 });
    expect(slots.filter((slot) => overlaps(slot, movedTo, movedTo.plus({ hours: 1 })))).toEqual([]);
  });

  it('syncs from a token taken on a calendar of series, ignores their changes, and still follows our booking', async () => {
    const today = DateTime.now().setZone(ZONE).startOf('day');
    const { host, channelId } = await watchedHost();
    const series: { id: string }[] = [];
    for (let n = 0; n < 20; n += 1) series.push(await hostApi<{ id: string }>(host, 'POST', '', dailySeries(`Series ${n}`, today.minus({ days: 30 }), 6 + (n % 3))));
    await settled(channelId);

    const slot = await freeSlot(sys.functionsUrl, host.slug);
    const res = await book(sys.functionsUrl, { host: host.slug, start: slot.start, guest: { ...GUEST, email: 'series.guest@example.org' } });
    expect(res.status).toBe(201);
    const { slotId } = (await res.json()) as { slotId: string };
    const booked = await settled(channelId);

    // Changes to series and to single instances of them: none is ours.
    await hostApi(host, 'PATCH', `/${series[0]!.id}`, { summary: 'Renamed series' });
    await hostApi(host, 'DELETE', `/${await instanceAt(host, series[1]!.id, today.plus({ days: 2 }).set({ hour: 7 }))}`);
    await hostApi(host, 'PATCH', `/${await instanceAt(host, series[2]!.id, today.plus({ days: 3 }).set({ hour: 8 }))}`, { summary: 'Just this once' });
    await hostApi(host, 'DELETE', `/${series[3]!.id}`);
    await until(async () => ((await settled(channelId)).syncToken !== booked.syncToken ? true : undefined), 'the series changes to be synced');
    expect((await services().slots.require(slotId)).status).toBe('requested');
    expect(await sys.sinkMessages(host.email)).toHaveLength(1);

    // The sync still sees what the guest does.
    await sys.control(`/calendars/${encodeURIComponent(host.calendarId)}/events/${eventIdForSlot(slotId)}/respond`, { email: 'series.guest@example.org', responseStatus: 'declined' });
    await until(async () => ((await services().slots.require(slotId)).status === 'declined' ? true : undefined), 'the decline to reach the slot');
  });

  it('a 410 on a calendar of series resyncs our events: a move made while the token was stale is applied', async () => {
    const today = DateTime.now().setZone(ZONE).startOf('day');
    const { host, channelId } = await watchedHost();
    for (let n = 0; n < 10; n += 1) await hostApi(host, 'POST', '', dailySeries(`Series ${n}`, today.minus({ days: 10 }), 6 + (n % 3)));
    const unbooked = await settled(channelId);
    const slot = await freeSlot(sys.functionsUrl, host.slug);
    const res = await book(sys.functionsUrl, { host: host.slug, start: slot.start, guest: { ...GUEST, email: 'resync.guest@example.org' } });
    const { slotId } = (await res.json()) as { slotId: string };
    // The push of our own insert has come and been synced: no sync of it runs beside ours below.
    const before = await until(async () => {
      const channel = await settled(channelId);
      return channel.syncToken !== unbooked.syncToken ? channel : undefined;
    }, 'the booking to be synced');

    await sys.control('/push', { mode: 'drop' });
    await sys.control(`/calendars/${encodeURIComponent(host.calendarId)}/sync-tokens/invalidate`, {});
    const newStart = new Date(Date.parse(slot.start) + 2 * 60 * 60_000);
    await hostApi(host, 'PATCH', `/${eventIdForSlot(slotId)}`, {
      start: { dateTime: newStart.toISOString() },
      end: { dateTime: new Date(newStart.getTime() + 30 * 60_000).toISOString() },
    });
    await sys.control('/push', { mode: 'normal' });
    // The scheduler's reconciliation would run it; here we run the same sync directly.
    // A sync of an earlier push may still hold the lease ('queued'): it meets the same 410.
    await until(async () => ((await syncChannel(syncDeps(), channelId, 20_000)).outcome === 'synced' ? true : undefined), 'a sync of the stale token');
    expect((await services().slots.require(slotId)).start.toISOString()).toBe(newStart.toISOString());
    const after = await settled(channelId);
    expect(after.syncToken).toBeTruthy();
    expect(after.syncToken).not.toBe(before.syncToken);
  });
});
