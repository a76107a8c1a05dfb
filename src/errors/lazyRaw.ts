/**
 * A fact's `raw` body, copied and redacted only when something reads it.
 */
import type { ErrorFact } from './kinds.js';

/**
 * A copy of `fact` whose `raw` is computed on first read (then kept as a plain
 * property). Spreading or serialising the fact reads it, so no copy can miss it.
 */
export function withLazyRaw(fact: ErrorFact, compute: () => unknown): ErrorFact {
  function raw(this: ErrorFact): unknown {
    const value = compute();
    Object.defineProperty(this, 'raw', { value, enumerable: true, configurable: true, writable: false });
    return value;
  }
  const { kind, type, status, code, message, retryAfterMs, retryable, provider, sdkError, scope } = fact;
  if (scope === undefined) {
    return { kind, type, status, code, message, retryAfterMs, retryable, provider, sdkError, get raw() { return raw.call(this); } };
  }
  return { kind, type, status, code, message, retryAfterMs, retryable, provider, sdkError, scope, get raw() { return raw.call(this); } };
}

/** The fact's fields without `raw` (copying them does not compute a lazy `raw`). */
export function factFields(fact: ErrorFact): ErrorFact {
  const { kind, type, status, code, message, retryAfterMs, retryable, provider, sdkError, scope } = fact;
  return scope === undefined
    ? { kind, type, status, code, message, retryAfterMs, retryable, provider, sdkError }
    : { kind, type, status, code, message, retryAfterMs, retryable, provider, sdkError, scope };
}

/** True when the fact has a `raw` body, without computing a lazy one. */
export function hasRaw(fact: ErrorFact): boolean {
  const descriptor = Object.getOwnPropertyDescriptor(fact, 'raw');
  return descriptor !== undefined && (descriptor.get !== undefined || descriptor.value !== undefined);
}
