// Each function's time limit as deployed (cloudbuild.yaml `--timeout`), and what must fit in it.
// Cloud Run ends a request at its limit wherever it is, so a request's Google calls, each with its
// retries, must end before it (a request then fails cleanly, with what it wrote undone), and what
// another request or the scheduled run takes over from it must wait out the limit: a booking's
// Idempotency-Key lease and the in-flight mark on its slot (REQUEST_LEASE_MS) are the limit.
// Checked against cloudbuild.yaml by test/unit/infra/cloudbuild.test.ts.
import { GOOGLE_DEADLINE_MS } from '../../shared/booking/idempotency';
import type { RetryPolicy } from '../../shared/google/retry';
import { ATTEMPT_DEADLINE_SECONDS } from './renewal-job';

export interface FunctionLimit {
  timeoutSeconds: number;
  /**
   * The Google calls one request makes one after another at most, each bounded by
   * `longestCallMs` (functions/services.ts GOOGLE_CALLS). Absent where another budget bounds them:
   * the webhook's sync stops within its 8 s (short retries), the scheduled run within
   * RENEWAL_BUDGET_SECONDS (checked by preflight).
   */
  googleCallsInSequence?: number;
  /** Or: every Google call of a request is ended this long after the request began. */
  googleDeadlineMs?: number;
}

export const FUNCTION_LIMITS: Record<string, FunctionLimit> = {
  // Free/busy, the insert, reads of the event after a 409 or after a sync met it, another slot id
  // after a 409 for a deleted event: as many as they are, all end by the deadline.
  booking: { timeoutSeconds: 60, googleDeadlineMs: GOOGLE_DEADLINE_MS },
  // Confirm: read the event, then patch it; deny: delete it.
  decision: { timeoutSeconds: 60, googleCallsInSequence: 2 },
  // The calendar list, the watch, and the first sync token (one page of events for most calendars).
  accounts: { timeoutSeconds: 60, googleCallsInSequence: 3 },
  googleWebhook: { timeoutSeconds: 60 },
  renewChannels: { timeoutSeconds: ATTEMPT_DEADLINE_SECONDS },
};

/**
 * The longest one call can take: retries start until `totalTimeoutMs` has passed, the last one after
 * a wait of up to `maxDelayMs`, and that request may take `requestTimeoutMs`. (A 401 on an access
 * token we believed valid makes the call once more with a new token: not counted, it is rare.)
 */
export function longestCallMs(policy: Pick<RetryPolicy, 'totalTimeoutMs' | 'maxDelayMs'>, requestTimeoutMs: number): number {
  return policy.totalTimeoutMs + policy.maxDelayMs + requestTimeoutMs;
}
