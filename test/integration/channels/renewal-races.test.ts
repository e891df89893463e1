// A renewal reads the channel, its watch and its host once, then waits at Google for the new
// channel, then points the watch at it in one commit conditioned on the watch as read. Whatever
// writes the watch meanwhile (a push's sync, a heal, another renewal), and whatever Google answers
// to the old channel's stop, the calendar ends with one live channel of ours, the one its watch
// names, and nothing live that we do not track. Each interleaving is made by holding the renewal's
// watch at Google until the other party has done its part (the emulator's delay, never a sleep).
import { services, upkeepDeps } from '../../../functions/services';
import { NoGoogleConnection } from '../../../shared/channels/channel-service';
import { watchKey } from '../../../shared/channels/watches';
import { ConnectionRevoked } from '../../../shared/google/errors';
import { runUpkeep } from '../../../shared/upkeep/run-upkeep';
import { startSystem, type TestHost, type TestSystem } from '../../support/system';
import { until } from '../../support/until';

jest.setTimeout(60_000);

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem();
});
afterAll(() => sys.close());
afterEach(() => fetch(`${sys.google.url}/emulator/v1/faults`, { method: 'DELETE' }));

/** The heal's grace for a channel just switched has passed (as the next scheduled run finds it). */
const pastTheGrace = (channelId: string) => services().channels.channels.ref(channelId).update({ updatedAt: new Date(Date.now() - 5 * 60_000) });

const run = () => runUpkeep(upkeepDeps(), { windowMs: 0, reconcileIntervalMs: 60 * 60_000, budgetMs: 20_000, concurrency: 4 });

async function watchedHost(): Promise<{ host: TestHost; channelId: string }> {
  const host = await sys.createHost();
  const s = services();
  const { channelId } = await s.channels.ensureChannel(host.id, (await s.subscribers.get(host.id))!, host.calendarId);
  return { host, channelId };
}

async function liveAt(calendarId: string): Promise<string[]> {
  return (await sys.control<{ id: string; calendarId: string }[]>('/channels')).filter((c) => c.calendarId === calendarId).map((c) => c.id);
}

/** Live channels at Google on the calendar that we do not track. */
async function untracked(calendarId: string): Promise<string[]> {
  const live = await liveAt(calendarId);
  const tracked = await services().channels.channels.getMany(live);
  return live.filter((id) => !tracked.has(id));
}

const watchOf = (host: TestHost) => services().channels.watches.get(watchKey(host.id, host.calendarId));

/** Starts renewing the channel with Google slow to answer its watch; resolves once the pending channel is made. */
async function renewalWaitingAtGoogle(host: TestHost, channelId: string) {
  await sys.control('/faults', { pathContains: '/events/watch', delayMs: 3_000, count: 1 });
  const renewing = services().channels.renewChannel(channelId);
  const pending = await until(async () => (await services().channels.channels.ofHost(host.id)).find((c) => c.channel.state === 'pending')?.id, "the renewal's pending channel");
  return { renewing, pending };
}

it("a push's sync writing the watch while the renewal waits at Google: the watch still moves to the new channel, and keeps what the sync wrote", async () => {
  const { host, channelId: oldId } = await watchedHost();
  const { renewing, pending } = await renewalWaitingAtGoogle(host, oldId);
  // As a push's sync does: the watch written between the renewal's read and its commit.
  await services().channels.watches.refOf(host.id, host.calendarId).update({ dirty: true, lease: { holder: 'a-push-sync', until: new Date(Date.now() + 60_000) } });

  expect(await renewing).toEqual({ channelId: pending });

  expect(await watchOf(host)).toMatchObject({ channelId: pending, dirty: true, lease: { holder: 'a-push-sync' } });
  expect(await liveAt(host.calendarId)).toEqual([pending]);
  expect(await services().channels.channels.get(oldId)).toBeUndefined();
  expect((await services().channels.channels.get(pending))?.state).toBe('active');
});

it('two renewals of one channel at once: one channel stays live, the one the watch names, and both renewals answer it', async () => {
  const { host, channelId: oldId } = await watchedHost();
  await sys.control('/faults', { pathContains: '/events/watch', delayMs: 2_000, count: 2 });
  const [first, second] = await Promise.all([services().channels.renewChannel(oldId), services().channels.renewChannel(oldId)]);

  const current = (await watchOf(host))?.channelId;
  expect(current).not.toBe(oldId);
  expect(first).toEqual({ channelId: current });
  expect(second).toEqual({ channelId: current });
  expect(await liveAt(host.calendarId)).toEqual([current]);
  expect((await services().channels.channels.ofHost(host.id)).map((c) => c.id)).toEqual([current]);
});

it('a heal that replaced the channel while the renewal waited at Google wins: the renewal stops its own, and the next run the old one', async () => {
  const { host, channelId: oldId } = await watchedHost();
  // The old channel is about to expire: the heal does not count it as live.
  await services().channels.channels.ref(oldId).update({ expiration: new Date(Date.now() + 10 * 60_000) });
  const { renewing, pending } = await renewalWaitingAtGoogle(host, oldId);
  const healed = await services().channels.ensureChannel(host.id, (await services().subscribers.get(host.id))!, host.calendarId);
  expect(healed.created).toBe(true);

  expect(await renewing).toEqual({ channelId: healed.channelId });

  expect((await watchOf(host))?.channelId).toBe(healed.channelId);
  expect(await liveAt(host.calendarId)).not.toContain(pending);
  expect(await services().channels.channels.get(pending)).toBeUndefined();
  expect(await untracked(host.calendarId)).toEqual([]);
  await pastTheGrace(oldId);
  await run();
  expect(await liveAt(host.calendarId)).toEqual([healed.channelId]);
  expect((await services().channels.channels.ofHost(host.id)).map((c) => c.id)).toEqual([healed.channelId]);
});

it('Google failing the old channel’s stop (5xx past the retries): the renewal stands, the old channel stays tracked, and the next run stops it', async () => {
  const { host, channelId: oldId } = await watchedHost();
  await sys.control('/faults', { pathContains: '/channels/stop', status: 503, count: 6 });

  const renewed = await services().channels.renewChannel(oldId);

  expect((await watchOf(host))?.channelId).toBe(renewed!.channelId);
  expect((await liveAt(host.calendarId)).sort()).toEqual([oldId, renewed!.channelId].sort());
  expect((await services().channels.channels.get(oldId))?.state).toBe('active');
  await fetch(`${sys.google.url}/emulator/v1/faults`, { method: 'DELETE' });
  await pastTheGrace(oldId);
  await run();
  expect(await liveAt(host.calendarId)).toEqual([renewed!.channelId]);
  expect(await services().channels.channels.get(oldId)).toBeUndefined();
});

it.each([
  [404, 'notFound'],
  [410, 'deleted'],
])('Google answering %i to the old channel’s stop: it is gone there, so it is forgotten here', async (status, reason) => {
  const { host, channelId: oldId } = await watchedHost();
  await sys.control('/faults', { pathContains: '/channels/stop', status, reason, count: 1 });

  const renewed = await services().channels.renewChannel(oldId);

  expect((await watchOf(host))?.channelId).toBe(renewed!.channelId);
  expect(await services().channels.channels.get(oldId)).toBeUndefined();
  expect((await services().channels.channels.ofHost(host.id)).map((c) => c.id)).toEqual([renewed!.channelId]);
});

it('a host who revoked our grant: the renewal fails as a revoked connection, nothing new is live, and the watch still names the old channel', async () => {
  const { host, channelId: oldId } = await watchedHost();
  await sys.control(`/accounts/${encodeURIComponent(host.email)}/revoke`, {});

  await expect(services().channels.renewChannel(oldId)).rejects.toBeInstanceOf(ConnectionRevoked);

  expect(await liveAt(host.calendarId)).toEqual([oldId]);
  expect((await watchOf(host))?.channelId).toBe(oldId);
  expect((await services().channels.channels.ofHost(host.id)).map((c) => c.id)).toEqual([oldId]);
});

it('a host that is gone: the renewal says there is no connection to renew with, and makes nothing', async () => {
  const { host, channelId: oldId } = await watchedHost();
  await sys.db.collection('subscribers').doc(host.id).delete();

  await expect(services().channels.renewChannel(oldId)).rejects.toBeInstanceOf(NoGoogleConnection);

  expect(await liveAt(host.calendarId)).toEqual([oldId]);
  expect((await services().channels.channels.ofHost(host.id)).map((c) => c.id)).toEqual([oldId]);
});
