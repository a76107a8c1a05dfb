/**
 * A fact's `raw` body, copied and redacted only when something reads it.
 */
import type { ErrorFact } from './kinds.js';

/**
 * `fact` with a `raw` computed on first read (then kept as a plain property).
 * Spreading or serialising the fact reads it, so no copy can miss it.
 */
export function withLazyRaw(fact: ErrorFact, compute: () => unknown): ErrorFact {
  Object.defineProperty(fact, 'raw', {
    enumerable: true,
    configurable: true,
    get(this: ErrorFact) {
      const value = compute();
      Object.defineProperty(this, 'raw', { value, enumerable: true, configurable: true, writable: false });
      return value;
    },
  });
  return fact;
}

/** The fact's fields without `raw` (copying them does not compute a lazy `raw`). */
export function factFields(fact: ErrorFact): ErrorFact {
  const fields: ErrorFact = {
    kind: fact.kind,
    type: fact.type,
    status: fact.status,
    code: fact.code,
    message: fact.message,
    retryAfterMs: fact.retryAfterMs,
    retryable: fact.retryable,
    provider: fact.provider,
    sdkError: fact.sdkError,
  };
  return fact.scope === undefined ? fields : { ...fields, scope: fact.scope };
}

/** True when the fact has a `raw` body, without computing a lazy one. */
export function hasRaw(fact: ErrorFact): boolean {
  const descriptor = Object.getOwnPropertyDescriptor(fact, 'raw');
  return descriptor !== undefined && (descriptor.get !== undefined || descriptor.value !== undefined);
}
