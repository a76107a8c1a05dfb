import { describe, expect, it } from 'vitest';
import { makeFact } from '../../src/errors/fact.js';
import { ERROR_KINDS, type ErrorKind } from '../../src/errors/kinds.js';
import { ConditionalFallback } from '../../src/errors/predicates.js';
import { ProviderCallError } from '../../src/errors/ProviderCallError.js';

type PredicateName = keyof typeof ConditionalFallback;

/** DESIGN §4: which predicate holds for which kind. */
const HOLDS: Readonly<Record<PredicateName, readonly ErrorKind[]>> = {
  onTimeout: ['timeout'],
  onRateLimit: ['rate_limit', 'quota_exceeded'],
  onServiceUnavailable: ['service_unavailable', 'overloaded', 'connection'],
  onAuthenticationError: ['authentication', 'permission'],
  onModelNotFound: ['model_not_found'],
  onTokenLimit: ['token_limit'],
  onContentFilter: ['content_filter'],
  onInvalidRequest: ['invalid_request'],
  onRetryableError: ['timeout', 'rate_limit', 'service_unavailable', 'overloaded', 'connection', 'stream_interrupted'],
  onAnyError: ERROR_KINDS.filter((kind) => kind !== 'aborted'),
};

describe('ConditionalFallback predicates, on the kind', () => {
  for (const [name, kinds] of Object.entries(HOLDS) as [PredicateName, readonly ErrorKind[]][]) {
    it.each(ERROR_KINDS)(`${name}(%s)`, (kind) => {
      expect(ConditionalFallback[name](makeFact(kind))).toBe(kinds.includes(kind));
    });
  }

  it('onRetryableError agrees with the fact’s own `retryable`', () => {
    for (const kind of ERROR_KINDS) expect(ConditionalFallback.onRetryableError(makeFact(kind))).toBe(makeFact(kind).retryable);
  });

  it('accepts raw thrown values and ProviderCallErrors too', () => {
    expect(ConditionalFallback.onTimeout(new DOMException('late', 'TimeoutError'))).toBe(true);
    expect(ConditionalFallback.onAnyError(new DOMException('stop', 'AbortError'))).toBe(false);
    expect(ConditionalFallback.onRateLimit(new ProviderCallError(makeFact('rate_limit')))).toBe(true);
    expect(ConditionalFallback.onAnyError(null)).toBe(true);
  });
});
