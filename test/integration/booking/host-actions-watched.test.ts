// A cancel on a watched calendar: the push of our own delete comes back to the webhook, whose sync
// must find the slot already cancelled by the cancel (its cause kept, nothing mailed twice).
import { services } from '../../../functions/services';
import { cancelAsGuest } from '../../../shared/booking/cancel-booking';
import { actAsHost } from '../../../shared/booking/host-actions';
import { bookedHost } from '../../support/booked-host';
import { channelState } from '../../support/channel-state';
import { startSystem, type TestSystem } from '../../support/system';
import { until } from '../../support/until';

let sys: TestSystem;

beforeAll(async () => {
  sys = await startSystem({ GOOGLE_INVITE_ENABLED: 'true' });
});
afterAll(() => sys.close());

async function settled(channelId: string, after: string | null | undefined): Promise<void> {
  await until(async () => {
    const state = await channelState(channelId);
    return state && state.syncToken !== after && !state.lease && !state.dirty ? true : undefined;
  }, 'the push of the delete to be synced');
}

describe('a cancel on a watched calendar', () => {
  it.each(['host', 'guest'] as const)('by the %s: the sync of its own delete keeps the cause, and the host is mailed only what the cancel tells', async (by) => {
    const { host, slotId, channelId } = await bookedHost(sys, `watched.${by}@example.org`, { autoConfirm: true });
    const token = (await channelState(channelId))?.syncToken;
    const outcome = by === 'host' ? await actAsHost(services(), host.id, slotId, 'cancel') : await cancelAsGuest(services(), slotId);
    expect(outcome).toMatchObject({ kind: 'done', repeated: false });
    await settled(channelId, token);
    expect((await services().slots.require(slotId)).history.at(-1)).toMatchObject({ to: 'cancelled', cause: `${by}_cancelled` });
    const subjects = (await sys.sinkMessages(host.email)).map((m) => m.subject);
    expect(subjects).toEqual(by === 'host' ? [expect.stringMatching(/^New booking/)] : [expect.stringMatching(/^New booking/), expect.stringMatching(/cancelled: /)]);
  });
});
