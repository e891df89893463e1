// What a failed channels.stop leaves of the channel. Gone at Google (410; the gateway already
// answers 404 as `unknown`): nothing left to stop, so it is forgotten here. A revoked grant: it can
// never be stopped, so it is forgotten and expires by itself. Anything else (5xx, a timeout, a
// rate limit): it may be live, so it stays tracked and the heal stops it later.
import { CalendarError, ConnectionRevoked } from '../google/errors';

export function afterFailedStop(error: unknown): 'forget' | 'keep' {
  if (error instanceof ConnectionRevoked) return 'forget';
  if (error instanceof CalendarError && error.status === 410) return 'forget';
  return 'keep';
}
