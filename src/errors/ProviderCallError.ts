import type { ErrorFact } from './kinds.js';
import { scrubErrorInPlace } from './redact.js';

const marker = Symbol.for('detour.error.ProviderCallError');

/** Set `Error.stackTraceLimit` to 0 (when `skip`); returns what to restore, null when unchanged. */
function suppressStack(skip: boolean): number | null {
  if (!skip) return null;
  const limit = Error.stackTraceLimit;
  try {
    Error.stackTraceLimit = 0;
    return limit;
  } catch {
    return null;
  }
}

function restoreStack(limit: number | null): void {
  if (limit !== null) Error.stackTraceLimit = limit;
}

/**
 * What an adapter throws when a call fails: the classified fact, the SDK's
 * error as `cause`, and for broken streams the text received so far. With a
 * cause, the stack worth reading is the cause's: this error records none of
 * its own (capturing one costs more than the rest of a failover).
 */
export class ProviderCallError extends Error {
  readonly [marker] = true;
  override readonly name = 'ProviderCallError';
  readonly fact: ErrorFact;
  readonly partialText: string | null;
  /**
   * The answer itself when a 200 was classified as a failure (filtered, cut
   * short, failed an output check): the adapter's `GenerateResponse`, so a
   * policy that accepts such answers can return it.
   */
  readonly response: object | null;
  /** Secrets to scrub from `cause` before it is shown (see `deferCauseScrub`); null once scrubbed or never deferred. */
  #unscrubbed: readonly string[] | null = null;

  constructor(fact: ErrorFact, options: { cause?: unknown; partialText?: string | null; response?: object | null } = {}) {
    const limit = suppressStack(options.cause !== undefined);
    super(`${fact.type}: ${fact.message}`, options.cause === undefined ? undefined : { cause: options.cause });
    restoreStack(limit);
    this.fact = fact;
    this.partialText = options.partialText ?? null;
    this.response = options.response ?? null;
  }

  /** Leave `cause` unscrubbed until `scrubCause()`; `secrets` are the keys to scrub then, on top of the key patterns. */
  deferScrub(secrets: readonly string[]): void {
    this.#unscrubbed = secrets;
  }

  /** Scrub `cause` in place if that was deferred (once). */
  scrubCause(): void {
    const secrets = this.#unscrubbed;
    if (secrets === null) return;
    this.#unscrubbed = null;
    scrubErrorInPlace(this.cause, secrets);
  }

  static isInstance(error: unknown): error is ProviderCallError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }
}
