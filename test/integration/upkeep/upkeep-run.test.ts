// The scheduled run against the real emulators: what each step fixes, the Google failures it
// outlasts, and that a run out of time resumes where it stopped. The run and the webhook share one
// clock, which the tests move together with the Google emulator's.
import { services, syncDeps, upkeepDeps } from '../../../functions/services';
import { createLogger } from '../../../shared/log';
import { eventIdForSlot } from '../../../shared/google/event-identity';
import { syncChannel } from '../../../shared/sync/sync-channel';
import { runUpkeep, type UpkeepOptions } from '../../../shared/upkeep/run-upkeep';
import { UpkeepStateRepository } from '../../../shared/upkeep/upkeep-state';
import { book, freeSlot, GUEST } from '../../support/booking-client';
import { simClock, type SimClock } from '../../support/sim-clock';
import { startSystem, type TestHost, type TestSystem } from '../../support/system';
import { until } from '../../support/until';
import { channelState } from '../../support/channel-state';

jest.setTimeout(90_000);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const OPTIONS: UpkeepOptions = { windowMs: 48 * HOUR, reconcileIntervalMs: 0, budgetMs: 30_000, concurrency: 4 };

let sys: TestSystem;
let clock: SimClock;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
  clock = simClock(sys);
});
afterAll(async () => {
  clock.restore();
  await sys.close();
});

const run = (options: Partial<UpkeepOptions> = {}) => runUpkeep(upkeepDeps(), { ...OPTIONS, ...options });

async function watchedHost(): Promise<{ host: TestHost; channelId: string }> {
  const host = await sys.createHost();
  const s = services();
  const { channelId } = await s.channels.ensureChannel(host.id, (await s.subscribers.get(host.id))!, host.calendarId);
  return { host, channelId };
}

async function liveAtGoogle(calendarId: string): Promise<string[]> {
  return (await sys.control<{ id: string; calendarId: string }[]>('/channels')).filter((c) => c.calendarId === calendarId).map((c) => c.id);
}

async function bookSlot(host: TestHost, guestEmail: string, n: number): Promise<string> {
  const slot = await freeSlot(sys.functionsUrl, host.slug, n);
  const res = await book(sys.functionsUrl, { host: host.slug, start: slot.start, guest: { ...GUEST, email: guestEmail } });
  expect(res.status).toBe(201);
  return ((await res.json()) as { slotId: string }).slotId;
}

it('changes whose pushes were lost are all applied by the next run', async () => {
  const { host, channelId } = await watchedHost();
  const declined = await bookSlot(host, 'decliner@example.org', 0);
  const removed = await bookSlot(host, 'keeper@example.org', 3);
  // Every push Google sent so far has been synced (the last message number Google gave is ours),
  // so no push's sync still holds the lease when the run comes.
  await until(async () => {
    const sent = (await sys.control<{ id: string; lastMessageNumber: number }[]>('/channels')).find((c) => c.id === channelId)?.lastMessageNumber;
    const channel = await channelState(channelId);
    return channel && sent !== undefined && sent >= 2 && channel.lastMessageNumber === sent && channel.lease === null && !channel.dirty ? true : undefined;
  }, 'the bookings to be synced');
  await sys.control('/push', { mode: 'drop' });
  try {
    await sys.control(`/calendars/${encodeURIComponent(host.calendarId)}/events/${eventIdForSlot(declined)}/respond`, { email: 'decliner@example.org', responseStatus: 'declined' });
    const deleted = await fetch(`${sys.google.url}/calendar/v3/calendars/${encodeURIComponent(host.calendarId)}/events/${eventIdForSlot(removed)}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${await sys.accessToken(host)}` },
    });
    expect(deleted.status).toBe(204);
    // Nothing reached us: the slots still think nothing happened.
    expect((await services().slots.get(declined))?.status).toBe('requested');
    expect((await services().slots.get(removed))?.status).toBe('requested');

    const summary = await run();
    expect(summary).toMatchObject({ failed: 0, remaining: 0 });
    expect(summary.reconciled).toBeGreaterThanOrEqual(1);
    // Synced by the run, or by a push's sync still running, which the run marked to go once more.
    await until(async () => ((await services().slots.get(declined))?.status === 'declined' ? true : undefined), 'the decline to be applied');
    await until(async () => ((await services().slots.get(removed))?.status === 'cancelled' ? true : undefined), 'the deletion to be applied');
  } finally {
    await sys.control('/push', { mode: 'normal' });
  }
});

it('a change made while a sync was applying its list, its push lost, is applied by the next run', async () => {
  const { host, channelId } = await watchedHost();
  await sys.control('/push', { mode: 'drop' });
  try {
    const declined = await bookSlot(host, 'early@example.org', 0);
    const removed = await bookSlot(host, 'late@example.org', 3);
    await sys.control(`/calendars/${encodeURIComponent(host.calendarId)}/events/${eventIdForSlot(declined)}/respond`, { email: 'early@example.org', responseStatus: 'declined' });
    // The sync applying the decline waits at Google's delete: its list has been taken by then.
    await sys.control('/faults', { method: 'DELETE', pathContains: eventIdForSlot(declined), delayMs: 1_500, count: 1 });
    const accessToken = await sys.accessToken(host);
    const listedFrom = clock.now();
    const syncing = syncChannel(syncDeps(), channelId, 30_000);
    await until(async () => ((await services().slots.get(declined))?.status === 'declined' ? true : undefined), 'the decline to be applied');
    const deleted = await fetch(`${sys.google.url}/calendar/v3/calendars/${encodeURIComponent(host.calendarId)}/events/${eventIdForSlot(removed)}`, {
      method: 'DELETE',
      headers: { authorization: `Bearer ${accessToken}` },
    });
    expect(deleted.status).toBe(204);
    await clock.advance(HOUR);
    expect((await syncing).outcome).toBe('synced');
    // The sync ended an hour later by the clock, but what it listed is from before the deletion.
    expect((await services().slots.get(removed))?.status).toBe('requested');
    expect((await channelState(channelId))!.lastSyncedAt!.getTime()).toBeLessThan(listedFrom.getTime() + HOUR);

    const summary = await run({ reconcileIntervalMs: 30 * 60_000 });
    expect(summary).toMatchObject({ failed: 0, remaining: 0 });
    expect(summary.reconciled).toBeGreaterThanOrEqual(1);
    expect((await services().slots.get(removed))?.status).toBe('cancelled');
  } finally {
    await sys.control('/push', { mode: 'normal' });
  }
});

it("a deleted host's channel is forgotten (with the host's grant gone, Google lets it expire)", async () => {
  const { host, channelId } = await watchedHost();
  await sys.db.collection('subscribers').doc(host.id).delete();

  const summary = await run();
  expect(summary.healed).toBeGreaterThanOrEqual(1);
  expect(await channelState(channelId)).toBeUndefined();
});

it('a channel of a host whose default left Google is stopped at Google and forgotten', async () => {
  const { host, channelId } = await watchedHost();
  await sys.db.collection('subscribers').doc(host.id).update({ defaultCalendar: { provider: 'other', calendarId: 'caldav:work' } });

  await run();
  expect(await liveAtGoogle(host.calendarId)).toEqual([]);
  expect(await channelState(channelId)).toBeUndefined();
});

it('a channel on a calendar that stopped being the default is replaced by one on the new default', async () => {
  const { host, channelId } = await watchedHost();
  const { calendarId: secondary } = await sys.control<{ calendarId: string }>(`/accounts/${encodeURIComponent(host.email)}/calendars`, { summary: 'Bookings' });
  // As an interrupted settings save leaves it: the default changed, the channels not yet.
  await sys.db.collection('subscribers').doc(host.id).update({ defaultCalendar: { provider: 'google', calendarId: secondary } });

  await run();
  expect(await liveAtGoogle(host.calendarId)).toEqual([]);
  expect(await channelState(channelId)).toBeUndefined();
  const [replacement] = await liveAtGoogle(secondary);
  expect(replacement).toBeDefined();
  expect(await services().channels.liveChannelOf(host.id, secondary)).toBe(replacement);
});

it('a host who revoked our access meets the renewal: connection marked broken, channel dropped, host told once', async () => {
  const { host, channelId } = await watchedHost();
  await sys.control(`/accounts/${encodeURIComponent(host.email)}/revoke`, {});

  const summary = await run({ windowMs: 60 * DAY });
  expect(summary.healed).toBeGreaterThanOrEqual(1);
  expect((await services().subscribers.get(host.id))?.google?.status).toBe('broken');
  expect(await channelState(channelId)).toBeUndefined();
  expect(await sys.sinkMessages(host.email)).toHaveLength(1);
  await run({ windowMs: 60 * DAY });
  expect(await sys.sinkMessages(host.email)).toHaveLength(1);
});

it('a run that ran out of time resumes at its cursor, and overlapping runs do not both work', async () => {
  const hosts = [await sys.createHost(), await sys.createHost(), await sys.createHost()].sort((a, b) => a.id.localeCompare(b.id));
  const state = new UpkeepStateRepository(sys.db);
  // As a run that stopped after the second of these hosts leaves it.
  await state.begin('earlier-run', clock.now(), 1);
  await state.end('earlier-run', { phase: 'hosts', after: hosts[1]!.id }, {}, clock.now());

  await run();
  expect(await liveAtGoogle(hosts[0]!.calendarId)).toEqual([]);
  expect(await liveAtGoogle(hosts[1]!.calendarId)).toEqual([]);
  expect(await liveAtGoogle(hosts[2]!.calendarId)).toHaveLength(1);

  const [first, second] = await Promise.all([run(), run()]);
  expect([first.skipped, second.skipped].sort()).toEqual([false, true]);
  for (const host of hosts) expect(await liveAtGoogle(host.calendarId)).toHaveLength(1);
});

it('a run logs its summary as one structured line', async () => {
  const lines: string[] = [];
  const log = createLogger({ level: 'info', destination: { write: (line: string) => void lines.push(line) } });
  const summary = await runUpkeep({ ...upkeepDeps(), log }, OPTIONS);
  const runLines = lines.map((line) => JSON.parse(line) as { severity: string; message: string; upkeep?: unknown }).filter((line) => line.upkeep);
  expect(runLines).toEqual([expect.objectContaining({ severity: 'INFO', message: 'renewal run done', upkeep: summary })]);
});

it('a run with no time left starts nothing and says what remains', async () => {
  await sys.createHost();
  const summary = await run({ budgetMs: 0 });
  expect(summary).toMatchObject({ renewed: 0, healed: 0, reconciled: 0, mailed: 0 });
  expect(summary.remaining).toBeGreaterThan(0);
  // The next run with time does it.
  expect((await run()).healed).toBe(1);
});

it('mail the sink refused for two runs is delivered by the third, exactly once', async () => {
  const s = services();
  await fetch(`${sys.mail.url}/faults`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ status: 503, count: 3 }) });
  const mail = { to: { email: 'outbox-host@example.test' }, subject: 'Booking request', text: 'hello', html: '<p>hello</p>' };
  expect(await s.mailer.send(mail, 'upkeep-test:outbox')).toBe('queued');

  const mailed: number[] = [];
  for (let hour = 1; hour <= 4; hour += 1) {
    await clock.advance(HOUR);
    mailed.push((await run()).mailed);
  }
  expect(mailed).toEqual([0, 0, 1, 0]);
  expect(await sys.sinkMessages('outbox-host@example.test')).toHaveLength(1);
});

it('channels expiring inside the window are renewed, through Google 429s, and the others left alone', async () => {
  const early = await watchedHost();
  await clock.advance(5 * DAY);
  const late = await watchedHost();
  // 28.5 days after the first watch: it expires in 1.5 days, the second in 6.5.
  await clock.advance(23.5 * DAY);
  await sys.control('/faults', { pathContains: '/events/watch', status: 429, count: 2 });

  const summary = await run();
  // The first host's, and those of the tests before (all watched at the start).
  expect(summary.renewed).toBeGreaterThanOrEqual(1);
  expect(summary.failed).toBe(0);
  const [renewed] = await liveAtGoogle(early.host.calendarId);
  expect(renewed).toBeDefined();
  expect(renewed).not.toBe(early.channelId);
  expect(await channelState(early.channelId)).toBeUndefined();
  expect(await services().channels.liveChannelOf(early.host.id, early.host.calendarId)).toBe(renewed);
  expect(await liveAtGoogle(late.host.calendarId)).toEqual([late.channelId]);
  const expiration = (await channelState(renewed!))!.expiration!;
  expect(expiration.getTime() - clock.now().getTime()).toBeGreaterThan(29 * DAY);
});
