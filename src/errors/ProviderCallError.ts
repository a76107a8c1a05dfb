import type { ErrorFact } from './kinds.js';

const marker = Symbol.for('detour.error.ProviderCallError');

/**
 * What an adapter throws when a call fails: the classified fact, the SDK's
 * error as `cause`, and for broken streams the text received so far.
 */
export class ProviderCallError extends Error {
  readonly [marker] = true;
  override readonly name = 'ProviderCallError';
  readonly fact: ErrorFact;
  readonly partialText: string | null;

  constructor(fact: ErrorFact, options: { cause?: unknown; partialText?: string | null } = {}) {
    super(`${fact.type}: ${fact.message}`, options.cause === undefined ? undefined : { cause: options.cause });
    this.fact = fact;
    this.partialText = options.partialText ?? null;
  }

  static isInstance(error: unknown): error is ProviderCallError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }
}
