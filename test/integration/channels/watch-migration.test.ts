// Documents as the code before the calendar's watch held the sync state left them: the watch a
// pointer alone, the token, watermark, lease and dirty mark on the channel. The first use migrates
// the watch from its channel, so no token is lost at deploy and no change made before it either.
import { services, syncDeps, upkeepDeps } from '../../../functions/services';
import { watchKey } from '../../../shared/channels/watches';
import { eventIdForSlot } from '../../../shared/google/event-identity';
import { syncChannel } from '../../../shared/sync/sync-channel';
import { runUpkeep } from '../../../shared/upkeep/run-upkeep';
import { book, freeSlot, GUEST } from '../../support/booking-client';
import { channelState } from '../../support/channel-state';
import { startSystem, type TestHost, type TestSystem } from '../../support/system';
import { until } from '../../support/until';

jest.setTimeout(60_000);

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
});
afterAll(() => sys.close());
afterEach(() => sys.control('/push', { mode: 'normal' }));

/** A host with a booking synced, its documents then put back in the old shape; a decline whose push is lost. */
async function hostInOldShape(guest: string): Promise<{ host: TestHost; slotId: string; channelId: string; syncToken: string }> {
  const host = await sys.createHost();
  const { channelId } = await services().channels.ensureChannel(host.id, (await services().subscribers.get(host.id))!, host.calendarId);
  const offered = await freeSlot(sys.functionsUrl, host.slug);
  const res = await book(sys.functionsUrl, { host: host.slug, start: offered.start, guest: { ...GUEST, email: guest } });
  const { slotId } = (await res.json()) as { slotId: string };
  const synced = await until(async () => {
    const state = await channelState(channelId);
    return state?.syncToken && state.lastMessageNumber >= 2 && !state.lease && !state.dirty ? state : undefined;
  }, 'the booking to be synced');
  const watchRef = sys.db.collection('googleCalendarWatches').doc(watchKey(host.id, host.calendarId));
  await watchRef.set({ subscriberId: host.id, calendarId: host.calendarId, channelId, updatedAt: new Date() });
  await sys.db.collection('googleCalendarChannels').doc(channelId).update({
    syncToken: synced.syncToken,
    lastSyncedAt: new Date(Date.now() - 2 * 3_600_000),
    lease: null,
    dirty: false,
    errorCount: 0,
  });
  await sys.control('/push', { mode: 'drop' });
  await sys.control(`/calendars/${encodeURIComponent(host.calendarId)}/events/${eventIdForSlot(slotId)}/respond`, { email: guest, responseStatus: 'declined' });
  return { host, slotId, channelId, syncToken: synced.syncToken! };
}

it("a push's sync on an old-shape watch syncs from the channel's token, and the watch holds the state from then on", async () => {
  const { host, slotId, channelId, syncToken } = await hostInOldShape('old-shape-push@example.org');

  const report = await syncChannel(syncDeps(), channelId, 10_000);

  expect(report).toMatchObject({ outcome: 'synced' });
  expect(report.changes).toBeGreaterThanOrEqual(1);
  expect((await services().slots.require(slotId)).status).toBe('declined');
  const watch = (await sys.db.collection('googleCalendarWatches').doc(watchKey(host.id, host.calendarId)).get()).data()!;
  expect(watch).toMatchObject({ channelId, watched: true, lease: null, dirty: false });
  expect(watch.syncToken).toEqual(expect.any(String));
  expect(watch.syncToken).not.toBe(syncToken);
});

it("the scheduled run's heal migrates an old-shape watch, so its reconcile finds the calendar and applies what a lost push missed", async () => {
  const { slotId } = await hostInOldShape('old-shape-run@example.org');

  const summary = await runUpkeep(upkeepDeps(), { windowMs: 0, reconcileIntervalMs: 60 * 60_000, budgetMs: 20_000, concurrency: 4 });

  expect(summary).toMatchObject({ failed: 0, remaining: 0 });
  expect(summary.reconciled).toBeGreaterThanOrEqual(1);
  expect((await services().slots.require(slotId)).status).toBe('declined');
});

it('a channel made now carries the fields the code before requires on a channel (a deploy or a rollback runs both), empty: a full resync there', async () => {
  const host = await sys.createHost();
  const { channelId } = await services().channels.ensureChannel(host.id, (await services().subscribers.get(host.id))!, host.calendarId);
  const doc = (await sys.db.collection('googleCalendarChannels').doc(channelId).get()).data();
  expect(doc).toMatchObject({ syncToken: null, lease: null, dirty: false, errorCount: 0, lastSyncedAt: null, state: 'active' });
});
