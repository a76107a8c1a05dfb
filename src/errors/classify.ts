/**
 * STUB — owned by the errors helper, which replaces the bodies.
 */
import type { ProviderType } from '../providers/spec.js';
import type { ErrorFact } from './kinds.js';

export interface ClassifyContext {
  /** Which SDK threw it, when known. */
  readonly provider?: ProviderType | null;
  /** Set when detour's own attempt timer fired (the abort reason is then a timeout, not the caller). */
  readonly timedOut?: boolean;
  /** Set when the caller's signal aborted. */
  readonly aborted?: boolean;
  /** Streams: the error happened while reading the stream body. */
  readonly duringStream?: boolean;
}

/** Turn anything an SDK or fetch threw into an ErrorFact. Never throws. */
export function classifyError(error: unknown, context: ClassifyContext = {}): ErrorFact {
  void error;
  void context;
  throw new Error('classifyError: not built yet');
}
