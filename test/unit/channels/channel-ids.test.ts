import { newChannelId } from '../../../shared/channels/channel-service';
import { isOurChannelId } from '../../../shared/channels/channels';

describe('our channel ids', () => {
  it('are recognised, every one we make', () => {
    for (let i = 0; i < 1000; i++) expect(isOurChannelId(newChannelId())).toBe(true);
  });

  it('fit what Google allows a channel id: at most 64 characters of [A-Za-z0-9-_/+=]', () => {
    expect(newChannelId()).toMatch(/^[A-Za-z0-9\-_/+=]{1,64}$/);
  });
});
