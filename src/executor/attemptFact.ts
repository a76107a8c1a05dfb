/**
 * What went wrong in an attempt, as the ErrorFact the rules match on.
 */
import { ProviderCallError } from '../errors/ProviderCallError.js';
import { classifyError } from '../errors/classify.js';
import type { ErrorFact } from '../errors/kinds.js';
import type { AttemptRun } from './AttemptRun.js';
import { syntheticFact } from './request.js';

/**
 * The fact of an attempt that settled with `error`, detour's own aborts
 * (a first-chunk timeout, a lost race, the session's end) included.
 */
export function settledFact(error: unknown, run: AttemptRun, firstChunkTimeoutMs: number | null): ErrorFact {
  if (run.abortReason === 'first-chunk-timeout') return syntheticFact('timeout', `no first chunk within ${firstChunkTimeoutMs} ms`, run.adapter.providerType);
  if (run.abortReason !== null) return syntheticFact('aborted', 'aborted by detour', run.adapter.providerType);
  return attemptFact(error, run);
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
