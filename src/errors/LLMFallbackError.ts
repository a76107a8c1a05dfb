import type { ErrorFact } from './kinds.js';

const marker = Symbol.for('detour.error.LLMFallbackError');

/** Why a session gave up (docs/embedding.md). */
export type FallbackFailureReason = 'exhausted' | 'rejected' | 'deadline' | 'aborted' | 'disabled';

/** One attempt as the final error reports it. */
export interface FailedAttemptSummary {
  readonly number: number;
  readonly model: string;
  readonly provider: string | null;
  /** `skipped` attempts were never sent (cooldown, context window). */
  readonly outcome: 'failure' | 'skipped' | 'aborted';
  readonly error: ErrorFact | null;
  readonly reason: string;
  readonly durationMs: number;
}

/**
 * The record of the session an error ended, as the executor keeps it in its
 * history (`FallbackSession`). Typed by shape so errors do not depend on stats.
 */
export interface FailedSessionRecord {
  /** The record as plain JSON data (attempts, timings, outcome; never an API key). */
  toJSON(): unknown;
}

/**
 * The one error a detour session ends with when no model answered. It lists
 * every attempt, so a caller (or a log line) can see the whole story.
 *
 * @example
 * try { await executor.generate({ policy: 'default', messages }) }
 * catch (error) {
 *   if (LLMFallbackError.isInstance(error)) console.log(error.reason, error.attempts.length)
 * }
 */
export class LLMFallbackError extends Error {
  readonly [marker] = true;
  override readonly name = 'LLMFallbackError';
  readonly reason: FallbackFailureReason;
  readonly attempts: readonly FailedAttemptSummary[];
  /** Every attempt's error, in order (skipped attempts included as their reason). */
  readonly errors: readonly ErrorFact[];
  /** The error that ended the session: the last one, unless `lastError` was given (a deadline names the failure before its own abort). */
  readonly lastError: ErrorFact | null;
  readonly policy: string | null;
  /** Text a stream had produced before it broke, when the session ended mid-stream. */
  readonly partialText: string | null;
  /**
   * The failed session's record (an executor's `FallbackSession`): the same
   * one `executor.history()` holds, without racing other requests for it.
   * Null when the request was refused before a session started (bad input,
   * unknown policy) or when the error was not built by an executor.
   *
   * @example
   * catch (error) {
   *   if (LLMFallbackError.isInstance(error) && error.session) log.warn(JSON.stringify(error.session))
   * }
   */
  readonly session: FailedSessionRecord | null;

  constructor(options: {
    message: string;
    reason: FallbackFailureReason;
    attempts: readonly FailedAttemptSummary[];
    policy?: string | null;
    partialText?: string | null;
    /** @default the last attempt's error */
    lastError?: ErrorFact | null;
    session?: FailedSessionRecord | null;
    cause?: unknown;
  }) {
    super(options.message, options.cause === undefined ? undefined : { cause: options.cause });
    this.reason = options.reason;
    this.attempts = options.attempts;
    this.errors = options.attempts.flatMap((attempt) => (attempt.error ? [attempt.error] : []));
    this.lastError = options.lastError !== undefined ? options.lastError : (this.errors.at(-1) ?? null);
    this.policy = options.policy ?? null;
    this.partialText = options.partialText ?? null;
    this.session = options.session ?? null;
  }

  static isInstance(error: unknown): error is LLMFallbackError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }
}
