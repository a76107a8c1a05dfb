/**
 * The wait before the next attempt (DESIGN §5):
 * `min(max_delay, base_delay · exponential_base^(n-1))` with n the failed
 * attempts so far (`session.attempts`), full jitter (uniform in [0, that])
 * when `jitter`; a longer Retry-After (`error.retry_after_ms`) wins, capped by
 * `max_delay`; a rule's `delay` overrides everything.
 *
 * Retry-After is the provider asking this client to wait before calling *it*
 * again, so it applies when the next attempt goes to the same provider (a
 * retry, or a fallback to a model of the failed one's provider), not when
 * detour moves to another provider.
 */
import type { Policy } from '../policy/types.js';

export interface DelayInput {
  readonly policy: Pick<Policy, 'baseDelayMs' | 'maxDelayMs' | 'exponentialBase' | 'jitter'>;
  /** Failed attempts so far (`session.attempts`), at least 1. */
  readonly failedAttempts: number;
  /** `error.retry_after_ms`, when it applies to the next attempt. */
  readonly retryAfterMs: number | null;
  /** A rule's `delay` (or `retry.delay`): overrides the rest. */
  readonly overrideMs: number | null;
  /** Override the policy's `jitter` for `delayMs` (explain reports the top of the window); the range stays the policy's. */
  readonly jitter?: boolean;
  readonly random: () => number;
}

/** The delay, and the range it was drawn from (for policy tests' bounds). */
export interface DelayResult {
  readonly delayMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  readonly reason: 'rule' | 'retry-after' | 'backoff';
}

/**
 * Compute the delay before the next attempt.
 *
 * @example
 * computeDelay({ policy: { baseDelayMs: 1000, maxDelayMs: 60000, exponentialBase: 2, jitter: false },
 *   failedAttempts: 3, retryAfterMs: null, overrideMs: null, random: Math.random }).delayMs; // 4000
 */
export function computeDelay(input: DelayInput): DelayResult {
  if (input.overrideMs !== null) return { delayMs: input.overrideMs, minMs: input.overrideMs, maxMs: input.overrideMs, reason: 'rule' };
  const { baseDelayMs, maxDelayMs, exponentialBase } = input.policy;
  const exponent = Math.max(0, Math.floor(input.failedAttempts) - 1);
  const window = Math.max(0, Math.min(maxDelayMs, baseDelayMs * exponentialBase ** exponent));
  const jitter = input.jitter ?? input.policy.jitter;
  let delayMs = jitter ? Math.floor(input.random() * window) : window;
  // The range is the policy's (what a real session may wait), whatever `jitter` overrides here.
  let minMs = input.policy.jitter ? 0 : window;
  let maxMs = window;
  let reason: DelayResult['reason'] = 'backoff';
  if (input.retryAfterMs !== null && input.retryAfterMs > 0) {
    const retryAfter = Math.min(maxDelayMs, input.retryAfterMs);
    if (retryAfter > delayMs) {
      delayMs = retryAfter;
      reason = 'retry-after';
    }
    minMs = Math.max(minMs, retryAfter);
    maxMs = Math.max(maxMs, retryAfter);
  }
  return { delayMs, minMs, maxMs, reason };
}
