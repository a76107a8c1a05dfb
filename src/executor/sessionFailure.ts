/**
 * The error a session that found no answer rejects with: its reason, every
 * attempt, the last real failure and the session's record (docs/embedding.md).
 */
import { LLMFallbackError } from '../errors/LLMFallbackError.js';
import { scrubCause } from '../errors/toProviderCallError.js';
import type { FailedAttemptSummary, FallbackFailureReason } from '../errors/LLMFallbackError.js';
import type { ErrorFact } from '../errors/kinds.js';
import type { FallbackAttempt } from '../stats/FallbackAttempt.js';
import type { FallbackSession } from '../stats/FallbackSession.js';

/**
 * The last error that went wrong: attempts the session aborted itself (a
 * deadline, a failed stream) are passed over unless there is nothing else.
 */
export function lastFailureFact(records: readonly FallbackAttempt[]): ErrorFact | null {
  for (let index = records.length - 1; index >= 0; index--) {
    const record = records[index];
    if (record?.error && record.outcome !== 'aborted') return record.error;
  }
  return records.at(-1)?.error ?? null;
}

/** The LLMFallbackError of a failed session; `records` in attempt order, `lastError` from `lastFailureFact`. */
export function sessionFailure(
  policy: string,
  reason: FallbackFailureReason,
  attemptsSent: number,
  records: readonly FallbackAttempt[],
  lastError: ErrorFact | null,
  partialText: string | null,
  session: FallbackSession,
  cause: unknown,
): LLMFallbackError {
  return new LLMFallbackError({
    message: failureMessage(policy, reason, attemptsSent, lastError),
    reason,
    attempts: records.map(summary),
    policy,
    partialText,
    lastError,
    session,
    // Attempts leave their provider errors unscrubbed (most are dropped); the one kept is scrubbed here.
    ...(cause === undefined ? {} : { cause: scrubCause(cause) }),
  });
}

function summary(attempt: FallbackAttempt): FailedAttemptSummary {
  return {
    number: attempt.number,
    model: attempt.model,
    provider: attempt.provider,
    outcome: attempt.outcome === 'success' ? 'failure' : attempt.outcome,
    error: attempt.error,
    reason: attempt.reason,
    durationMs: attempt.durationMs,
  };
}

const REASON_TEXT: Record<FallbackFailureReason, string> = {
  exhausted: 'every model it could try failed',
  rejected: 'the policy said not to fall back',
  deadline: 'the session deadline passed',
  aborted: 'the caller aborted',
  disabled: 'fallback is disabled and the primary failed',
};

function failureMessage(policy: string, reason: FallbackFailureReason, attempts: number, lastError: ErrorFact | null): string {
  const last = lastError === null ? '' : `; last error: ${lastError.type}: ${lastError.message}`;
  return `policy "${policy}": no answer after ${attempts} attempt${attempts === 1 ? '' : 's'} (${reason}: ${REASON_TEXT[reason]})${last}`;
}
