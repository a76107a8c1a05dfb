/**
 * Stopping an attempt the session no longer waits for: a loser of a race
 * (parallel, hedged, or streams before the first chunk) or one still in
 * flight when the session ends. It is recorded `aborted` at once; its call's
 * own settlement is ignored later (its promise is still handled).
 */
import type { FallbackAttempt } from '../stats/FallbackAttempt.js';
import { attemptRecord } from './attemptRecord.js';
import type { AttemptRun } from './AttemptRun.js';
import { syntheticFact } from './request.js';
import type { Clock } from './types.js';

/** Abort `run`, end its span (`cancelled` for a loser) and return its record. */
export function abortRun(run: AttemptRun, reason: 'loser' | 'session', clock: Clock): FallbackAttempt {
  run.abort(reason);
  const duration = clock.now() - run.startTime;
  const fact = syntheticFact('aborted', reason === 'loser' ? 'another attempt answered first' : 'the session ended', run.adapter.providerType);
  if (reason === 'loser' && run.scope.cancelled !== undefined) run.scope.cancelled(duration);
  else run.scope.failed(fact, duration);
  return attemptRecord(run.number, run.model, run.adapter.modelId, run.adapter.provider, 'aborted', run.reason, run.hedged, run.startTime, duration, fact);
}
