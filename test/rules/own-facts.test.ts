/**
 * A decision no rule can read past the failure itself is made on the
 * failure's own facts (the executor then builds no `request.*` facts): for
 * random policies, every error kind and every point of a session, it must be
 * the decision all the facts give, explanation included.
 */
import { describe, expect, it } from 'vitest';
import { ERROR_KINDS, ERROR_TYPES, RETRYABLE_KINDS } from '../../src/errors/kinds.js';
import type { ErrorFact, ErrorKind } from '../../src/errors/kinds.js';
import { parsePolicy } from '../../src/policy/load.js';
import type { Policy } from '../../src/policy/types.js';
import { compiledRules } from '../../src/rules/compile.js';
import { decideDetailed, decideUnexplained } from '../../src/rules/decide.js';
import { buildFailureFacts, buildFailureOwnFacts, buildRequestFacts } from '../../src/rules/facts.js';
import { planRequest } from '../../src/rules/plan.js';
import { mulberry32 } from '../../src/rules/random.js';
import { MemoryStickyStore } from '../../src/rules/sticky.js';
import type { Decision, Plan } from '../../src/rules/types.js';
import { generatePolicy } from './differential-policies.js';

function load(yaml: string): Policy {
  const result = parsePolicy(yaml, 'own-facts.yaml');
  if (result.policy === null) throw new Error(result.diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
  return result.policy;
}

const MODELS = 'models:\n  a: { provider: openai, model: gpt-a }\n  b: { provider: anthropic, model: claude-b }\n  c: { provider: openai, model: gpt-c }\n';

/** Policies whose decisions read few facts, or the request's. */
const HAND_WRITTEN = [
  `version: 1\nname: default\n${MODELS}primary_model: a\nfallback_models: [b, c]\n`,
  `version: 1\nname: default\n${MODELS}primary_model: a\nfallback_models: [c, b]\nbase_delay: 1s\njitter: true\n`,
  `version: 1\nname: default\n${MODELS}primary_model: a\nfallback_models: [b, c]\nbackoff: every_attempt\nmax_attempts: 2\n`,
  `version: 1\nname: default\n${MODELS}primary_model: a\nfallback_models: [b, c]\nfallback_on_status_codes: [500, 503]\nfallback_on_errors: [rate_limit, overloaded_error]\n`,
  `version: 1\nname: default\n${MODELS}primary_model: a\nfallback_models: [b, c]\ndeadline: 10s\n`,
  `version: 1\nname: default\n${MODELS}primary_model: a\nfallback_models: [b, c]\nrules:\n  - name: free tier fails\n    when: { all: [ { fact: request.metadata.tier, operator: equal, value: free } ] }\n    then: { fail: true }\n`,
  `version: 1\nname: default\n${MODELS}primary_model: a\nfallback_models: [b, c]\nstrategy_type: conditional\nconditions: [rate_limit, { fact: request.has_tools, operator: equal, value: false }]\n`,
];

function factOf(kind: ErrorKind, random: () => number): ErrorFact {
  const status = [null, 429, 500, 503, 529][Math.floor(random() * 5)] ?? null;
  return {
    kind,
    type: ERROR_TYPES[kind],
    status,
    code: random() < 0.5 ? null : 'server_error',
    message: 'something failed',
    retryAfterMs: random() < 0.3 ? 1500 : null,
    retryable: RETRYABLE_KINDS.has(kind),
    provider: 'openai',
    sdkError: null,
    ...(random() < 0.3 ? { scope: random() < 0.5 ? ('model' as const) : ('provider' as const) } : {}),
  };
}

function comparable(decision: Decision): Record<string, unknown> {
  return { ...decision };
}

describe('decisions on the failure’s own facts', () => {
  it('are the decisions every fact gives, whenever no rule that can match needs more', () => {
    const policies = [...HAND_WRITTEN.map(load), ...Array.from({ length: 150 }, (_, index) => load(generatePolicy(index).yaml))];
    const random = mulberry32(7);
    let compared = 0;
    for (const policy of policies) {
      const request = { metadata: { tier: random() < 0.5 ? 'free' : 'gold', user: 'u-1' }, model: null, estimatedInputTokens: 10, stream: false };
      const plan: Plan = planRequest(policy, buildRequestFacts(request), { seed: 3, sticky: new MemoryStickyStore(), now: () => 0 });
      const order = [plan.primary, ...plan.chain];
      for (const kind of ERROR_KINDS) {
        if (compiledRules(policy, plan.strategy).needsAllFacts(kind)) continue;
        for (let sent = 1; sent <= Math.min(order.length + 1, plan.maxAttempts + 1); sent += 1) {
          const tried = order.slice(0, sent);
          while (tried.length < sent) tried.push(plan.primary);
          const failed = tried[tried.length - 1] as string;
          const own = {
            error: factOf(kind, random),
            attempt: { model: failed, provider: policy.models[failed]?.provider ?? null, number: sent },
            session: { attempts: sent, elapsedMs: 12_000 * (sent - 1), tried },
            streamPhase: 'none' as const,
          };
          const options = { plan, seed: 3, random: () => 0.25, sticky: new MemoryStickyStore(), now: () => 0 };
          const all = decideDetailed(policy, buildFailureFacts({ ...own, request }), options).decision;
          const lean = decideDetailed(policy, buildFailureOwnFacts(own, plan.maxAttempts), options).decision;
          expect(comparable(lean), `${policy.name} ${kind} after ${tried.join(' → ')}`).toEqual(comparable(all));
          // What the executor decides with: the same decision, without its sentence.
          const { explanation: _sentence, ...unexplained } = comparable(all) as Record<string, unknown>;
          expect(decideUnexplained(policy, buildFailureOwnFacts(own, plan.maxAttempts), options), `${policy.name} ${kind} after ${tried.join(' → ')}, unexplained`).toEqual(unexplained);
          compared += 1;
        }
      }
    }
    expect(compared).toBeGreaterThan(1000);
  });

  it('need every fact when a rule that can match reads the request, the stats or picks models itself', () => {
    const plain = load(HAND_WRITTEN[0]!);
    expect(compiledRules(plain).needsAllFacts('service_unavailable')).toBe(false);
    expect(compiledRules(load(HAND_WRITTEN[3]!)).needsAllFacts('timeout')).toBe(false);
    expect(compiledRules(load(HAND_WRITTEN[5]!)).needsAllFacts('timeout')).toBe(true);
    expect(compiledRules(load(HAND_WRITTEN[6]!)).needsAllFacts('timeout')).toBe(true);
    const mapped = load(`version: 1\nname: default\n${MODELS}primary_model: a\nfallback_models: [b]\nstrategy_type: error_type\nerror_mappings:\n  rate_limit: [c]\n`);
    expect(compiledRules(mapped).needsAllFacts('rate_limit')).toBe(true);
    expect(compiledRules(mapped).needsAllFacts('timeout')).toBe(false);
    const stats = load(
      `version: 1\nname: default\n${MODELS}primary_model: a\nfallback_models: [b]\nrules:\n  - name: slow b\n    when: { all: [ { fact: error.kind, operator: equal, value: timeout }, { fact: stats.b.latency_p95_ms, operator: greaterThan, value: 5000 } ] }\n    then: { fallback: [c] }\n`,
    );
    expect(compiledRules(stats).needsAllFacts('timeout')).toBe(true);
    expect(compiledRules(stats).needsAllFacts('rate_limit')).toBe(false);
  });
});
