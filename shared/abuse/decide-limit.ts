// Whether a request stays within the abuse limits. Pure: the limits, the counts with this request
// in them, and the time in; allow, or refuse with how long to wait. The counts come from Firestore
// (./abuse-limits), because instances share no memory.

export type LimitName = 'booking_attempts_per_address' | 'availability_views_per_address' | 'pending_per_guest' | 'pending_per_host';

/** One limit as it stands for the request being judged. */
export interface LimitCheck {
  name: LimitName;
  /** How many the limit allows. */
  max: number;
  /** How many there are, counting the request being judged. */
  count: number;
  /**
   * When the count starts again from zero: the end of its fixed window. Null for a count of
   * requests waiting for a host, which falls only as the host answers them.
   */
  resetsAt: Date | null;
}

export type LimitVerdict = { allowed: true } | { allowed: false; name: LimitName; retryAfterSeconds: number };

/**
 * A waiting request clears when the host answers, in hours rather than seconds: a client is told
 * to come back in an hour, not to retry in a loop.
 */
export const PENDING_RETRY_AFTER_SECONDS = 3600;

/** The fixed window of `lengthMs` that `now` falls in, aligned to the epoch so every instance agrees. */
export function windowAt(now: Date, lengthMs: number): { start: Date; end: Date } {
  const start = Math.floor(now.getTime() / lengthMs) * lengthMs;
  return { start: new Date(start), end: new Date(start + lengthMs) };
}

function retryAfter(check: LimitCheck, now: Date): number {
  if (!check.resetsAt) return PENDING_RETRY_AFTER_SECONDS;
  // Retry-After is whole seconds; rounding down would invite a retry just before the reset.
  return Math.max(1, Math.ceil((check.resetsAt.getTime() - now.getTime()) / 1000));
}

/**
 * Allowed while every count is within its limit (the limit itself included). Over one or more,
 * refused with the longest wait among them: retrying before all of them pass is refused again.
 */
export function decideLimits(checks: readonly LimitCheck[], now: Date): LimitVerdict {
  let refusal: LimitVerdict = { allowed: true };
  for (const check of checks) {
    if (check.count <= check.max) continue;
    const wait = retryAfter(check, now);
    if (refusal.allowed || wait > refusal.retryAfterSeconds) refusal = { allowed: false, name: check.name, retryAfterSeconds: wait };
  }
  return refusal;
}
