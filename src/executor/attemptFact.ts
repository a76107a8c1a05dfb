/**
 * What went wrong in an attempt, as the ErrorFact the rules match on.
 */
import { ANSWER_KINDS } from '../errors/kinds.js';
import { ProviderCallError } from '../errors/ProviderCallError.js';
import { classifyError } from '../errors/classify.js';
import type { ErrorFact } from '../errors/kinds.js';
import type { AttemptRun } from './AttemptRun.js';
import { asStreamInterrupted, syntheticFact } from './request.js';

/**
 * The fact of an attempt that settled with `error`, detour's own aborts
 * (a first-chunk timeout, a lost race, the session's end) included.
 */
export function settledFact(error: unknown, run: AttemptRun, firstChunkTimeoutMs: number | null): ErrorFact {
  if (run.abortReason === 'first-chunk-timeout') return syntheticFact('timeout', `no first chunk within ${firstChunkTimeoutMs} ms`, run.adapter.providerType);
  if (run.abortReason !== null) return syntheticFact('aborted', 'aborted by detour', run.adapter.providerType);
  const fact = attemptFact(error, run);
  // An adapter that ignores the attempt's control sees its timeout as a bare abort of its signal.
  return run.timedOut && fact.kind === 'aborted' ? syntheticFact('timeout', `the call did not finish within ${run.timeout} ms`, run.adapter.providerType) : fact;
}

/**
 * An adapter's own fact, else the classifier's, else `unknown`: classifying
 * never throws into the session. `run` is null when no adapter could be built.
 */
export function attemptFact(error: unknown, run: AttemptRun | null): ErrorFact {
  if (ProviderCallError.isInstance(error)) return error.fact;
  try {
    return classifyError(error, { provider: run?.adapter.providerType ?? null, duringStream: run?.committed ?? false });
  } catch {
    return syntheticFact('unknown', error instanceof Error ? error.message : String(error), run?.adapter.providerType ?? null);
  }
}

/** A whole 200 answer that failed the policy's output checks or `accept`. */
function isJudgedAnswer(error: unknown): boolean {
  return ProviderCallError.isInstance(error) && error.response !== null && (ANSWER_KINDS.has(error.fact.kind) || error.fact.kind === 'token_limit');
}

/**
 * How a failed attempt counts: its fact, and whether it broke mid-stream (a
 * stream that had sent the consumer something). A stream broken under way is
 * a `stream_interrupted`, whatever cut it; a complete answer that failed its
 * checks keeps its kind.
 */
export function failedAttempt(run: AttemptRun, error: unknown, firstChunkTimeoutMs: number | null): { readonly fact: ErrorFact; readonly midStream: boolean } {
  const fact = run.fact ?? settledFact(error, run, firstChunkTimeoutMs);
  // A stream committed at its finish with nothing sent (an empty answer) has not started for the consumer.
  const midStream = run.committed && run.forwarded;
  return { fact: midStream && !isJudgedAnswer(error) ? asStreamInterrupted(fact) : fact, midStream };
}
