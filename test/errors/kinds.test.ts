import { describe, expect, it } from 'vitest';
import { ERROR_KINDS, ERROR_TYPES, RETRYABLE_KINDS, isErrorKind, kindOfType } from '../../src/errors/kinds.js';
import { LLMFallbackError } from '../../src/errors/LLMFallbackError.js';

describe('error kinds', () => {
  it('names a seed-style type for every kind, and maps it back', () => {
    for (const kind of ERROR_KINDS) expect(kindOfType(ERROR_TYPES[kind])).toBe(kind);
    expect(isErrorKind('rate_limit')).toBe(true);
    expect(isErrorKind('RateLimitError')).toBe(false);
  });

  it('holds the six retryable kinds of DESIGN §4', () => {
    expect([...RETRYABLE_KINDS].sort()).toEqual(
      ['connection', 'overloaded', 'rate_limit', 'service_unavailable', 'stream_interrupted', 'timeout'],
    );
  });

  it('brands LLMFallbackError so the check survives two copies of the package', () => {
    const error = new LLMFallbackError({ message: 'all failed', reason: 'exhausted', attempts: [] });
    expect(LLMFallbackError.isInstance(error)).toBe(true);
    expect(LLMFallbackError.isInstance({ name: 'LLMFallbackError', reason: 'exhausted' })).toBe(false);
    expect(LLMFallbackError.isInstance(new Error('x'))).toBe(false);
  });
});
