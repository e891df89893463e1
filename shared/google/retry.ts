// Bounded exponential backoff with full jitter, handed to the client's own retry machinery
// (gaxios `retryConfig`). Its defaults leave out POST and PATCH and never retry a 403; Google's
// Calendar guidance is to back off on 403 `rateLimitExceeded`/`userRateLimitExceeded`, 429 and
// 5xx. Every method is retried: inserts carry ids derived from our slot ids (a repeat answers
// 409), patches set absolute values, and a repeated delete answers 410 — all harmless.
import type { RetryConfig } from 'gaxios';
import { isRetryable } from './errors';

export interface RetryPolicy {
  /** Retries after the first attempt. */
  maxRetries: number;
  initialDelayMs: number;
  maxDelayMs: number;
  /** No retry starts after this long since the first attempt. */
  totalTimeoutMs: number;
  /** No retry starts after this moment (epoch ms), whenever the call began: a sync's deadline. */
  deadline?: number;
}

export const DEFAULT_RETRY_POLICY: RetryPolicy = {
  maxRetries: 5,
  initialDelayMs: 500,
  maxDelayMs: 16_000,
  totalTimeoutMs: 45_000,
};

/** Full jitter (a random wait up to the exponential cap) spreads out instances that failed together. */
export function backoffDelayMs(policy: RetryPolicy, attempt: number, random: () => number = Math.random): number {
  const cap = Math.min(policy.maxDelayMs, policy.initialDelayMs * 2 ** attempt);
  return Math.floor(random() * cap);
}

export function retryConfigFor(policy: RetryPolicy, random: () => number = Math.random): RetryConfig {
  return {
    retry: policy.maxRetries,
    noResponseRetries: policy.maxRetries,
    httpMethodsToRetry: ['GET', 'HEAD', 'PUT', 'OPTIONS', 'DELETE', 'POST', 'PATCH'],
    totalTimeout: policy.totalTimeoutMs,
    shouldRetry: (err) => {
      const state = err.config.retryConfig;
      const attempt = state?.currentRetryAttempt ?? 0;
      const started = state?.timeOfFirstRequest ?? Date.now();
      if (attempt >= policy.maxRetries || Date.now() - started >= policy.totalTimeoutMs) return false;
      if (policy.deadline !== undefined && Date.now() >= policy.deadline) return false;
      return isRetryable(err);
    },
    retryBackoff: (err) => {
      // gaxios counts the retry about to happen before it waits: 1 on the first retry.
      const attempt = (err.config.retryConfig?.currentRetryAttempt ?? 1) - 1;
      const wait = backoffDelayMs(policy, attempt, random);
      // A wait past the deadline would only end in a request that is aborted at once.
      return new Promise((resolve) => setTimeout(resolve, policy.deadline === undefined ? wait : Math.min(wait, Math.max(0, policy.deadline - Date.now()))));
    },
  };
}
