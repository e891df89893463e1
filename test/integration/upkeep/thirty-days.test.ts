// Thirty simulated days of hourly renewal runs against the Google emulator, with our clock and
// the emulator's moved together. Hosts connect at different times; Google grants channels of five
// days (it may shorten what we ask), so each is renewed several times. Along the way a renewal is
// killed while Google handles its watch, another while Google handles the old channel's stop,
// channels.stop fails for good once, and Google answers 429 to watches. A renewal overlaps a
// running sync while a guest declines (both channels pushed: one sync at a time, the decline
// applied once), and a host loses the grant, a guest declines meanwhile, and the host reconnects
// (the calendar watched again from its last token: the decline is applied). Checked after every
// run (and after each crash): every connected host's default calendar has a live channel at
// Google that lasts until the next check and is tracked by us, and no live channel of ours is
// untracked (but the one a lost grant left, which nobody can stop and which expires by itself).
// Channels live until their expiration unless we stop them, so coverage at each check up to the
// next means no minute without one.
import { spawn } from 'node:child_process';
import { join } from 'node:path';
import { services, syncDeps, upkeepDeps } from '../../../functions/services';
import { watchDefaultCalendar } from '../../../shared/accounts/default-calendar';
import { eventIdForSlot } from '../../../shared/google/event-identity';
import { syncChannel } from '../../../shared/sync/sync-channel';
import { runUpkeep, type UpkeepSummary } from '../../../shared/upkeep/run-upkeep';
import { book, freeSlot, GUEST } from '../../support/booking-client';
import { channelState } from '../../support/channel-state';
import { simClock, type SimClock } from '../../support/sim-clock';
import { startSystem, type TestHost, type TestSystem } from '../../support/system';
import { until } from '../../support/until';

jest.setTimeout(300_000);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const CHANNEL_LIFE_S = (5 * DAY) / 1000;
/** When each host connects Google, in hours from the start. */
const CONNECT_AT = [0, 7, 31, 58, 101, 190];
const KILL_DURING_WATCH_AT = 72;
const KILL_DURING_STOP_AT = 80;
const STOP_FAILS_AT = 200;
const RATE_LIMITED_AT = 300;
const RENEWAL_OVER_SYNC_AT = 130;
const GRANT_LOST_AT = 400;
const RECONNECT_AT = 409;

let sys: TestSystem;
let clock: SimClock;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true', LOG_LEVEL: 'silent' });
  clock = simClock(sys);
  await sys.control('/channel-policy', { maxTtlSeconds: CHANNEL_LIFE_S });
});
afterAll(async () => {
  clock.restore();
  await sys.close();
});

interface LiveChannel {
  id: string;
  calendarId: string;
  expiration: number;
}

/** Channels a lost grant left live at Google: nobody can stop them; they expire by themselves. */
const unstoppable = new Set<string>();

/** What is wrong at this moment: a host with no channel lasting until `horizon`, or an untracked live channel. */
async function gaps(hosts: TestHost[], horizon: number): Promise<string[]> {
  const live = (await sys.control<LiveChannel[]>('/channels')).filter((channel) => !unstoppable.has(channel.id));
  const problems: string[] = [];
  const ours = new Set((await services().channels.channels.all()).map((c) => c.id));
  const tracked = new Map(live.map((channel) => [channel.id, ours.has(channel.id)]));
  for (const channel of live) if (!tracked.get(channel.id)) problems.push(`channel ${channel.id} on ${channel.calendarId} is live at Google but untracked`);
  for (const host of hosts) {
    const covering = live.filter((c) => c.calendarId === host.calendarId && c.expiration >= horizon && tracked.get(c.id));
    if (covering.length === 0) problems.push(`${host.calendarId} has no tracked channel live until ${new Date(horizon).toISOString()}`);
  }
  return problems;
}

async function apiCalls(operation: string): Promise<number> {
  const counts = await sys.control<{ byOperation: Record<string, number> }>('/requests');
  return counts.byOperation[operation] ?? 0;
}

/** Renews the host's channel in a process of its own and kills it once Google has `operation` in hand. */
async function killRenewalDuring(host: TestHost, operation: 'events.watch' | 'channels.stop', pathContains: string): Promise<void> {
  const channelId = await services().channels.liveChannelOf(host.id, host.calendarId);
  expect(channelId).toBeDefined();
  const before = await apiCalls(operation);
  // Google takes its time over this call: long enough to kill the caller while it waits.
  await sys.control('/faults', { pathContains, delayMs: 1500, count: 1 });
  const child = spawn(process.execPath, ['--import', 'tsx', join(__dirname, '../../support/renew-in-child.ts'), channelId!], {
    env: { ...process.env, ...sys.env, LOG_LEVEL: 'silent', SIM_CLOCK_OFFSET_MS: String(clock.offsetMs()) },
    stdio: 'ignore',
  });
  const exited = new Promise<number | null>((resolve) => child.once('exit', (code) => resolve(code)));
  try {
    await until(async () => ((await apiCalls(operation)) > before ? true : undefined), `the child's ${operation} to reach Google`, 30_000);
  } finally {
    child.kill('SIGKILL');
  }
  expect(await exited).toBeNull();
  // Google finishes what it was asked (the call arrived); its sync message may follow.
  await new Promise((resolve) => setTimeout(resolve, 2000));
}

async function liveAt(calendarId: string): Promise<string[]> {
  return (await sys.control<LiveChannel[]>('/channels')).filter((c) => c.calendarId === calendarId).map((c) => c.id);
}

const respond = (host: TestHost, slotId: string, email: string, responseStatus: string) =>
  sys.control(`/calendars/${encodeURIComponent(host.calendarId)}/events/${eventIdForSlot(slotId)}/respond`, { email, responseStatus });

const statusOf = async (slotId: string) => (await services().slots.require(slotId)).status;

/** A guest books the host's first free slot; returns once its push has been synced. */
async function bookedSlot(host: TestHost, guest: string): Promise<string> {
  const channelId = (await services().channels.liveChannelOf(host.id, host.calendarId))!;
  const before = (await channelState(channelId))?.syncToken;
  const offered = await freeSlot(sys.functionsUrl, host.slug);
  const res = await book(sys.functionsUrl, { host: host.slug, start: offered.start, guest: { ...GUEST, email: guest } });
  expect(res.status).toBe(201);
  await until(async () => {
    const state = await channelState(channelId);
    return state && state.syncToken !== before && !state.lease && !state.dirty ? true : undefined;
  }, 'the booking to be synced');
  return ((await res.json()) as { slotId: string }).slotId;
}

/**
 * The host's channel is renewed while a sync of it waits at Google, and Google is slow to stop the
 * old channel: while both are live, the guest declines and Google pushes both.
 */
async function renewalOverRunningSync(host: TestHost): Promise<string> {
  const guest = 'overlap@example.org';
  const slotId = await bookedSlot(host, guest);
  const channelId = (await services().channels.liveChannelOf(host.id, host.calendarId))!;
  await sys.control('/faults', { method: 'GET', pathContains: '/events', delayMs: 2_000, count: 1 });
  await sys.control('/faults', { pathContains: '/channels/stop', delayMs: 3_000, count: 1 });
  const syncing = syncChannel(syncDeps(), channelId, 30_000);
  await until(async () => ((await channelState(channelId))?.lease ? true : undefined), 'the sync to hold the lease');
  const renewing = services().channels.renewChannel(channelId);
  await until(async () => ((await liveAt(host.calendarId)).length === 2 ? true : undefined), 'both channels live');
  await respond(host, slotId, guest, 'declined');
  await Promise.all([syncing, renewing]);
  await until(async () => ((await statusOf(slotId)) === 'declined' ? true : undefined), 'the decline during the overlap');
  return slotId;
}

/** The host revokes our grant with a booking standing; a sync meets it (connection marked broken, channel dropped). */
async function grantLost(host: TestHost): Promise<string> {
  const slotId = await bookedSlot(host, 'while-disconnected@example.org');
  const channelId = (await services().channels.liveChannelOf(host.id, host.calendarId))!;
  for (const id of await liveAt(host.calendarId)) unstoppable.add(id);
  await sys.control(`/accounts/${encodeURIComponent(host.email)}/revoke`, {});
  expect((await syncChannel(syncDeps(), channelId, 10_000)).outcome).toBe('connection_lost');
  // While nothing watches the calendar, the guest declines.
  await respond(host, slotId, 'while-disconnected@example.org', 'declined');
  return slotId;
}

/** The host connects again: a new grant, the default calendar watched as connect does it. */
async function reconnect(host: TestHost): Promise<void> {
  const s = services();
  const { refreshToken } = await sys.control<{ refreshToken: string }>('/accounts', { email: host.email });
  const changed = await s.subscribers.change(host.id, (current) => ({
    ...current,
    google: { accountEmail: host.email, refreshToken: s.cipher.encrypt(refreshToken), status: 'ok', connectedAt: s.now() },
  }));
  await watchDefaultCalendar({ channels: s.channels }, host.id, changed!.after);
}

it('over 30 days of hourly runs no default calendar lacks a live channel for a minute, through crashes, failed stops, 429s, a renewal over a running sync and a lost grant', async () => {
  const hosts: TestHost[] = [];
  let declinedInOverlap: string | undefined;
  let declinedWhileDisconnected: string | undefined;
  let disconnected: TestHost | undefined;
  const summaries: UpkeepSummary[] = [];
  const problems: string[] = [];
  const renewalsBefore = await apiCalls('events.watch');

  for (let hour = 0; hour <= 30 * 24; hour += 1) {
    if (hour > 0) await clock.advance(HOUR);
    if (CONNECT_AT.includes(hour)) {
      // First-time setup: the host connects and the default calendar is watched.
      const host = await sys.createHost();
      await services().channels.ensureChannel(host.id, (await services().subscribers.get(host.id))!, host.calendarId);
      hosts.push(host);
    }
    if (hour === KILL_DURING_WATCH_AT) await killRenewalDuring(hosts[0]!, 'events.watch', '/events/watch');
    if (hour === KILL_DURING_STOP_AT) await killRenewalDuring(hosts[1]!, 'channels.stop', '/channels/stop');
    // More failures than the client's retries: the stop fails for good and the channel stays tracked.
    if (hour === STOP_FAILS_AT) await sys.control('/faults', { pathContains: '/channels/stop', status: 503, count: 6 });
    if (hour === RATE_LIMITED_AT) await sys.control('/faults', { pathContains: '/events/watch', status: 429, count: 3 });
    if (hour === RENEWAL_OVER_SYNC_AT) declinedInOverlap = await renewalOverRunningSync(hosts[1]!);
    if (hour === GRANT_LOST_AT) {
      disconnected = hosts[2]!;
      declinedWhileDisconnected = await grantLost(disconnected);
    }
    if (hour === RECONNECT_AT) {
      await reconnect(disconnected!);
      disconnected = undefined;
      // No push for a change made before the channel: this hour's run finds the calendar to sync.
      expect(await statusOf(declinedWhileDisconnected!)).toBe('requested');
    }
    const covered = hosts.filter((host) => host !== disconnected);

    // The last check's horizon covers the time up to now, unless something was done since.
    if ([KILL_DURING_WATCH_AT, KILL_DURING_STOP_AT].includes(hour)) {
      problems.push(...(await gaps(covered, clock.now().getTime())).map((p) => `hour ${hour}, before the run: ${p}`));
    }
    summaries.push(await runUpkeep(upkeepDeps(), { windowMs: 48 * HOUR, reconcileIntervalMs: 6 * HOUR, budgetMs: 60_000, concurrency: 4 }));
    problems.push(...(await gaps(covered, clock.now().getTime() + HOUR)).map((p) => `hour ${hour}, after the run: ${p}`));
    if (hour === RECONNECT_AT) expect(await statusOf(declinedWhileDisconnected!)).toBe('declined');
  }

  expect(problems).toEqual([]);
  expect(hosts).toHaveLength(CONNECT_AT.length);
  // The decline during the renewal's overlap was applied once, and the host told once.
  expect((await services().slots.require(declinedInOverlap!)).history.filter((h) => h.cause === 'guest_declined')).toHaveLength(1);
  expect((await sys.sinkMessages(hosts[1]!.email)).filter((m) => m.subject.includes(' declined: '))).toHaveLength(1);
  const renewed = summaries.reduce((sum, s) => sum + s.renewed, 0);
  // Five-day channels renewed two days ahead: every three days or so, per host.
  expect(renewed).toBeGreaterThanOrEqual(40);
  expect(await apiCalls('events.watch')).toBeGreaterThan(renewalsBefore + renewed);
  expect(summaries.every((s) => s.remaining === 0 && !s.skipped)).toBe(true);
  // The crashed and failed steps left channels the heal stopped.
  expect(summaries.reduce((sum, s) => sum + s.healed, 0)).toBeGreaterThanOrEqual(2);
  // In the end: exactly one channel per host, at Google and here.
  const live = await sys.control<LiveChannel[]>('/channels');
  expect(live).toHaveLength(hosts.length);
  expect((await services().channels.channels.all()).map((c) => c.id).sort()).toEqual(live.map((c) => c.id).sort());
});
