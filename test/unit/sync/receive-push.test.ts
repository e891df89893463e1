import type { ChannelRepository } from '../../../shared/channels/channel-repository';
import type { WatchRepository } from '../../../shared/channels/watches';
import { receivePush } from '../../../shared/sync/receive-push';

/** A store that fails the test if it is touched at all. */
const untouchable = {
  ref: (id: string) => {
    throw new Error(`the store was asked for channel ${id}`);
  },
} as unknown as ChannelRepository & WatchRepository;

const push = { token: 'token', resourceId: 'resource', resourceState: 'exists' as const, messageNumber: 3 };

describe('a push whose channel id we could never have made', () => {
  it.each([['a/b'], ['.'], ['..'], ['__x__'], ['c'.repeat(65)], ['ch-short'], [`ch-${'A'.repeat(32)}/`], [`CH-${'A'.repeat(32)}`]])(
    '%s is refused without a read',
    async (channelId) => {
      await expect(receivePush({ channels: untouchable, watches: untouchable, now: () => new Date() }, { ...push, channelId })).resolves.toEqual({ kind: 'refused' });
    },
  );
});
