// `npm run ops -- channels renew [--all]` as an operator runs it, against the whole local system.
import { startSystem, type TestSystem } from '../../support/system';
import { answer, runOps } from './run-ops';
import { hostWatchedDaysAgo } from './watched-host';
import { watchKey } from '../../../shared/channels/watches';

jest.setTimeout(180_000);

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem();
});
afterAll(() => sys.close());

interface LiveChannel {
  id: string;
  calendarId: string;
  expiration: number;
}

const live = () => sys.control<LiveChannel[]>('/channels');
const channelDocs = async () => (await sys.db.collection('googleCalendarChannels').get()).docs;
/** Google grants 29 days from now to a channel watched a day ago: RENEWAL_WINDOW_HOURS's maximum. */
const TWENTY_NINE_DAYS = String(29 * 24);

it('renews the channels expiring within the renewal window, new channel first, the old one stopped; --all renews every one', async () => {
  const soon = await hostWatchedDaysAgo(sys, 2);
  const later = await hostWatchedDaysAgo(sys, 0);
  // The sync state is the calendar's: its watch keeps it across renewals.
  const watchOf = (host: { id: string; calendarId: string }) => sys.db.collection('googleCalendarWatches').doc(watchKey(host.id, host.calendarId));
  const syncToken = (await watchOf(soon.host).get()).get('syncToken') as string;
  expect(syncToken).toEqual(expect.any(String));

  // The default window (48 h) holds neither: nothing changes.
  const none = await runOps(['channels', 'renew', '--json'], sys.env);
  expect(none.stderr).toBe('');
  expect(none.status).toBe(0);
  expect(answer(none)).toEqual({ all: false, windowHours: 48, renewed: 0, healed: 0, failed: 0 });
  expect((await live()).map((c) => c.id).sort()).toEqual([soon.channelId, later.channelId].sort());

  // 29 days holds the one granted two days ago (28 days left), not the new one (30).
  const one = await runOps(['channels', 'renew', '--json'], { ...sys.env, RENEWAL_WINDOW_HOURS: TWENTY_NINE_DAYS });
  expect(one.status).toBe(0);
  expect(answer(one)).toEqual({ all: false, windowHours: 29 * 24, renewed: 1, healed: 0, failed: 0 });
  const afterOne = await live();
  expect(afterOne).toHaveLength(2);
  expect(afterOne.find((c) => c.id === later.channelId)).toBeDefined();
  const renewed = afterOne.find((c) => c.calendarId === soon.host.calendarId)!;
  expect(renewed.id).not.toBe(soon.channelId);
  expect(renewed.expiration).toBeGreaterThan(Date.now() + 29 * 24 * 3_600_000);
  expect((await channelDocs()).map((d) => d.id).sort()).toEqual([renewed.id, later.channelId].sort());
  const renewedDoc = (await sys.db.collection('googleCalendarChannels').doc(renewed.id).get()).data()!;
  expect(renewedDoc).toMatchObject({ state: 'active', subscriberId: soon.host.id });
  expect((await watchOf(soon.host).get()).data()).toMatchObject({ channelId: renewed.id, syncToken });

  // With logs on, they go to stderr: stdout stays the answer alone.
  const all = await runOps(['channels', 'renew', '--all', '--concurrency', '2', '--json'], { ...sys.env, LOG_LEVEL: 'info' });
  expect(all.status).toBe(0);
  const logged = all.stderr.trim().split('\n').map((line) => JSON.parse(line) as { severity: string; message: string });
  expect(logged.filter((line) => line.message === 'watch channel renewed')).toHaveLength(2);
  expect(answer(all)).toEqual({ all: true, windowHours: null, renewed: 2, healed: 0, failed: 0 });
  const afterAll = await live();
  expect(afterAll.map((c) => c.calendarId).sort()).toEqual([soon.host.calendarId, later.host.calendarId].sort());
  const before = new Set([soon.channelId, later.channelId, renewed.id]);
  expect(afterAll.filter((c) => before.has(c.id))).toEqual([]);
  const docs = await channelDocs();
  expect(docs.map((d) => d.id).sort()).toEqual(afterAll.map((c) => c.id).sort());
  expect(docs.map((d) => d.get('state'))).toEqual(['active', 'active']);
});

it('says what it did in words, and fails with exit code 1 when a renewal fails', async () => {
  const { host } = await hostWatchedDaysAgo(sys, 0);
  // Google refuses every watch: the renewal fails, the old channel stays tracked and live.
  await sys.control('/faults', { method: 'POST', pathContains: '/events/watch', status: 400, reason: 'badRequest', count: 20 });
  try {
    const failed = await runOps(['channels', 'renew', '--all'], sys.env);
    expect(failed.status).toBe(1);
    expect(failed.stdout).toMatch(/^every active channel: renewed 0, stopped for want of a working Google connection 0, failed \d+$/m);
  } finally {
    await fetch(`${sys.google.url}/emulator/v1/faults`, { method: 'DELETE' });
  }
  expect((await live()).some((c) => c.calendarId === host.calendarId)).toBe(true);
});
