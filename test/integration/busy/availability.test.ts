// Availability from the busy time the sync keeps: a change in Google shows once its push is
// handled; a view of a host whose calendar is trusted asks Google nothing, one whose channel is
// near expiry or whose data is stale asks freeBusy once.
import { DateTime } from 'luxon';
import { services, syncDeps } from '../../../functions/services';
import { watchKey } from '../../../shared/channels/watches';
import { syncCalendar } from '../../../shared/sync/sync-channel';
import type { Availability } from '../../support/booking-client';
import { startSystem, type TestSystem } from '../../support/system';
import { until } from '../../support/until';
import { busySettled, hostApi, type HostCalendar } from './host-calendar-api';

jest.setTimeout(60_000);

const BERLIN = 'Europe/Berlin';
let sys: TestSystem;
let calendar: HostCalendar;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
  const host = await sys.createHost();
  calendar = { host, calendarId: host.calendarId };
  const subscriber = await services().subscribers.get(host.id);
  await services().channels.ensureChannel(host.id, subscriber!, host.calendarId);
  // The first sync (a push's or the scheduled run's) builds the busy time.
  await until(async () => ((await syncCalendar(syncDeps(), watchKey(host.id, host.calendarId), 20_000)).outcome === 'synced' ? true : undefined), 'the first sync');
  await busySettled(calendar, new Date(0));
});
afterAll(() => sys.close());

async function view(): Promise<Availability> {
  const from = DateTime.utc().toISODate();
  const to = DateTime.utc().plus({ days: 10 }).toISODate();
  const res = await fetch(`${sys.functionsUrl}/booking/availability?host=${calendar.host.slug}&from=${from}&to=${to}`);
  if (res.status !== 200) throw new Error(`availability answered ${res.status}: ${await res.text()}`);
  return (await res.json()) as Availability;
}

const freeBusyCalls = async () => (await sys.control<{ byOperation: Record<string, number> }>('/requests')).byOperation['freeBusy.query'] ?? 0;

async function callsOfOneView(): Promise<number> {
  const before = await freeBusyCalls();
  await view();
  return (await freeBusyCalls()) - before;
}

const offered = (availability: Availability, at: DateTime) => availability.slots.some((slot) => Date.parse(slot.start) === at.toMillis());

describe('availability from stored busy time', () => {
  const at = DateTime.now().setZone(BERLIN).startOf('day').plus({ days: 4, hours: 10 });
  const event = (start: DateTime) => ({ summary: 'Dentist', start: { dateTime: start.toISO(), timeZone: BERLIN }, end: { dateTime: start.plus({ hours: 1 }).toISO(), timeZone: BERLIN } });

  it('a view of a trusted calendar makes no Google call', async () => {
    expect(await callsOfOneView()).toBe(0);
    expect(offered(await view(), at)).toBe(true);
  });

  it('an insert, a move and a delete in Google show in availability once their push is handled', async () => {
    const inserted = await hostApi<{ id: string }>(sys, calendar, 'POST', '', event(at));
    await until(async () => (offered(await view(), at) ? undefined : true), 'the new event to take its time');

    const later = at.plus({ hours: 3 });
    await hostApi(sys, calendar, 'PATCH', `/${inserted.id}`, event(later));
    await until(async () => {
      const now = await view();
      return offered(now, at) && !offered(now, later) ? true : undefined;
    }, 'the move to free the old time and take the new one');

    await hostApi(sys, calendar, 'DELETE', `/${inserted.id}`);
    await until(async () => (offered(await view(), later) ? true : undefined), 'the delete to free the time');
    expect(await callsOfOneView()).toBe(0);
  });

  it('a channel near its expiry, or data not synced lately, is read from Google: one freeBusy call', async () => {
    const key = watchKey(calendar.host.id, calendar.calendarId);
    const watch = await services().channels.watches.get(key);
    const channel = services().channels.channels.ref(watch!.channelId!);
    const { expiration } = (await services().channels.channels.get(watch!.channelId!))!;
    await channel.update({ expiration: new Date(Date.now() + 30 * 60_000) });
    expect(await callsOfOneView()).toBe(1);
    await channel.update({ expiration });
    expect(await callsOfOneView()).toBe(0);

    await services().channels.watches.ref(key).update({ busyCompleteAt: new Date(Date.now() - 3 * 60 * 60_000) });
    expect(await callsOfOneView()).toBe(1);
  });
});
