/**
 * What the caller knows about a thrown error beyond the error itself. Its own
 * module so that `classify.ts` and the per-SDK mappers it calls can both import
 * it without importing each other.
 */
import type { ProviderType } from '../provider-type.js';

export interface ClassifyContext {
  /** Which SDK threw it, when known. */
  readonly provider?: ProviderType | null;
  /** Set when detour's own attempt timer fired (the abort reason is then a timeout, not the caller). */
  readonly timedOut?: boolean;
  /**
   * Set when the caller's signal aborted. Set it to `false` when the caller's
   * signal is known not to have aborted: a bare AbortError is then an SDK timer
   * (`@google/genai` reports its timeout that way) and classifies as `timeout`.
   */
  readonly aborted?: boolean;
  /** Streams: the error happened while reading the stream body. */
  readonly duringStream?: boolean;
  /** Clock for `retry-after` HTTP dates, in ms since the epoch. @default Date.now() */
  readonly now?: number;
  /**
   * Known secret values (the API key the adapter used) to scrub from the fact,
   * on top of the key-shaped patterns that are always scrubbed.
   */
  readonly secrets?: readonly string[];
}
