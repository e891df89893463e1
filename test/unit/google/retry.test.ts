import { backoffDelayMs, retryConfigFor, type RetryPolicy } from '../../../shared/google/retry';
import { isRetryable, toCalendarError, SyncTokenExpired, EventGone, AlreadyExists, ConnectionRevoked, GoogleUnavailable, CalendarNotFound, CalendarError } from '../../../shared/google/errors';

const policy: RetryPolicy = { maxRetries: 3, initialDelayMs: 100, maxDelayMs: 500, totalTimeoutMs: 10_000 };

function googleFailure(status: number, reason?: string, method = 'POST') {
  return {
    message: `failed with ${status}`,
    status,
    config: { method, retryConfig: { currentRetryAttempt: 0, timeOfFirstRequest: Date.now() } },
    response: { status, data: reason ? { error: { code: status, errors: [{ reason }] } } : {} },
  };
}

describe('backoff', () => {
  it('grows exponentially up to the cap, with the wait drawn at random below it', () => {
    expect(backoffDelayMs(policy, 0, () => 0.999)).toBe(99);
    expect(backoffDelayMs(policy, 2, () => 0.999)).toBe(399);
    expect(backoffDelayMs(policy, 5, () => 0.999)).toBe(499);
    expect(backoffDelayMs(policy, 5, () => 0)).toBe(0);
    expect(backoffDelayMs(policy, 1, () => 0.5)).toBe(100);
  });
});

describe('what is retried', () => {
  it('rate limits, 429 and 5xx are retried, whatever the method', () => {
    expect(isRetryable(googleFailure(403, 'rateLimitExceeded'))).toBe(true);
    expect(isRetryable(googleFailure(403, 'userRateLimitExceeded'))).toBe(true);
    expect(isRetryable(googleFailure(429))).toBe(true);
    expect(isRetryable(googleFailure(503))).toBe(true);
    const shouldRetry = retryConfigFor(policy).shouldRetry!;
    expect(shouldRetry(googleFailure(429, undefined, 'PATCH') as never)).toBe(true);
    expect(shouldRetry(googleFailure(500, undefined, 'POST') as never)).toBe(true);
  });

  it('a forbidden request, a conflict or a bad request is not retried', () => {
    expect(isRetryable(googleFailure(403, 'forbidden'))).toBe(false);
    expect(isRetryable(googleFailure(409, 'duplicate'))).toBe(false);
    expect(isRetryable(googleFailure(400, 'invalid'))).toBe(false);
  });

  it('retries stop after the policy allows no more', () => {
    const shouldRetry = retryConfigFor(policy).shouldRetry!;
    const exhausted = googleFailure(503);
    exhausted.config.retryConfig.currentRetryAttempt = 3;
    expect(shouldRetry(exhausted as never)).toBe(false);
    const late = googleFailure(503);
    late.config.retryConfig.timeOfFirstRequest = Date.now() - 11_000;
    expect(shouldRetry(late as never)).toBe(false);
  });
});

describe('typed errors', () => {
  it('410 means a stale sync token on a list and a deleted event on an event call', () => {
    expect(toCalendarError(googleFailure(410, 'fullSyncRequired'), 'list')).toBeInstanceOf(SyncTokenExpired);
    expect(toCalendarError(googleFailure(410, 'deleted'), 'event')).toBeInstanceOf(EventGone);
    expect(toCalendarError(googleFailure(404, 'notFound'), 'event')).toBeInstanceOf(EventGone);
  });

  it('409 is AlreadyExists, invalid_grant is ConnectionRevoked, exhausted 503 is GoogleUnavailable', () => {
    expect(toCalendarError(googleFailure(409, 'duplicate'), 'other')).toBeInstanceOf(AlreadyExists);
    const revoked = { message: 'invalid_grant', response: { status: 400, data: { error: 'invalid_grant', error_description: 'Token has been revoked.' } } };
    expect(toCalendarError(revoked, 'other')).toBeInstanceOf(ConnectionRevoked);
    expect(toCalendarError(googleFailure(503, 'backendError'), 'other')).toBeInstanceOf(GoogleUnavailable);
    expect(toCalendarError(googleFailure(404, 'notFound'), 'calendar')).toBeInstanceOf(CalendarNotFound);
  });

  it('keep the status and reason for anything else', () => {
    const error = toCalendarError(googleFailure(400, 'timeRangeEmpty'), 'other');
    expect(error).toBeInstanceOf(CalendarError);
    expect(error).toMatchObject({ status: 400, reason: 'timeRangeEmpty', name: 'CalendarError' });
  });
});
