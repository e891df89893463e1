// `npm run ops -- channels list` as an operator runs it, against the whole local system.
import { startSystem, type TestSystem } from '../../support/system';
import { answer, runOps } from './run-ops';
import { DAY_MS, hostWatchedDaysAgo } from './watched-host';
import { watchKey } from '../../../shared/channels/watches';

jest.setTimeout(180_000);

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem();
});
afterAll(() => sys.close());

interface Row {
  channelId: string;
  subscriberId: string;
  calendarId: string;
  state: string;
  expiration: string | null;
  expiresInMs: number | null;
  lastSyncedAt: string | null;
  dirty: boolean;
  errorCount: number;
}

it('lists every channel soonest expiry first, with its host, calendar, state, expiry, last sync, dirty mark and errors', async () => {
  // Created in an order that is neither the expiry order nor (random ids) the id order.
  const inThirty = await hostWatchedDaysAgo(sys, 0);
  const inTwentyEight = await hostWatchedDaysAgo(sys, 2);
  const inTwentyNine = await hostWatchedDaysAgo(sys, 1);
  await sys.createHost({ google: false });
  // The sync state is the calendar's, on its watch; the list shows it beside each channel.
  const watchOf = (host: { id: string; calendarId: string }) => sys.db.collection('googleCalendarWatches').doc(watchKey(host.id, host.calendarId));
  await watchOf(inTwentyNine.host).update({ dirty: true, errorCount: 3 });

  const listed = await runOps(['channels', 'list', '--json'], sys.env);
  expect(listed.stderr).toBe('');
  expect(listed.status).toBe(0);
  const rows = answer<Row[]>(listed);
  expect(rows.map((r) => r.channelId)).toEqual([inTwentyEight.channelId, inTwentyNine.channelId, inThirty.channelId]);

  for (const [{ host, channelId }, days] of [
    [inTwentyEight, 28],
    [inTwentyNine, 29],
    [inThirty, 30],
  ] as const) {
    const row = rows.find((r) => r.channelId === channelId)!;
    const doc = (await sys.db.collection('googleCalendarChannels').doc(channelId).get()).data()!;
    expect(row).toEqual({
      channelId,
      subscriberId: host.id,
      calendarId: host.calendarId,
      state: 'active',
      expiration: doc.expiration.toDate().toISOString(),
      expiresInMs: expect.any(Number),
      lastSyncedAt: (await watchOf(host).get()).get('lastSyncedAt').toDate().toISOString(),
      dirty: channelId === inTwentyNine.channelId,
      errorCount: channelId === inTwentyNine.channelId ? 3 : 0,
    });
    // Counted from the command's own now, a few seconds after the channel was made.
    expect(row.expiresInMs).toBeLessThanOrEqual(days * DAY_MS);
    expect(row.expiresInMs).toBeGreaterThan(days * DAY_MS - 60_000);
  }

  const table = await runOps(['channels', 'list'], sys.env);
  expect(table.status).toBe(0);
  const lines = table.stdout.trim().split('\n');
  expect(lines[0]).toMatch(/^CHANNEL +HOST +CALENDAR +STATE +EXPIRES IN +LAST SYNCED +DIRTY +ERRORS$/);
  expect(lines.slice(1).map((line) => line.split(/\s+/)[0])).toEqual([inTwentyEight.channelId, inTwentyNine.channelId, inThirty.channelId]);
  expect(lines[1]).toMatch(new RegExp(`^${inTwentyEight.channelId} +${inTwentyEight.host.id} +\\S+ +active +27d 23h +\\d+s ago +no +0$`));
  expect(lines[2]).toMatch(/ 28d 23h +\d+s ago +yes +3$/);
  expect(lines[3]).toMatch(/ 29d 23h +\d+s ago +no +0$/);
});

it('shows a channel past its expiry as expired', async () => {
  const { channelId } = await hostWatchedDaysAgo(sys, 0);
  await sys.db.collection('googleCalendarChannels').doc(channelId).update({ expiration: new Date(Date.now() - 60_000) });
  const rows = answer<Row[]>(await runOps(['channels', 'list', '--json'], sys.env));
  expect(rows[0]).toMatchObject({ channelId, expiresInMs: expect.any(Number) });
  expect(rows[0]!.expiresInMs).toBeLessThan(0);
  const table = await runOps(['channels', 'list'], sys.env);
  expect(table.stdout.split('\n').find((line) => line.startsWith(channelId))).toMatch(/ active +expired +/);
});
