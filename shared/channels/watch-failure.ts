// What a failed events.watch tells us about the channel: did Google surely not make it? Only a
// clear refusal lets us forget the channel. A timeout or a 5xx may come after Google made it, and
// the client's retry (same channel id) is then answered 400 `channelIdNotUnique`: the channel is
// live at Google. Forgetting it then would leave a live channel nobody tracks or stops; kept
// pending, its first `sync` message brings its resource id and the heal stops it (./../upkeep).
import { CalendarError, ConnectionRevoked, GoogleUnavailable } from '../google/errors';

export function isClearRefusal(error: unknown): boolean {
  // No answer we can read (a timeout, a cut connection, a bug of ours): Google may have made it.
  if (!(error instanceof CalendarError)) return false;
  // The access token could not be had: the watch was never sent.
  if (error instanceof ConnectionRevoked) return true;
  if (error instanceof GoogleUnavailable || error.status === undefined) return false;
  if (error.reason === 'channelIdNotUnique') return false;
  return error.status >= 400 && error.status < 500 && error.status !== 408;
}
