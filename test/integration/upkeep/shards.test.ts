// Sharded scheduled runs against the real emulators: each shard renews and reconciles its own
// channels only, every channel is some shard's, changing the count loses none, and documents from
// before buckets are found by the whole-install run and given their bucket by the heal.
import { FieldValue, type Timestamp } from '@google-cloud/firestore';
import { services, upkeepDeps } from '../../../functions/services';
import { bucketOf, watchKey } from '../../../shared/channels/watches';
import { runUpkeep, type UpkeepOptions } from '../../../shared/upkeep/run-upkeep';
import { inShard, type Shard } from '../../../shared/upkeep/shards';
import { startSystem, type TestSystem } from '../../support/system';

jest.setTimeout(120_000);

const HOUR = 3_600_000;
const OPTIONS: UpkeepOptions = { windowMs: 48 * HOUR, reconcileIntervalMs: 0, budgetMs: 60_000, concurrency: 4 };
let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
});
afterAll(() => sys.close());

const shards = (count: number): Shard[] => Array.from({ length: count }, (_, index) => ({ index, count }));

/** Hosts with a channel on their default calendar each; returns the channels' ids by watch key. */
async function watchedHosts(n: number): Promise<Map<string, string>> {
  const s = services();
  const made = new Map<string, string>();
  for (let i = 0; i < n; i += 1) {
    const host = await sys.createHost();
    const { channelId } = await s.channels.ensureChannel(host.id, (await s.subscribers.get(host.id))!, host.calendarId);
    made.set(watchKey(host.id, host.calendarId), channelId);
  }
  return made;
}

/** Every channel now expiring within the window, as if they had been made days ago. */
async function allExpiringSoon(): Promise<void> {
  const soon = new Date(Date.now() + HOUR);
  const docs = await sys.db.collection('googleCalendarChannels').get();
  await Promise.all(docs.docs.map((doc) => doc.ref.update({ expiration: soon })));
}

/** The channel each watch names now. */
async function currentChannels(keys: string[]): Promise<Map<string, string>> {
  const snaps = await sys.db.getAll(...keys.map((key) => sys.db.collection('googleCalendarWatches').doc(key)));
  return new Map(snaps.map((snap) => [snap.id, snap.get('channelId') as string]));
}

async function channelIds(): Promise<Set<string>> {
  return new Set((await sys.db.collection('googleCalendarChannels').get()).docs.map((doc) => doc.id));
}

it('the channel and its watch are written with the bucket of their watch key', async () => {
  const [key, channelId] = [...(await watchedHosts(1))][0]!;
  expect((await sys.db.collection('googleCalendarWatches').doc(key!).get()).get('bucket')).toBe(bucketOf(key!));
  expect((await sys.db.collection('googleCalendarChannels').doc(channelId!).get()).get('bucket')).toBe(bucketOf(key!));
});

it("each shard renews its own channels only; 3 shards then 5 (old and new jobs both running) renew every channel", async () => {
  const made = await watchedHosts(12);
  await allExpiringSoon();
  const [first, ...others] = shards(3);
  expect((await runUpkeep(upkeepDeps(), { ...OPTIONS, shard: first })).skipped).toBe(false);
  // Its calendars' channels were replaced; the others' are the same channels still.
  const current = await currentChannels([...made.keys()]);
  for (const [key, channelId] of made) expect({ key, renewed: current.get(key) !== channelId }).toEqual({ key, renewed: inShard(bucketOf(key), first!) });

  // The count changes to 5 while the other two old jobs still run: every calendar's channel is renewed.
  for (const shard of [...shards(5), ...others]) expect((await runUpkeep(upkeepDeps(), { ...OPTIONS, shard })).skipped).toBe(false);
  const now = await currentChannels([...made.keys()]);
  for (const [key, channelId] of now) {
    const expiration = ((await sys.db.collection('googleCalendarChannels').doc(channelId).get()).get('expiration') as Timestamp | undefined)?.toMillis();
    expect({ key, renewed: channelId !== made.get(key) && expiration! > Date.now() + OPTIONS.windowMs }).toEqual({ key, renewed: true });
  }
});

it('a channel and watch from before buckets are renewed by the whole-install run, whose heal writes their bucket', async () => {
  const [key, channelId] = [...(await watchedHosts(1))][0]!;
  await sys.db.collection('googleCalendarChannels').doc(channelId!).update({ bucket: FieldValue.delete(), expiration: new Date(Date.now() + HOUR) });
  await sys.db.collection('googleCalendarWatches').doc(key!).update({ bucket: FieldValue.delete() });
  // A sharded query cannot see it:
  const theirs = shards(2).find((shard) => inShard(bucketOf(key!), shard))!;
  const horizon = new Date(Date.now() + 2 * HOUR);
  expect((await services().channels.channels.expiringBefore(horizon, 500, undefined, { from: 0, to: 4096 })).map(({ id }) => id)).not.toContain(channelId);
  // The whole install's run renews it, and its heal gives the watch (and any such channel) its bucket.
  await runUpkeep(upkeepDeps(), OPTIONS);
  expect(await channelIds()).not.toContain(channelId);
  expect((await sys.db.collection('googleCalendarWatches').doc(key!).get()).get('bucket')).toBe(bucketOf(key!));
  expect(theirs).toBeDefined();
});
