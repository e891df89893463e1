// Injected failures for the API and the OAuth endpoints (never the control API): the next `count`
// matching calls wait `delayMs` and/or fail with Google's error JSON for that status, with the
// reasons of the Calendar "Handle API errors" guide. Two make an interleaving without timing:
// `hold` keeps a call waiting until the control API releases it, and `afterCall` carries the call
// out before answering with the failure (Google acted, then its answer said otherwise, as a 5xx or
// a lost answer can).
import { GoogleApiError, type GoogleErrorDetail } from './errors';

export interface Fault {
  method?: string;
  pathContains?: string;
  status?: number;
  reason?: string;
  count: number;
  delayMs?: number;
  /** Wait, before the call is carried out, until POST /emulator/v1/faults/release. */
  hold?: boolean;
  /** Carry the call out first, then answer with the failure (needs a status). */
  afterCall?: boolean;
}

interface DocumentedError {
  statuses: number[];
  message: string;
  detail: GoogleErrorDetail;
}

/**
 * The errors of the Calendar "Handle API errors" guide, by reason, with the message, domain and
 * location it shows for each: an injected failure with one of these reasons answers that body.
 * `dailyLimitExceeded` is not in the Calendar guide; its shape is that of the other usage limits.
 */
const DOCUMENTED: Record<string, DocumentedError> = {
  timeRangeEmpty: { statuses: [400], message: 'The specified time range is empty.', detail: { domain: 'calendar', location: 'timeMax', locationType: 'parameter' } },
  authError: { statuses: [401], message: 'Invalid Credentials', detail: { location: 'Authorization', locationType: 'header' } },
  userRateLimitExceeded: { statuses: [403], message: 'User Rate Limit Exceeded', detail: { domain: 'usageLimits' } },
  rateLimitExceeded: { statuses: [403, 429], message: 'Rate Limit Exceeded', detail: { domain: 'usageLimits' } },
  quotaExceeded: { statuses: [403], message: 'Calendar usage limits exceeded.', detail: { domain: 'usageLimits' } },
  dailyLimitExceeded: { statuses: [403], message: 'Daily Limit Exceeded', detail: { domain: 'usageLimits' } },
  forbiddenForNonOrganizer: { statuses: [403], message: 'Shared properties can only be changed by the organizer of the event.', detail: { domain: 'calendar' } },
  notFound: { statuses: [404], message: 'Not Found', detail: {} },
  duplicate: { statuses: [409], message: 'The requested identifier already exists.', detail: {} },
  conflict: { statuses: [409], message: 'Conflict', detail: {} },
  fullSyncRequired: { statuses: [410], message: 'Sync token is no longer valid, a full sync is required.', detail: { domain: 'calendar', location: 'syncToken', locationType: 'parameter' } },
  updatedMinTooLongAgo: {
    statuses: [410],
    message: 'The requested minimum modification time lies too far in the past.',
    detail: { domain: 'calendar', location: 'updatedMin', locationType: 'parameter' },
  },
  deleted: { statuses: [410], message: 'Resource has been deleted', detail: {} },
  conditionNotMet: { statuses: [412], message: 'Precondition Failed', detail: { location: 'If-Match', locationType: 'header' } },
  backendError: { statuses: [500, 502, 503, 504], message: 'Backend Error', detail: {} },
};

/** The reason of a failure injected without one: the guide's for the status where it has one. */
function defaultReason(status: number): string {
  if (status === 401) return 'authError';
  if (status === 403 || status === 429) return 'rateLimitExceeded';
  if (status === 404) return 'notFound';
  if (status === 412) return 'conditionNotMet';
  return status >= 500 ? 'backendError' : 'badRequest';
}

/** Google's error for a failure status and reason: the guide's body when it shows one. */
function failureFor(status: number, reason: string | undefined): GoogleApiError {
  const chosen = reason ?? defaultReason(status);
  const documented = DOCUMENTED[chosen];
  if (documented?.statuses.includes(status)) return new GoogleApiError(status, chosen, documented.message, documented.detail);
  const message = status >= 500 ? 'Backend Error' : status === 403 ? 'Forbidden' : `Injected failure ${status}`;
  return new GoogleApiError(status, chosen, message);
}

export interface FaultOutcome {
  delayMs: number;
  hold: boolean;
  failure?: GoogleApiError;
  afterCall: boolean;
}

export class Faults {
  private faults: Fault[] = [];

  add(fault: Fault): void {
    this.faults.push({ ...fault });
  }

  clear(): void {
    this.faults = [];
  }

  /** Consumes one use of the first fault matching the call, if any. */
  take(method: string, path: string): FaultOutcome | undefined {
    const fault = this.faults.find(
      (candidate) =>
        (candidate.method === undefined || candidate.method.toUpperCase() === method.toUpperCase()) &&
        (candidate.pathContains === undefined || path.includes(candidate.pathContains)),
    );
    if (!fault) return undefined;
    fault.count -= 1;
    if (fault.count <= 0) this.faults = this.faults.filter((candidate) => candidate !== fault);
    return {
      delayMs: fault.delayMs ?? 0,
      hold: fault.hold ?? false,
      ...(fault.status ? { failure: failureFor(fault.status, fault.reason) } : {}),
      afterCall: fault.afterCall ?? false,
    };
  }
}
