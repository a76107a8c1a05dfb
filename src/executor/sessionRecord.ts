/**
 * The record of a finished session: what stats, history, the logger and
 * LLMFallbackError.session get. Message content only when the caller opted in.
 */
import type { GenerateResponse } from '../providers/spec.js';
import type { FallbackAttempt } from '../stats/FallbackAttempt.js';
import { FallbackSession } from '../stats/FallbackSession.js';
import type { SessionOutcome } from '../telemetry/hooks.js';
import type { AttemptRun } from './AttemptRun.js';
import type { Session } from './Session.js';

/** `session` ended `outcome` now; `records` in attempt order, `winner` and `response` on success. */
export function sessionRecord(session: Session, outcome: SessionOutcome, records: FallbackAttempt[], winner: AttemptRun | undefined, response: GenerateResponse | undefined): FallbackSession {
  const { options, plan, policy } = session;
  const capture = options.captureContent ?? session.services.captureContent;
  return new FallbackSession({
    id: session.services.nextId(),
    policy: policy.name,
    policyVersion: policy.version,
    primaryModel: plan.primary,
    requestModel: options.model ?? null,
    route: plan.route,
    strategy: plan.strategy,
    stream: session.sink !== null,
    startTime: session.startTime,
    endTime: session.services.clock.now(),
    outcome,
    finalModel: winner?.model ?? null,
    metadata: options.metadata ?? null,
    attempts: records,
    content: capture ? { messages: options.messages, responseText: response?.text ?? null } : null,
  });
}
