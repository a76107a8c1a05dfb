/**
 * A fact's `raw` body, copied and redacted only when something reads it.
 */
import { lazyProperty, type LazyDefiner } from '../lazy-property.js';
import type { ErrorFact } from './kinds.js';

/**
 * Give `fact` (a fact just built, not yet shared) a `raw` computed on first
 * read, then kept as a plain property. Spreading or serialising the fact reads
 * it, so no copy can miss it. Returns `fact`.
 */
export const lazyRaw: LazyDefiner = lazyProperty('raw');

/** The fact's fields without `raw` (copying them does not compute a lazy `raw`), `message` and `code` replaced when given. */
export function factFields(fact: ErrorFact, message: string = fact.message, code: string | null = fact.code): ErrorFact {
  const { kind, type, status, retryAfterMs, retryable, provider, sdkError, scope } = fact;
  return scope === undefined
    ? { kind, type, status, code, message, retryAfterMs, retryable, provider, sdkError }
    : { kind, type, status, code, message, retryAfterMs, retryable, provider, sdkError, scope };
}

/** True when the fact has a `raw` body, without computing a lazy one. */
export function hasRaw(fact: ErrorFact): boolean {
  const descriptor = Object.getOwnPropertyDescriptor(fact, 'raw');
  return descriptor !== undefined && (descriptor.get !== undefined || descriptor.value !== undefined);
}
