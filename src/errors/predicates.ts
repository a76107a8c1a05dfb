/**
 * The seed's `ConditionalFallback` predicates, defined on the error kind
 * (the error kinds table in README.md). Each takes an ErrorFact, a ProviderCallError, or any
 * thrown value (classified on the fly).
 */
import { classifyError } from './classify.js';
import { isErrorKind, type ErrorFact, type ErrorKind } from './kinds.js';

function kindOf(error: ErrorFact | unknown): ErrorKind {
  if (typeof error === 'object' && error !== null) {
    const kind = (error as { kind?: unknown }).kind;
    if (isErrorKind(kind) && typeof (error as { type?: unknown }).type === 'string') return kind;
  }
  return classifyError(error).kind;
}

function onKinds(...kinds: readonly ErrorKind[]): (error: ErrorFact | unknown) => boolean {
  const set = new Set(kinds);
  return (error) => set.has(kindOf(error));
}

/**
 * Predicates for `ConditionalFallbackStrategy` conditions.
 *
 * @example
 * const conditions = [ConditionalFallback.onRateLimit, ConditionalFallback.onTimeout]
 * conditions.some((holds) => holds(fact)) // fall back?
 */
export const ConditionalFallback = Object.freeze({
  onTimeout: onKinds('timeout'),
  onRateLimit: onKinds('rate_limit', 'quota_exceeded'),
  onServiceUnavailable: onKinds('service_unavailable', 'overloaded', 'connection'),
  onAuthenticationError: onKinds('authentication', 'permission'),
  onModelNotFound: onKinds('model_not_found'),
  onTokenLimit: onKinds('token_limit'),
  onContentFilter: onKinds('content_filter'),
  onInvalidRequest: onKinds('invalid_request'),
  onRetryableError: onKinds('timeout', 'rate_limit', 'service_unavailable', 'overloaded', 'connection', 'stream_interrupted'),
  onAnyError: (error: ErrorFact | unknown): boolean => kindOf(error) !== 'aborted',
});

export type ConditionalFallbackPredicate = (error: ErrorFact | unknown) => boolean;
