/**
 * An attempt whose adapter could not be built (a missing key, a bad provider
 * entry): it fails at once, and fails only itself, not the session. It counts
 * like any attempt — a span, a record — and its failure goes to the rules
 * from the session's loop like any other.
 */
import type { ErrorFact } from '../errors/kinds.js';
import type { Policy } from '../policy/types.js';
import { PROVIDER_TYPES } from '../providers/spec.js';
import type { ProviderType } from '../providers/spec.js';
import type { FallbackAttempt } from '../stats/FallbackAttempt.js';
import type { SessionScope } from '../telemetry/hooks.js';
import { attemptFact } from './attemptFact.js';
import { attemptRecord } from './attemptRecord.js';
import type { Candidate } from './candidates.js';

/** Attempt `number` at `candidate`, failed by `error` (what building its adapter threw): its span, fact and record. */
export function unavailableAttempt(
  scope: SessionScope,
  policy: Policy,
  candidate: Candidate,
  hedged: boolean,
  number: number,
  now: number,
  error: unknown,
): { readonly fact: ErrorFact; readonly record: FallbackAttempt } {
  const config = policy.models[candidate.model];
  const fact = attemptFact(error, null);
  // The span says what the policy knows of the attempt: there is no adapter to ask.
  scope
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
  return { fact, record };
}

/** The provider type of a model whose adapter could not be built: its provider entry's, else the best name at hand. */
function providerTypeOf(policy: Policy, provider: string | undefined, fact: ErrorFact): ProviderType {
  const configured = provider === undefined ? undefined : policy.providers[provider]?.type;
  if (configured !== undefined) return configured;
  for (const name of [provider, fact.provider]) if (name !== undefined && name !== null && (PROVIDER_TYPES as readonly string[]).includes(name)) return name as ProviderType;
  return 'openai_compatible';
}
