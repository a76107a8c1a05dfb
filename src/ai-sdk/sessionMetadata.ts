/**
 * The session behind one AI SDK call, as `providerMetadata.detour`: which
 * models were tried, the rule that chose the one that answered, the policy's
 * version and the session id.
 */
import type { JSONObject, SharedV4ProviderMetadata } from '@ai-sdk/provider';
import type { ExecutorResult } from '../executor/types.js';

/** A restart the policy's `mid_stream: restart` made: the text of `failedModel` already given to the AI SDK stayed there. */
export interface StreamRestart {
  readonly failedModel: string;
  readonly errorKind: string;
  readonly discardedCharacters: number;
}

/**
 * `providerMetadata.detour` for a finished session.
 *
 * @example
 * const { providerMetadata } = await generateText({ model: detourModel(executor, { policy: 'chat' }), prompt })
 * providerMetadata?.detour // { sessionId: 7, policy: 'chat', policyVersion: '…', model: 'claude', rule: 'fallback: sequential', modelsTried: ['gpt-4o', 'claude'], … }
 */
export function sessionMetadata(result: ExecutorResult, restarts: readonly StreamRestart[] = []): SharedV4ProviderMetadata {
  const session = result.session;
  const answered = session.getSuccessfulAttempt();
  const detour: JSONObject = {
    sessionId: session.id,
    policy: session.policy,
    policyVersion: session.policyVersion,
    route: session.route,
    strategy: session.strategy,
    model: result.model,
    provider: result.provider,
    rule: answered?.reason ?? null,
    modelsTried: session.attempts.filter((attempt) => attempt.outcome !== 'skipped').map((attempt) => attempt.model),
    attempts: session.attempts.map((attempt) => ({
      number: attempt.number,
      model: attempt.model,
      provider: attempt.provider,
      outcome: attempt.outcome,
      reason: attempt.reason,
      errorKind: attempt.error?.kind ?? null,
      durationMs: attempt.durationMs,
    })),
    ...(restarts.length === 0 ? {} : { restarts: restarts.map((restart) => ({ ...restart })) }),
  };
  return { detour };
}
