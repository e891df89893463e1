// The heal walks every host and channel; at scale a run walks it only once the last cycle began
// the heal interval ago (UpkeepOptions.healIntervalMs; by default every run, as before).
import { services, upkeepDeps } from '../../../functions/services';
import { runUpkeep, type UpkeepOptions } from '../../../shared/upkeep/run-upkeep';
import { simClock, type SimClock } from '../../support/sim-clock';
import { startSystem, type TestSystem } from '../../support/system';

jest.setTimeout(90_000);

const HOUR = 3_600_000;
const OPTIONS: UpkeepOptions = { windowMs: 48 * HOUR, reconcileIntervalMs: 0, budgetMs: 30_000, concurrency: 4, healIntervalMs: 24 * HOUR };
let sys: TestSystem;
let clock: SimClock;

beforeAll(async () => {
  sys = await startSystem({ LOG_LEVEL: 'silent' });
  clock = simClock(sys);
});
afterAll(async () => {
  clock.restore();
  await sys.close();
});

it('a calendar left without a channel is healed by the first run after the interval, not before', async () => {
  const s = services();
  const host = await sys.createHost();
  const { channelId } = await s.channels.ensureChannel(host.id, (await s.subscribers.get(host.id))!, host.calendarId);
  expect((await runUpkeep(upkeepDeps(), OPTIONS)).healed).toBe(0);

  // The channel is gone (as after a renewal that kept failing): the watch names none.
  await s.channels.stopChannel(channelId);
  expect(await s.channels.liveChannelOf(host.id, host.calendarId)).toBeUndefined();
  expect((await runUpkeep(upkeepDeps(), OPTIONS)).healed).toBe(0);
  expect(await s.channels.liveChannelOf(host.id, host.calendarId)).toBeUndefined();

  await clock.advance(24 * HOUR);
  expect((await runUpkeep(upkeepDeps(), OPTIONS)).healed).toBe(1);
  expect(await s.channels.liveChannelOf(host.id, host.calendarId)).toBeDefined();
  // Every run, as before, when no interval is set.
  await s.channels.stopChannel((await s.channels.liveChannelOf(host.id, host.calendarId))!);
  expect((await runUpkeep(upkeepDeps(), { ...OPTIONS, healIntervalMs: undefined })).healed).toBe(1);
});
