// Watching a calendar again (a default switched back, a reconnect after a lost grant, a watch from
// before the sync state was kept) carries over its last token or starts with a full resync of our
// events: a change made while it was not watched is never lost.
import { services, syncDeps, upkeepDeps } from '../../../functions/services';
import { watchDefaultCalendar } from '../../../shared/accounts/default-calendar';
import { watchKey } from '../../../shared/channels/watches';
import { eventIdForSlot } from '../../../shared/google/event-identity';
import { syncChannel } from '../../../shared/sync/sync-channel';
import { runUpkeep } from '../../../shared/upkeep/run-upkeep';
import { channelState } from '../../support/channel-state';
import { startSystem, type TestHost, type TestSystem } from '../../support/system';
import { bookedHost as bookedHostOf } from '../../support/booked-host';

jest.setTimeout(60_000);

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
});
afterAll(() => sys.close());

const bookedHost = (guestEmail: string) => bookedHostOf(sys, guestEmail);

const decline = (host: TestHost, slotId: string, email: string) =>
  sys.control(`/calendars/${encodeURIComponent(host.calendarId)}/events/${eventIdForSlot(slotId)}/respond`, { email, responseStatus: 'declined' });

async function liveAt(calendarId: string): Promise<string[]> {
  return (await sys.control<{ id: string; calendarId: string }[]>('/channels')).filter((c) => c.calendarId === calendarId).map((c) => c.id);
}

async function watchAgain(host: TestHost): Promise<string> {
  const { channelId, created } = await services().channels.ensureChannel(host.id, (await services().subscribers.get(host.id))!, host.calendarId);
  expect(created).toBe(true);
  return channelId;
}

it('a calendar watched again carries its last token over: a decline made while it was not watched comes through', async () => {
  const guest = 'while-unwatched@example.org';
  const { host, slotId } = await bookedHost(guest);
  // The default switched to another calendar: the channel is stopped, the calendar not watched.
  await services().channels.stopWatching(host.id, host.calendarId);
  expect(await liveAt(host.calendarId)).toEqual([]);
  await decline(host, slotId, guest);

  // Switched back.
  const channelId = await watchAgain(host);
  const report = await syncChannel(syncDeps(), channelId, 10_000);

  // Before: the new channel started from a token taken now, the sync saw 0 changes, and the slot
  // stayed requested for good.
  expect(report.changes).toBeGreaterThanOrEqual(1);
  expect((await services().slots.require(slotId)).status).toBe('declined');
});

it('a calendar with slots of ours and no token of its own (a watch from before the state was kept) starts with a full resync', async () => {
  const guest = 'no-token@example.org';
  const { host, slotId } = await bookedHost(guest);
  await services().channels.stopWatching(host.id, host.calendarId);
  // As the code before this change left it: the (host, calendar) pointer deleted with its channel.
  await sys.db.collection('googleCalendarWatches').doc(watchKey(host.id, host.calendarId)).delete();
  await decline(host, slotId, guest);

  const channelId = await watchAgain(host);
  expect((await channelState(channelId))?.syncToken).toBeNull();
  await syncChannel(syncDeps(), channelId, 10_000);

  expect((await services().slots.require(slotId)).status).toBe('declined');
  expect((await channelState(channelId))?.syncToken).toEqual(expect.any(String));
});

it('a reconnect after a lost grant carries the token over, and the next scheduled run applies what happened meanwhile', async () => {
  const guest = 'after-reconnect@example.org';
  const { host, slotId, channelId } = await bookedHost(guest);
  await sys.control(`/accounts/${encodeURIComponent(host.email)}/revoke`, {});
  expect((await syncChannel(syncDeps(), channelId, 10_000)).outcome).toBe('connection_lost');
  // Without a grant it cannot be stopped at Google: it is forgotten here (its pushes are refused).
  expect(await services().channels.channels.get(channelId)).toBeUndefined();
  await decline(host, slotId, guest);

  // The host connects again: a new grant, and the default calendar watched as connect does it.
  const { refreshToken } = await sys.control<{ refreshToken: string }>('/accounts', { email: host.email });
  const s = services();
  const changed = await s.subscribers.change(host.id, (current) => ({
    ...current,
    google: { accountEmail: host.email, refreshToken: s.cipher.encrypt(refreshToken), status: 'ok', connectedAt: s.now() },
  }));
  await watchDefaultCalendar({ channels: s.channels }, host.id, changed!.after);
  // No push comes for a change made before the channel: the scheduled run finds the calendar dirty.
  const summary = await runUpkeep(upkeepDeps(), { windowMs: 0, reconcileIntervalMs: 60 * 60_000, budgetMs: 20_000, concurrency: 4 });
  expect(summary).toMatchObject({ failed: 0, remaining: 0 });
  expect(summary.reconciled).toBeGreaterThanOrEqual(1);

  expect((await services().slots.require(slotId)).status).toBe('declined');
});
