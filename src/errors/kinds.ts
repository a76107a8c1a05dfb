/**
 * detour's one error taxonomy (the error kinds in README.md). Every provider's errors map onto
 * these kinds; rules match on the kind, never on SDK classes.
 */
export const ERROR_KINDS = [
  'timeout',
  'rate_limit',
  'quota_exceeded',
  'service_unavailable',
  'overloaded',
  'connection',
  'authentication',
  'permission',
  'model_not_found',
  'token_limit',
  'content_filter',
  'invalid_request',
  'stream_interrupted',
  'empty_response',
  'invalid_output',
  'refusal',
  'aborted',
  'unknown',
] as const;

export type ErrorKind = (typeof ERROR_KINDS)[number];

/** The seed's class-style name for each kind (`error.type`). */
export const ERROR_TYPES: Readonly<Record<ErrorKind, string>> = {
  timeout: 'TimeoutError',
  rate_limit: 'RateLimitError',
  quota_exceeded: 'QuotaExceededError',
  service_unavailable: 'ServiceUnavailableError',
  overloaded: 'OverloadedError',
  connection: 'ConnectionError',
  authentication: 'AuthenticationError',
  permission: 'PermissionDeniedError',
  model_not_found: 'ModelNotFoundError',
  token_limit: 'TokenLimitError',
  content_filter: 'ContentFilterError',
  invalid_request: 'InvalidRequestError',
  stream_interrupted: 'StreamInterruptedError',
  empty_response: 'EmptyResponseError',
  invalid_output: 'InvalidOutputError',
  refusal: 'RefusalError',
  aborted: 'AbortError',
  unknown: 'UnknownError',
};

/** Kinds worth trying again, on the same model or another (`error.retryable`). */
export const RETRYABLE_KINDS: ReadonlySet<ErrorKind> = new Set<ErrorKind>([
  'timeout',
  'rate_limit',
  'service_unavailable',
  'overloaded',
  'connection',
  'stream_interrupted',
]);

/**
 * Kinds about the answer itself (a 200 that failed the policy's
 * `output_checks`): not retried on the same model by default, and always
 * eligible for fallback when the policy turned their check on.
 */
export const ANSWER_KINDS: ReadonlySet<ErrorKind> = new Set<ErrorKind>(['empty_response', 'invalid_output', 'refusal']);

export function isErrorKind(value: unknown): value is ErrorKind {
  return typeof value === 'string' && (ERROR_KINDS as readonly string[]).includes(value);
}

/** Kind for a seed-style type name (`RateLimitError` → `rate_limit`), or undefined. */
export function kindOfType(type: string): ErrorKind | undefined {
  for (const kind of ERROR_KINDS) if (ERROR_TYPES[kind] === type) return kind;
  return undefined;
}

/**
 * How far a limit reaches on the provider's side (`error.scope`): one model or
 * deployment, or the whole account (organisation, project). See `limitScope`.
 */
export const ERROR_SCOPES = ['model', 'provider'] as const;
export type ErrorScope = (typeof ERROR_SCOPES)[number];

/**
 * What detour knows about one failure: the normalised kind beside what the
 * provider actually said. Built once, where the error is classified.
 *
 * @example
 * { kind: 'rate_limit', type: 'RateLimitError', status: 429, code: 'rate_limit_exceeded',
 *   message: 'Rate limit reached', retryAfterMs: 2000, retryable: true,
 *   provider: 'openai', sdkError: 'RateLimitError' }
 */
export interface ErrorFact {
  readonly kind: ErrorKind;
  readonly type: string;
  /** HTTP status; null for network errors and detour's own timeouts. */
  readonly status: number | null;
  /** The provider's own code: `insufficient_quota`, `overloaded_error`, `RESOURCE_EXHAUSTED`. */
  readonly code: string | null;
  readonly message: string;
  readonly retryAfterMs: number | null;
  readonly retryable: boolean;
  /** Provider type: `openai`, `anthropic`, `google`, `openai_compatible`, or null. */
  readonly provider: string | null;
  /** The SDK's error class name, e.g. `APIConnectionTimeoutError`. */
  readonly sdkError: string | null;
  /**
   * Rate limits and quotas: whether the limit is the model's own or the whole
   * account's (`provider`). Absent when the error does not say.
   */
  readonly scope?: ErrorScope;
  /** What the provider sent (parsed error body), for logs and debugging. Never contains API keys. */
  readonly raw?: unknown;
}
