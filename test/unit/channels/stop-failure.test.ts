import { afterFailedStop } from '../../../shared/channels/stop-failure';
import { CalendarError, ConnectionRevoked, GoogleUnavailable } from '../../../shared/google/errors';

describe('a failed channels.stop: is the channel forgotten or kept for the heal?', () => {
  it.each([
    ['410: gone at Google', 'forget', new CalendarError('gone', 410, 'deleted')],
    ['a revoked grant: it can never be stopped, and expires by itself', 'forget', new ConnectionRevoked('revoked', 400, 'invalid_grant')],
    ["Google's 5xx after its retries", 'keep', new GoogleUnavailable('backend', 503, 'backendError')],
    ['a rate limit that outlasted the retries', 'keep', new GoogleUnavailable('slow down', 429, undefined)],
    ['a timeout (no answer)', 'keep', new GoogleUnavailable('timeout', undefined, undefined)],
    ['an error that is not from Google at all', 'keep', new Error('bug')],
  ])('%s → %s', (_case, expected, error) => {
    expect(afterFailedStop(error)).toBe(expected);
  });
});
