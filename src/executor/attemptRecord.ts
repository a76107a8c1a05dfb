/**
 * The history record of one attempt, or of a model the session passed over.
 */
import type { ErrorFact } from '../errors/kinds.js';
import type { GenerateResponse } from '../providers/spec.js';
import { FallbackAttempt } from '../stats/FallbackAttempt.js';
import type { AttemptOutcome } from '../stats/FallbackAttempt.js';

/** A FallbackAttempt for the session's record; `response` gives a success its usage. */
export function attemptRecord(
  number: number,
  model: string,
  modelId: string | null,
  provider: string | null,
  outcome: AttemptOutcome,
  reason: string,
  hedged: boolean,
  startTime: number,
  durationMs: number,
  error: ErrorFact | null,
  response?: GenerateResponse,
): FallbackAttempt {
  return new FallbackAttempt({ number, model, modelId, provider, outcome, reason, hedged, startTime, durationMs, error, usage: response?.usage ?? null });
}
