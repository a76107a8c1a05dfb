/**
 * The record of a finished session (what stats, history, the logger and
 * LLMFallbackError.session get) and the result a successful one resolves
 * with. Message content only when the caller opted in.
 */
import type { Policy } from '../policy/types.js';
import type { GenerateResponse } from '../providers/spec.js';
import type { Plan } from '../rules/types.js';
import type { FallbackAttempt } from '../stats/FallbackAttempt.js';
import { FallbackSession } from '../stats/FallbackSession.js';
import type { SessionOutcome } from '../telemetry/hooks.js';
import type { ExecutorResult, GenerateOptions } from './types.js';

/** A finished session's facts; `records` in attempt order, `finalModel` and `response` on success. */
export interface FinishedSession {
  readonly id: number;
  readonly policy: Policy;
  readonly plan: Plan;
  readonly options: GenerateOptions;
  readonly stream: boolean;
  readonly startTime: number;
  readonly endTime: number;
  readonly outcome: SessionOutcome;
  readonly records: FallbackAttempt[];
  readonly finalModel: string | null;
  readonly response: GenerateResponse | undefined;
  /** Keep messages and the answer's text (the request's `captureContent`, else the executor's). */
  readonly captureContent: boolean;
}

export function sessionRecord(finished: FinishedSession): FallbackSession {
  const { options, plan, policy, response } = finished;
  return new FallbackSession({
    id: finished.id,
    policy: policy.name,
    policyVersion: policy.version,
    primaryModel: plan.primary,
    requestModel: options.model ?? null,
    route: plan.route,
    strategy: plan.strategy,
    stream: finished.stream,
    startTime: finished.startTime,
    endTime: finished.endTime,
    outcome: finished.outcome,
    finalModel: finished.finalModel,
    metadata: options.metadata ?? null,
    attempts: finished.records,
    content: finished.captureContent ? { messages: options.messages, responseText: response?.text ?? null } : null,
  });
}

/** What `generate` resolves with: the answer, who gave it, and the session's record. */
export function sessionResult(response: GenerateResponse, model: string, provider: string, session: FallbackSession): ExecutorResult {
  return {
    text: response.text,
    content: response.content,
    toolCalls: response.toolCalls,
    reasoning: response.reasoning,
    finishReason: response.finishReason,
    usage: response.usage,
    response,
    model,
    provider,
    session,
  };
}
