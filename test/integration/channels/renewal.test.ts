// Renewing a watch channel: the new one first, then the old one stopped; the sync token carries
// over and changes keep coming back to our slots through the new channel.
import { services } from '../../../functions/services';
import { eventIdForSlot } from '../../../shared/google/event-identity';
import { book, freeSlot, GUEST } from '../../support/booking-client';
import { startSystem, type TestSystem } from '../../support/system';
import { until } from '../../support/until';
import { channelState } from '../../support/channel-state';

jest.setTimeout(60_000);

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
});
afterAll(() => sys.close());

it('a renewed channel replaces the old one at Google and here, carrying the sync token, and keeps syncing', async () => {
  const host = await sys.createHost();
  const s = services();
  const { channelId: oldId } = await s.channels.ensureChannel(host.id, (await s.subscribers.get(host.id))!, host.calendarId);
  const initial = (await channelState(oldId))!.syncToken;
  const slot = await freeSlot(sys.functionsUrl, host.slug);
  const { slotId } = (await (await book(sys.functionsUrl, { host: host.slug, start: slot.start, guest: { ...GUEST, email: 'renewal@example.org' } })).json()) as { slotId: string };
  await until(async () => {
    const channel = await channelState(oldId);
    return channel && channel.syncToken !== initial && channel.lease === null ? true : undefined;
  }, 'the booking to be synced');
  const before = await channelState(oldId);

  const renewed = await s.channels.renewChannel(oldId);
  expect(renewed?.channelId).toBeDefined();
  const newId = renewed!.channelId;
  expect(newId).not.toBe(oldId);

  const live = await sys.control<{ id: string; calendarId: string }[]>('/channels');
  expect(live.map((c) => c.id)).toEqual([newId]);
  expect(await channelState(oldId)).toBeUndefined();
  const current = await channelState(newId);
  expect(current).toMatchObject({ state: 'active', syncToken: before!.syncToken, calendarId: host.calendarId });
  expect(await s.channels.liveChannelOf(host.id, host.calendarId)).toBe(newId);

  await sys.control(`/calendars/${encodeURIComponent(host.calendarId)}/events/${eventIdForSlot(slotId)}/respond`, { email: 'renewal@example.org', responseStatus: 'declined' });
  await until(async () => ((await s.slots.get(slotId))?.status === 'declined' ? true : undefined), 'the decline to come through the new channel');
  await until(async () => ((await channelState(newId))?.syncToken !== before!.syncToken ? true : undefined), 'the new channel to move the token on');
});

it('renewing a channel that is gone does nothing', async () => {
  expect(await services().channels.renewChannel('no-such-channel')).toBeUndefined();
});
