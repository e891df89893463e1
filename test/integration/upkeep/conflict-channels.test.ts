// The scheduled run keeps the channels of the calendars a host checks for conflicts as it keeps the
// default's: a missing one is made again, one no longer checked is stopped at Google, they are
// renewed before they expire, and one Google says is gone leaves the host's list (no mail).
import { services, upkeepDeps } from '../../../functions/services';
import { watchDefaultCalendar } from '../../../shared/accounts/default-calendar';
import { runUpkeep, type UpkeepOptions } from '../../../shared/upkeep/run-upkeep';
import { channelState } from '../../support/channel-state';
import { simClock, type SimClock } from '../../support/sim-clock';
import { startSystem, type TestHost, type TestSystem } from '../../support/system';

jest.setTimeout(90_000);

const HOUR = 3_600_000;
const DAY = 24 * HOUR;
const OPTIONS: UpkeepOptions = { windowMs: 48 * HOUR, reconcileIntervalMs: 0, budgetMs: 30_000, concurrency: 4 };

let sys: TestSystem;
let clock: SimClock;

beforeAll(async () => {
  sys = await startSystem();
  clock = simClock(sys);
});
afterAll(async () => {
  clock.restore();
  await sys.close();
});

const run = () => runUpkeep(upkeepDeps(), OPTIONS);

async function liveAtGoogle(calendarId: string): Promise<string[]> {
  return (await sys.control<{ id: string; calendarId: string }[]>('/channels')).filter((c) => c.calendarId === calendarId).map((c) => c.id);
}

/** A host watching its default and a calendar of its own checked for conflicts, as a settings save leaves it. */
async function hostWithConflictCalendar(): Promise<{ host: TestHost; personal: string }> {
  const host = await sys.createHost();
  const { calendarId: personal } = await sys.control<{ calendarId: string }>(`/accounts/${encodeURIComponent(host.email)}/calendars`, { summary: 'Personal' });
  const changed = await services().subscribers.change(host.id, (current) => ({ ...current, conflictCalendarIds: [personal] }));
  await watchDefaultCalendar({ channels: services().channels }, host.id, changed!.after);
  expect(await liveAtGoogle(personal)).toHaveLength(1);
  return { host, personal };
}

it('a conflict calendar whose channel is gone gets a new one', async () => {
  const { host, personal } = await hostWithConflictCalendar();
  await services().channels.stopWatching(host.id, personal);
  expect(await liveAtGoogle(personal)).toEqual([]);

  const summary = await run();
  expect(summary.failed).toBe(0);
  const [made] = await liveAtGoogle(personal);
  expect(made).toBeDefined();
  expect(await services().channels.liveChannelOf(host.id, personal)).toBe(made);
  expect(await liveAtGoogle(host.calendarId)).toHaveLength(1);
});

it('the channel of a calendar no longer checked (a save interrupted before its channels were stopped) is stopped at Google', async () => {
  const { host, personal } = await hostWithConflictCalendar();
  const [channelId] = await liveAtGoogle(personal);
  await services().subscribers.change(host.id, (current) => ({ ...current, conflictCalendarIds: [] }));

  await run();
  expect(await liveAtGoogle(personal)).toEqual([]);
  expect(await channelState(channelId!)).toBeUndefined();
  expect(await liveAtGoogle(host.calendarId)).toHaveLength(1);
});

it('a shared conflict calendar Google says is gone (no longer shared) leaves the host\'s list, its channel stopped, nobody mailed', async () => {
  const host = await sys.createHost();
  const partner = await sys.control<{ email: string }>('/accounts', { email: `partner-${host.slug}@example.test` });
  const { calendarId: family } = await sys.control<{ calendarId: string }>(`/accounts/${encodeURIComponent(partner.email)}/calendars`, { summary: 'Family' });
  await sys.control(`/calendars/${encodeURIComponent(family)}/share`, { email: host.email, role: 'reader' });
  const changed = await services().subscribers.change(host.id, (current) => ({ ...current, conflictCalendarIds: [family] }));
  await watchDefaultCalendar({ channels: services().channels }, host.id, changed!.after);
  expect(await liveAtGoogle(family)).toHaveLength(1);
  await sys.control(`/calendars/${encodeURIComponent(family)}/share`, { email: host.email, role: 'none' });

  await run();
  expect((await services().subscribers.get(host.id))?.conflictCalendarIds).toEqual([]);
  expect(await services().channels.channels.ofHost(host.id)).toEqual([expect.objectContaining({ channel: expect.objectContaining({ calendarId: host.calendarId }) })]);
  expect(await sys.sinkMessages(host.email)).toEqual([]);
  expect(await liveAtGoogle(host.calendarId)).toHaveLength(1);
});

it('conflict channels expiring inside the window are renewed with the default\'s', async () => {
  const { host, personal } = await hostWithConflictCalendar();
  const [oldConflict] = await liveAtGoogle(personal);
  const [oldDefault] = await liveAtGoogle(host.calendarId);
  // 28.5 days after the watch: it expires in 1.5 days, inside the window.
  await clock.advance(28.5 * DAY);

  const summary = await run();
  expect(summary.failed).toBe(0);
  const [renewed] = await liveAtGoogle(personal);
  expect(renewed).toBeDefined();
  expect(renewed).not.toBe(oldConflict);
  expect(await channelState(oldConflict!)).toBeUndefined();
  expect(await services().channels.liveChannelOf(host.id, personal)).toBe(renewed);
  expect((await channelState(renewed!))!.expiration!.getTime() - clock.now().getTime()).toBeGreaterThan(29 * DAY);
  expect(await liveAtGoogle(host.calendarId)).not.toContain(oldDefault);
});
