/**
 * STUB — owned by the rules helper (issue 3), which replaces the bodies.
 */
import type { ErrorFact } from '../errors/kinds.js';
import type { Facts } from './types.js';

export type StreamPhase = 'none' | 'before_first_chunk' | 'mid_stream';

export interface RequestFactsInput {
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** Model or group the caller asked for, if any. */
  readonly model?: string | null;
  readonly estimatedInputTokens?: number | null;
  readonly stream?: boolean;
}

export interface FailureFactsInput {
  readonly error: ErrorFact;
  readonly attempt: { readonly model: string; readonly provider: string | null; readonly number: number };
  readonly session: { readonly attempts: number; readonly elapsedMs: number; readonly tried: readonly string[] };
  readonly streamPhase: StreamPhase;
  readonly request: RequestFactsInput;
}

/** `request.*` facts only (for routes). */
export function buildRequestFacts(request: RequestFactsInput): Facts {
  void request;
  throw new Error('buildRequestFacts: not built yet');
}

/** Every fact of DESIGN §3 for one failure; absent values are null. */
export function buildFailureFacts(input: FailureFactsInput): Facts {
  void input;
  throw new Error('buildFailureFacts: not built yet');
}
