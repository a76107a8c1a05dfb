/**
 * The four ways `detour test` / `explain` and the executor used to disagree,
 * each pinned by one case (the differential test covers them at random).
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LLMFallbackError } from '../../src/errors/LLMFallbackError.js';
import type { Simulator } from '../../src/simulator/index.js';
import { explain } from '../../src/rules/explain.js';
import { runPolicyTests } from '../../src/rules/policy-tests.js';
import { policyFrom } from '../executor/support.js';
import { requestsTo, simulatedExecutor, simulator, yamlPolicy } from '../executor/simulated.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await simulator({ models: { 'gpt-a': { faults: [{ type: 'server_error' }] } } });
});
afterAll(async () => {
  await sim.close();
});

const messages = [{ role: 'user' as const, content: 'hi' }];

async function modelsCalled(yaml: string, options: { randomSeed?: number } = {}): Promise<string[]> {
  const executor = simulatedExecutor(sim, yaml);
  try {
    return (await executor.generate({ policy: 'default', messages, ...options })).session.attempts.map((attempt) => attempt.model);
  } catch (error) {
    if (!LLMFallbackError.isInstance(error)) throw error;
    return error.attempts.map((attempt) => attempt.model);
  } finally {
    await executor.close();
  }
}

describe('one decision path', () => {
  it('a sequential group as the primary: member 1 fails, member 2 answers — at runtime and in detour test', async () => {
    const yaml = yamlPolicy(`groups:\n  pair: { members: [a, b], strategy: sequential }\nprimary_model: pair\nfallback_models: [c]\ntests:\n  - name: member 1 fails, member 2 next\n    given: { error.kind: service_unavailable, error.status: 500, attempt.model: a }\n    expect: { next: [b, c] }\n`);
    const before = requestsTo(sim, 'gpt-a');
    expect(await modelsCalled(yaml)).toEqual(['a', 'b']);
    expect(requestsTo(sim, 'gpt-a') - before).toBe(1);
    expect(runPolicyTests(policyFrom(yaml)).filter((result) => !result.passed)).toEqual([]);
  });

  it("a rule's strategy: random orders each session by its own seed, and explain with that seed says which", async () => {
    const yaml = yamlPolicy(
      'primary_model: a\nfallback_models: []\nmax_attempts: 2\nrules:\n  - name: spread\n    when: { all: [ { fact: error.kind, operator: equal, value: service_unavailable } ] }\n    then: { fallback: [a2, b, c], strategy: random }\n',
    );
    const policy = policyFrom(yaml);
    const seconds = new Set<string>();
    for (let seed = 1; seed <= 12; seed += 1) {
      const called = await modelsCalled(yaml, { randomSeed: seed });
      const predicted = await explain(policy, { 'error.kind': 'service_unavailable', 'error.status': 500, 'attempt.model': 'a', random_seed: seed });
      expect(predicted.mode === 'decision' && predicted.decision.next[0]).toBe(called[1]);
      seconds.add(called[1]!);
    }
    expect(seconds.size).toBeGreaterThan(1);
  });

  it('detour test names only the member a random group resolves to, as the runtime calls it', async () => {
    const yaml = yamlPolicy(
      'groups:\n  pool: { members: [b, c], strategy: random }\nprimary_model: a\nfallback_models: [pool, a2]\ntests:\n  - name: the pool is one member\n    given: { error.kind: service_unavailable, error.status: 500, attempt.model: a, random_seed: 3 }\n    expect: { action: fallback }\n',
    );
    const policy = policyFrom(yaml);
    const predicted = await explain(policy, { 'error.kind': 'service_unavailable', 'error.status': 500, 'attempt.model': 'a', random_seed: 3 });
    expect(predicted.mode === 'decision' && predicted.decision.next).toHaveLength(2);
    const called = await modelsCalled(yaml, { randomSeed: 3 });
    expect(predicted.mode === 'decision' && predicted.decision.next[0]).toBe(called[1]);
  });

  it('expect: { route: default } is what the runner reports when no route matched, and is accepted', () => {
    const yaml = yamlPolicy(
      'primary_model: a\nfallback_models: [b]\nroutes:\n  - name: eu\n    when: { all: [ { fact: request.metadata.region, operator: equal, value: EU } ] }\n    then: { primary_model: b }\ntests:\n  - name: no route\n    given: { request.metadata.region: US }\n    expect: { route: default, primary: a }\n  - name: eu\n    given: { request.metadata.region: EU }\n    expect: { route: eu, primary: b }\n',
    );
    expect(runPolicyTests(policyFrom(yaml)).map((result) => result.problems)).toEqual([[], []]);
  });

  it('given state.cooling_down: the model cooling down goes last, as the executor skips it', async () => {
    const policy = policyFrom(yamlPolicy('primary_model: a\nfallback_models: [b, c]\n'));
    const explained = await explain(policy, { 'error.kind': 'rate_limit', 'error.status': 429, 'attempt.model': 'a', 'state.cooling_down': ['b'] });
    expect(explained.mode === 'decision' && explained.decision.next).toEqual(['c', 'b']);
    const planned = await explain(policy, { 'request.metadata': {}, 'state.cooling_down': ['a'] });
    expect(planned.mode === 'plan' && planned.calls).toEqual(['b', 'c', 'a']);
  });
});
