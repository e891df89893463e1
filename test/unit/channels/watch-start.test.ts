import { watchStart } from '../../../shared/channels/watch-start';

describe('where a newly watched calendar starts syncing', () => {
  it.each([
    ['watched before, its token kept (reconnect, heal, default switched back)', { syncToken: 'last' }, true, 'carry_over'],
    ['watched before, its token kept, no slots now', { syncToken: 'last' }, false, 'carry_over'],
    ['no token, slots of ours on it (a watch from before the state was kept)', { syncToken: null }, true, 'full_resync'],
    ['never watched, slots of ours on it', undefined, true, 'full_resync'],
    ['never watched, nothing of ours on it (first-time setup)', undefined, false, 'fresh_token'],
    ['no token, nothing of ours on it', { syncToken: null }, false, 'fresh_token'],
  ])('%s → %s', (_case, state, holdsSlots, expected) => {
    expect(watchStart(state, holdsSlots)).toBe(expected);
  });
});
