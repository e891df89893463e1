// What can go wrong when we talk to Google Calendar, as values callers can branch on.
// `toCalendarError` is the one place that reads Google's error shapes
// (`{error: {code, errors: [{reason}]}}` for the API, `{error: "invalid_grant"}` for OAuth).

export class CalendarError extends Error {
  constructor(
    message: string,
    readonly status: number | undefined,
    readonly reason: string | undefined,
  ) {
    super(message);
    this.name = new.target.name;
  }
}

/** 410 on an incremental list: the sync token is no longer valid, a full sync is required. */
export class SyncTokenExpired extends CalendarError {}

/** The event is not there any more: 410 `deleted`, or 404 for an id the calendar does not know. */
export class EventGone extends CalendarError {}

/** 409 `duplicate`: an event with this id exists or existed. For our derived ids: already done. */
export class AlreadyExists extends CalendarError {}

/** The calendar is unknown to this account, or no longer shared with it. */
export class CalendarNotFound extends CalendarError {}

/** `invalid_grant`: the host revoked our access or the refresh token expired. Retrying cannot help. */
export class ConnectionRevoked extends CalendarError {}

/** Rate limits or Google's 5xx that outlasted our backoff. Worth trying again later, not now. */
export class GoogleUnavailable extends CalendarError {}

interface GoogleErrorBody {
  error?: string | { code?: number; message?: string; errors?: { reason?: string }[] };
  error_description?: string;
}

interface HttpFailure {
  status?: number;
  message?: string;
  code?: string;
  response?: { status?: number; data?: unknown };
}

export function reasonOf(error: unknown): string | undefined {
  const data = (error as HttpFailure | undefined)?.response?.data as GoogleErrorBody | undefined;
  if (!data || typeof data !== 'object') return undefined;
  if (typeof data.error === 'string') return data.error;
  return data.error?.errors?.[0]?.reason;
}

export function statusOf(error: unknown): number | undefined {
  const failure = error as HttpFailure | undefined;
  return failure?.response?.status ?? failure?.status;
}

const RATE_LIMIT_REASONS = new Set(['rateLimitExceeded', 'userRateLimitExceeded']);

/** Google's advice for Calendar: back off on 403 rate limits, 429 and 5xx. */
export function isRetryable(error: unknown): boolean {
  const status = statusOf(error);
  if (status === undefined) return (error as HttpFailure | undefined)?.code !== 'AbortError';
  if (status === 429 || status >= 500) return true;
  return status === 403 && RATE_LIMIT_REASONS.has(reasonOf(error) ?? '');
}

export type Operation = 'event' | 'list' | 'calendar' | 'other';

/** Maps a failed call to the error a caller can act on; `operation` says what 404 and 410 mean. */
export function toCalendarError(error: unknown, operation: Operation): CalendarError {
  if (error instanceof CalendarError) return error;
  const status = statusOf(error);
  const reason = reasonOf(error);
  const message = `Google Calendar: ${(error as HttpFailure | undefined)?.message ?? String(error)}`;
  if (reason === 'invalid_grant') return new ConnectionRevoked(message, status, reason);
  if (status === 410 && operation === 'list') return new SyncTokenExpired(message, status, reason);
  if ((status === 410 || status === 404) && operation === 'event') return new EventGone(message, status, reason);
  if (status === 404) return new CalendarNotFound(message, status, reason);
  if (status === 409) return new AlreadyExists(message, status, reason);
  if (isRetryable(error)) return new GoogleUnavailable(message, status, reason);
  return new CalendarError(message, status, reason);
}
