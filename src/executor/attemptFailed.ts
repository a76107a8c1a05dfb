/**
 * An attempt failed: turn what it threw into its ErrorFact and record, then
 * end the session (the caller aborted; a broken stream under `mid_stream:
 * fail`) or ask the rules what next. A stream that breaks after its first
 * chunk is a `stream_interrupted`, and its text so far is the session's
 * `partialText`; under `mid_stream: restart` the next model starts over.
 */
import { ANSWER_KINDS } from '../errors/kinds.js';
import { ProviderCallError } from '../errors/ProviderCallError.js';
import { scrubCause } from '../errors/toProviderCallError.js';
import type { AttemptOutcome } from '../stats/FallbackAttempt.js';
import { abortAll } from './abortAttempts.js';
import { afterFailure } from './afterFailure.js';
import { settledFact } from './attemptFact.js';
import { attemptRecord } from './attemptRecord.js';
import type { AttemptRun } from './AttemptRun.js';
import { asStreamInterrupted } from './request.js';
import type { Session } from './Session.js';

/** A whole 200 answer that failed the policy's output checks or `accept`. */
function isJudgedAnswer(error: unknown): boolean {
  return ProviderCallError.isInstance(error) && error.response !== null && (ANSWER_KINDS.has(error.fact.kind) || error.fact.kind === 'token_limit');
}

/** Settle `run`, which rejected with `error`, and act on it. */
export function attemptFailed(session: Session, run: AttemptRun, error: unknown): void {
  const policy = session.policy;
  run.clearTimers();
  const now = session.services.clock.now();
  const duration = now - run.startTime;
  let fact = run.fact ?? settledFact(error, run, policy.models[run.model]?.firstChunkTimeoutMs ?? policy.firstChunkTimeoutMs);
  // A stream committed at its finish with nothing sent (an empty answer) has not started for the consumer.
  const midStream = run.committed && run.forwarded;
  if (run.committed) session.committed = null;
  // A complete answer that failed its checks keeps its kind; a stream broken under way is stream_interrupted.
  if (midStream && !isJudgedAnswer(error)) fact = asStreamInterrupted(fact);
  session.lastCause = error;
  session.failures++;
  run.scope.failed(fact, duration, session.services.telemetry.usesCause === false ? error : scrubCause(error));
  const outcome: AttemptOutcome = fact.kind === 'aborted' ? 'aborted' : 'failure';
  const record = attemptRecord(run.number, run.model, run.adapter.modelId, run.adapter.provider, outcome, run.reason, run.hedged, run.startTime, duration, fact);
  session.records.push(record);
  session.services.logger?.logAttemptFailed?.(record, { policy: policy.name, primaryModel: session.plan.primary });
  if (fact.kind === 'aborted') {
    // Nobody but the caller aborts an attempt we did not abort ourselves: never fall back.
    abortAll(session);
    session.end('aborted');
    return;
  }
  if (policy.circuitBreaker !== null) session.services.cooldowns.recordResult(policy, run.model, fact, now);
  session.services.cooldowns.countFailure(policy, run.model, fact, now);
  const sink = session.sink;
  const streamPhase = midStream ? 'mid_stream' : 'before_first_chunk';
  if (sink !== null) void sink.push({ type: 'attempt-failed', model: run.model, number: run.number, error: fact, phase: streamPhase });
  const phase = sink === null ? 'none' : streamPhase;
  if (midStream) {
    session.partialText = run.text;
    if (policy.midStream === 'fail' || !policy.enabled) {
      abortAll(session);
      session.end(policy.enabled ? 'rejected' : 'disabled');
      return;
    }
  }
  afterFailure(session, run.model, run.adapter.provider, fact, run.number, phase, midStream ? run.text : null);
}
