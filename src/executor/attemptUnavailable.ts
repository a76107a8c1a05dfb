/**
 * An attempt whose adapter could not be built (a missing key, a bad provider
 * entry): it fails at once, and fails only itself, not the session. It counts
 * like any attempt — a span, a record, the logger — and its failure goes to
 * the rules from the loop like any other.
 */
import type { Policy } from '../policy/types.js';
import { PROVIDER_TYPES } from '../providers/spec.js';
import type { ProviderType } from '../providers/spec.js';
import type { ErrorFact } from '../errors/kinds.js';
import { attemptFact } from './attemptFact.js';
import { attemptRecord } from './attemptRecord.js';
import type { Candidate } from './candidates.js';
import type { Session } from './Session.js';

/** Record attempt `number` at `candidate` as failed by `error` (what building its adapter threw). */
export function attemptUnavailable(session: Session, candidate: Candidate, hedged: boolean, number: number, now: number, error: unknown): void {
  const policy = session.policy;
  const config = policy.models[candidate.model];
  const fact = attemptFact(error, null);
  session.lastCause = error;
  // The span says what the policy knows of the attempt: there is no adapter to ask.
  session.scope
    .attemptStarted({
      model: candidate.model,
      modelId: config?.model ?? candidate.model,
      provider: config?.provider ?? fact.provider ?? 'unknown',
      providerType: providerTypeOf(policy, config?.provider, fact),
      serverAddress: null,
      serverPort: null,
      number,
      reason: candidate.reason,
      hedged,
    })
    .failed(fact, 0, error);
  const record = attemptRecord(number, candidate.model, config?.model ?? null, config?.provider ?? null, 'failure', candidate.reason, hedged, now, 0, fact);
  session.records.push(record);
  session.services.logger?.logAttemptFailed?.(record, { policy: policy.name, primaryModel: session.plan.primary });
  session.failures++;
  // Decide in the loop like any failure; until then start nothing else.
  session.waiting = true;
  session.push({ type: 'unavailable', model: candidate.model, provider: config?.provider ?? null, fact, number });
}

/** The provider type of a model whose adapter could not be built: its provider entry's, else the best name at hand. */
function providerTypeOf(policy: Policy, provider: string | undefined, fact: ErrorFact): ProviderType {
  const configured = provider === undefined ? undefined : policy.providers[provider]?.type;
  if (configured !== undefined) return configured;
  for (const name of [provider, fact.provider]) if (name !== undefined && name !== null && (PROVIDER_TYPES as readonly string[]).includes(name)) return name as ProviderType;
  return 'openai_compatible';
}
