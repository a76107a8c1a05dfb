/**
 * Stopping attempts the session no longer waits for: the losers of a race
 * (parallel, hedged, or streams before the first chunk) and everything in
 * flight when the session ends. Each is recorded `aborted` at once; its
 * call's own settlement is ignored later (its promise is still handled).
 */
import { attemptRecord } from './attemptRecord.js';
import type { AttemptRun } from './AttemptRun.js';
import { syntheticFact } from './request.js';
import type { Session } from './Session.js';

/** Abort every attempt in flight but `winner` (their spans end `cancelled`). */
export function abortLosers(session: Session, winner: AttemptRun): void {
  for (const run of session.inFlight) if (run !== winner) abortRun(session, run, 'loser');
}

/** Abort every attempt in flight: the session is ending. */
export function abortAll(session: Session): void {
  for (const run of session.inFlight) abortRun(session, run, 'session');
}

function abortRun(session: Session, run: AttemptRun, reason: 'loser' | 'session'): void {
  session.inFlight.delete(run);
  run.abort(reason);
  const duration = session.services.clock.now() - run.startTime;
  const fact = syntheticFact('aborted', reason === 'loser' ? 'another attempt answered first' : 'the session ended', run.adapter.providerType);
  if (reason === 'loser' && run.scope.cancelled !== undefined) run.scope.cancelled(duration); else run.scope.failed(fact, duration);
  session.records.push(attemptRecord(run.number, run.model, run.adapter.modelId, run.adapter.provider, 'aborted', run.reason, run.hedged, run.startTime, duration, fact));
}
