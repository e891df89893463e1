// Our own changes to a booking show in availability as soon as they answer, without waiting for
// Google's push of them: a cancel (the host's from the bookings page, the guest's from the manage
// link), the host's deny and the guest's reschedule. Pushes are dropped, so the stored busy time
// still holds the booking's event as it was; the views must still be read from it (no freeBusy
// call), or they would prove nothing.
import { DateTime } from 'luxon';
import { services, syncDeps } from '../../../functions/services';
import { watchKey } from '../../../shared/channels/watches';
import { syncCalendar } from '../../../shared/sync/sync-channel';
import { book, decide, decisionLinks, GUEST, tokenOf, type Availability } from '../../support/booking-client';
import { linkedHost } from '../../support/host-in-browser';
import { manageAct, manageLinkIn, manageTokenOf } from '../../support/manage-client';
import { startSystem, type TestHost, type TestSystem } from '../../support/system';
import { until } from '../../support/until';
import { accountsUrl, signIn } from '../accounts/host-flows';
import { formToken, Visitor } from '../accounts/visitor';
import { busySettled, storedBusy } from './host-calendar-api';

jest.setTimeout(60_000);

const BERLIN = 'Europe/Berlin';
let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
});
afterEach(() => sys.control('/push', { mode: 'normal' }));
afterAll(() => sys.close());

/** A fixed time of day, three days on: inside every host's booking window whatever the hour now. */
const dayAt = (hour: number) => DateTime.now().setZone(BERLIN).startOf('day').plus({ days: 3, hours: hour });

/** A host signed in to the Google account whose calendar is watched, its busy time kept and trusted. */
async function watchedHost(): Promise<TestHost> {
  const host = await linkedHost(sys);
  const subscriber = await services().subscribers.get(host.id);
  await services().channels.ensureChannel(host.id, subscriber!, host.calendarId);
  await until(async () => ((await syncCalendar(syncDeps(), watchKey(host.id, host.calendarId), 20_000)).outcome === 'synced' ? true : undefined), 'the first sync');
  await busySettled({ host, calendarId: host.calendarId }, new Date(0));
  return host;
}

/** A booking at `start` whose push has been synced: its event is in the stored busy time. */
async function bookedAt(host: TestHost, start: DateTime, guest: string): Promise<string> {
  const since = new Date();
  const res = await book(sys.functionsUrl, { host: host.slug, start: start.toUTC().toISO()!, guest: { ...GUEST, email: guest } });
  if (res.status !== 201) throw new Error(`booking answered ${res.status}: ${await res.text()}`);
  const { slotId } = (await res.json()) as { slotId: string };
  const calendar = { host, calendarId: host.calendarId };
  await busySettled(calendar, since);
  const window = { start: start.toMillis(), end: start.plus({ minutes: 30 }).toMillis() };
  expect(await storedBusy(calendar, window, new Date())).toEqual([window]);
  return slotId;
}

const freeBusyCalls = async () => (await sys.control<{ byOperation: Record<string, number> }>('/requests')).byOperation['freeBusy.query'] ?? 0;

/** The times offered on the booking's day, from a view that asked Google nothing. */
async function offeredFromStoredBusy(host: TestHost): Promise<Set<number>> {
  const before = await freeBusyCalls();
  const day = dayAt(0).toISODate();
  const res = await fetch(`${sys.functionsUrl}/booking/availability?host=${host.slug}&from=${day}&to=${day}`);
  if (res.status !== 200) throw new Error(`availability answered ${res.status}: ${await res.text()}`);
  const view = (await res.json()) as Availability;
  expect((await freeBusyCalls()) - before).toBe(0);
  return new Set(view.slots.map((slot) => Date.parse(slot.start)));
}

async function dropPushes(): Promise<void> {
  await sys.control('/push', { mode: 'drop' });
}

describe("our own changes show in availability as they answer, not when Google's push comes back", () => {
  it("the guest's cancel from the manage link frees the time at once", async () => {
    const host = await watchedHost();
    const at = dayAt(9);
    const slotId = await bookedAt(host, at, 'own.cancel@example.org');
    expect((await offeredFromStoredBusy(host)).has(at.toMillis())).toBe(false);
    const token = manageTokenOf(manageLinkIn((await sys.calendarEvent(host, slotId)).description));

    await dropPushes();
    expect((await manageAct(sys.functionsUrl, token, { action: 'cancel' })).status).toBe(200);
    expect((await offeredFromStoredBusy(host)).has(at.toMillis())).toBe(true);
  });

  it("the host's cancel from the bookings page frees the time at once", async () => {
    const host = await watchedHost();
    const at = dayAt(10);
    const slotId = await bookedAt(host, at, 'own.host.cancel@example.org');
    const visitor = new Visitor();
    await signIn(sys, visitor, host.email);
    const csrf = formToken(await (await visitor.request(accountsUrl(sys, '/bookings'))).text());

    await dropPushes();
    const res = await visitor.request(accountsUrl(sys, `/bookings/${slotId}/cancel`), { form: { csrf } });
    expect(res.status).toBe(303);
    expect((await services().slots.require(slotId)).status).toBe('cancelled');
    expect((await offeredFromStoredBusy(host)).has(at.toMillis())).toBe(true);
  });

  it("the host's deny from the decision link frees the time at once", async () => {
    const host = await watchedHost();
    const at = dayAt(11);
    await bookedAt(host, at, 'own.deny@example.org');
    const [hostMail] = await sys.sinkMessages(host.email);
    const { deny } = decisionLinks(hostMail!.content.map((c) => c.value).join('\n'));

    await dropPushes();
    expect((await decide(sys.functionsUrl, tokenOf(deny), 'deny')).status).toBe(200);
    expect((await offeredFromStoredBusy(host)).has(at.toMillis())).toBe(true);
  });

  it("the guest's reschedule frees the old time and takes the new one at once", async () => {
    const host = await watchedHost();
    const [from, to] = [dayAt(13), dayAt(15)];
    const slotId = await bookedAt(host, from, 'own.move@example.org');
    const token = manageTokenOf(manageLinkIn((await sys.calendarEvent(host, slotId)).description));
    expect((await offeredFromStoredBusy(host)).has(to.toMillis())).toBe(true);

    await dropPushes();
    const res = await manageAct(sys.functionsUrl, token, { action: 'reschedule', start: to.toUTC().toISO()! });
    expect(res.status).toBe(200);
    const offered = await offeredFromStoredBusy(host);
    expect(offered.has(from.toMillis())).toBe(true);
    expect(offered.has(to.toMillis())).toBe(false);
  });
});
