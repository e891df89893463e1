// A host with a live channel (made as first-time setup makes it) and one requested booking whose
// own push has come and been synced: what a sync test changes afterwards is its own.
import { services } from '../../functions/services';
import { book, freeSlot, GUEST } from './booking-client';
import { channelState } from './channel-state';
import type { TestHost, TestSystem } from './system';
import { until } from './until';

export async function bookedHost(
  sys: TestSystem,
  guestEmail: string,
  options: { autoConfirm?: boolean } = {},
): Promise<{ host: TestHost; slotId: string; channelId: string }> {
  const host = await sys.createHost(options);
  const subscriber = await services().subscribers.get(host.id);
  const { channelId } = await services().channels.ensureChannel(host.id, subscriber!, host.calendarId);
  const initialToken = (await channelState(channelId))?.syncToken;
  const slot = await freeSlot(sys.functionsUrl, host.slug);
  const res = await book(sys.functionsUrl, { host: host.slug, start: slot.start, guest: { ...GUEST, email: guestEmail } });
  if (res.status !== 201) throw new Error(`booking answered ${res.status}: ${await res.text()}`);
  const { slotId } = (await res.json()) as { slotId: string };
  await until(async () => {
    const state = await channelState(channelId);
    return state && state.syncToken !== initialToken && !state.lease && !state.dirty ? true : undefined;
  }, 'the booking to be synced');
  return { host, slotId, channelId };
}
