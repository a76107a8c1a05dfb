/**
 * What the gateway answers when a request cannot be served: an HTTP status,
 * an error type from the Anthropic/OpenAI vocabulary, and, when a session
 * ran, its attempts. Each wire format renders it in its own error shape.
 */
import type { ErrorFact, ErrorKind } from '../errors/kinds.js';
import type { LLMFallbackError } from '../errors/LLMFallbackError.js';

/** Error types both wire formats' clients understand (`error.type` in the body). */
export type ProblemType =
  | 'invalid_request_error'
  | 'authentication_error'
  | 'permission_error'
  | 'not_found_error'
  | 'request_too_large'
  | 'rate_limit_error'
  | 'timeout_error'
  | 'api_error'
  | 'overloaded_error';

/** One attempt of the failed session, as the error body lists it (no content, no keys). */
export interface ProblemAttempt {
  readonly number: number;
  readonly model: string;
  readonly provider: string | null;
  readonly outcome: string;
  readonly kind: ErrorKind | null;
  readonly status: number | null;
  readonly code: string | null;
  readonly message: string | null;
  readonly chosenBy: string;
  readonly durationMs: number;
}

/** What detour adds to an error body when a session ran. */
export interface ProblemSession {
  readonly session: number | null;
  readonly policy: string | null;
  readonly reason: string;
  readonly attempts: readonly ProblemAttempt[];
}

export class GatewayProblem {
  constructor(
    readonly status: number,
    readonly type: ProblemType,
    readonly message: string,
    readonly code: string | null = null,
    readonly session: ProblemSession | null = null,
    readonly retryAfterMs: number | null = null,
  ) {}
}

/**
 * Status for the kind of the error that ended a session. Upstream trouble the
 * client cannot fix (the provider's keys, a missing upstream model) is a 502:
 * the client's own key and request were fine.
 */
const KIND_STATUS: Readonly<Record<ErrorKind, readonly [number, ProblemType]>> = {
  timeout: [504, 'timeout_error'],
  rate_limit: [429, 'rate_limit_error'],
  quota_exceeded: [429, 'rate_limit_error'],
  service_unavailable: [503, 'api_error'],
  overloaded: [503, 'overloaded_error'],
  connection: [502, 'api_error'],
  authentication: [502, 'api_error'],
  permission: [502, 'api_error'],
  model_not_found: [502, 'api_error'],
  token_limit: [400, 'invalid_request_error'],
  content_filter: [400, 'invalid_request_error'],
  invalid_request: [400, 'invalid_request_error'],
  stream_interrupted: [502, 'api_error'],
  // Every model's answer failed the policy's output checks: upstream trouble, not the client's request.
  empty_response: [502, 'api_error'],
  invalid_output: [502, 'api_error'],
  refusal: [400, 'invalid_request_error'],
  aborted: [499, 'api_error'],
  unknown: [502, 'api_error'],
};

function attemptOf(attempt: LLMFallbackError['attempts'][number]): ProblemAttempt {
  const error: ErrorFact | null = attempt.error;
  return {
    number: attempt.number,
    model: attempt.model,
    provider: attempt.provider,
    outcome: attempt.outcome,
    kind: error?.kind ?? null,
    status: error?.status ?? null,
    code: error?.code ?? null,
    message: error?.message ?? null,
    chosenBy: attempt.reason,
    durationMs: Math.round(attempt.durationMs * 10) / 10,
  };
}

/** The session number of a failed session (null when none started). */
export function sessionIdOf(error: LLMFallbackError): number | null {
  const id = (error.session as { readonly id?: unknown } | null)?.id;
  return typeof id === 'number' ? id : null;
}

/**
 * The problem a failed session becomes: the status follows the last error's
 * kind (a deadline is a 504, a refused request a 400), the body lists every attempt.
 *
 * @example
 * catch (error) { if (LLMFallbackError.isInstance(error)) send(problemOfFailure(error)) }
 */
export function problemOfFailure(error: LLMFallbackError): GatewayProblem {
  const session: ProblemSession = {
    session: sessionIdOf(error),
    policy: error.policy,
    reason: error.reason,
    attempts: error.attempts.map(attemptOf),
  };
  if (error.reason === 'rejected' && error.attempts.length === 0) {
    return new GatewayProblem(400, 'invalid_request_error', error.message, 'rejected', session);
  }
  if (error.reason === 'deadline') return new GatewayProblem(504, 'timeout_error', error.message, 'deadline', session);
  const last = error.lastError;
  if (last === null) return new GatewayProblem(503, 'api_error', error.message, error.reason, session);
  const [status, type] = KIND_STATUS[last.kind];
  return new GatewayProblem(status, type, error.message, last.kind, session, last.retryAfterMs);
}
