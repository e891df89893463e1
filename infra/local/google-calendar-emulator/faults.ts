// Injected failures for the API and the OAuth endpoints (never the control API): the next `count`
// matching calls wait `delayMs` and/or fail with Google's error JSON for that status, with the
// reasons of the Calendar "Handle API errors" guide.
import { GoogleApiError } from './errors';

export interface Fault {
  method?: string;
  pathContains?: string;
  status?: number;
  reason?: string;
  count: number;
  delayMs?: number;
}

const FORBIDDEN_MESSAGES: Record<string, string> = {
  rateLimitExceeded: 'Rate Limit Exceeded',
  userRateLimitExceeded: 'User Rate Limit Exceeded',
  quotaExceeded: 'Calendar usage limits exceeded.',
  dailyLimitExceeded: 'Daily Limit Exceeded',
};

/** Google's reason, message and error domain for each failure status. */
function failureFor(status: number, reason: string | undefined): GoogleApiError {
  switch (status) {
    case 429:
      return new GoogleApiError(429, reason ?? 'rateLimitExceeded', 'Rate Limit Exceeded', { domain: 'usageLimits' });
    case 403: {
      const chosen = reason ?? 'rateLimitExceeded';
      return new GoogleApiError(403, chosen, FORBIDDEN_MESSAGES[chosen] ?? 'Forbidden', { domain: FORBIDDEN_MESSAGES[chosen] ? 'usageLimits' : 'global' });
    }
    default:
      if (status >= 500) return new GoogleApiError(status, reason ?? 'backendError', 'Backend Error');
      return new GoogleApiError(status, reason ?? 'badRequest', `Injected failure ${status}`);
  }
}

export interface FaultOutcome {
  delayMs: number;
  failure?: GoogleApiError;
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
      ...(fault.status ? { failure: failureFor(fault.status, fault.reason) } : {}),
    };
  }
}
