import { isClearRefusal } from '../../../shared/channels/watch-failure';
import { AlreadyExists, CalendarError, CalendarNotFound, ConnectionRevoked, GoogleUnavailable } from '../../../shared/google/errors';

describe('a failed events.watch: may Google have made the channel?', () => {
  it.each([
    ['a timeout or a cut connection (no answer)', false, new GoogleUnavailable('timeout', undefined, undefined)],
    ["Google's 5xx after its retries", false, new GoogleUnavailable('backend', 503, 'backendError')],
    ['a rate limit that outlasted the retries', false, new GoogleUnavailable('slow down', 429, undefined)],
    ["the retry of a watch Google made, answered 400 'channel id not unique'", false, new CalendarError('not unique', 400, 'channelIdNotUnique')],
    ['an error that is not from Google at all', false, new Error('bug')],
    ['a bad request', true, new CalendarError('bad', 400, 'badRequest')],
    ['forbidden', true, new CalendarError('forbidden', 403, 'forbidden')],
    ['a calendar Google does not know', true, new CalendarNotFound('gone', 404, 'notFound')],
    ['a conflict', true, new AlreadyExists('dup', 409, 'duplicate')],
    ['a revoked grant (the watch was never sent)', true, new ConnectionRevoked('revoked', 400, 'invalid_grant')],
  ])('%s → refused for sure: %s', (_case, refused, error) => {
    expect(isClearRefusal(error)).toBe(refused);
  });
});
