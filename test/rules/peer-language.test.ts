/**
 * What the peers' gateways say, in detour's language: count-based cooldowns,
 * breakers on status codes, per-model timeouts, round-robin and hashed
 * sticky groups, retry on another member, request.model aliases, CLI
 * metadata values, Azure's retry header. Each runs through the executor, and
 * where a `tests:` case can state it, through `detour test` too.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { retryAfterFromHeaders } from '../../src/errors/retry-after.js';
import { LLMFallbackError } from '../../src/errors/LLMFallbackError.js';
import { Executor } from '../../src/executor/Executor.js';
import { InMemoryStateStore } from '../../src/executor/InMemoryStateStore.js';
import { cooldownKey } from '../../src/executor/StateStore.js';
import { parseMetadataValue } from '../../src/cli/run.js';
import { explain } from '../../src/rules/explain.js';
import { hashedMember } from '../../src/rules/groups.js';
import { runPolicyTests } from '../../src/rules/policy-tests.js';
import type { Simulator } from '../../src/simulator/index.js';
import { FakeFactory, fact, policyFrom, setOf } from '../executor/support.js';
import { simulatedExecutor, simulator, yamlPolicy } from '../executor/simulated.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await simulator({ models: { 'gpt-a': { faults: [{ type: 'rate_limit' }] }, 'gemini-c': { faults: [{ type: 'server_error' }] } } });
});
afterAll(async () => {
  await sim.close();
});

const messages = [{ role: 'user' as const, content: 'hi' }];

async function called(executor: Executor, options: { metadata?: Record<string, unknown>; model?: string } = {}): Promise<string[]> {
  try {
    return (await executor.generate({ policy: 'default', messages, ...options })).session.attempts.map((attempt) => `${attempt.model}${attempt.outcome === 'skipped' ? ' (skipped)' : ''}`);
  } catch (error) {
    if (!LLMFallbackError.isInstance(error)) throw error;
    return error.attempts.map((attempt) => `${attempt.model}${attempt.outcome === 'skipped' ? ' (skipped)' : ''}`);
  }
}

describe('cooldown_after', () => {
  const yaml = yamlPolicy(`primary_model: a\nfallback_models: [b]\ncooldown_after:\n  - { failures: 3, within: 1m, for: 30s, kinds: [rate_limit] }\ntests:\n  - name: the third rate limit in a minute cools a down\n    given: { error.kind: rate_limit, error.status: 429, attempt.model: a, state.failures: { a: 2 } }\n    expect: { cooldown_ms: 30000, next: [b] }\n  - name: the second does not\n    given: { error.kind: rate_limit, error.status: 429, attempt.model: a, state.failures: { a: 1 } }\n    expect: { cooldown_ms: 0 }\n  - name: other kinds do not count\n    given: { error.kind: service_unavailable, error.status: 500, attempt.model: a, state.failures: { a: 5 } }\n    expect: { cooldown_ms: 0 }\n`);

  it('the executor skips a model after N failures within the window, for the cooldown, then calls it again', async () => {
    let now = 1_000_000;
    const store = new InMemoryStateStore();
    const executor = simulatedExecutor(sim, yaml, { clock: { now: () => now }, stateStore: store });
    for (let session = 0; session < 3; session += 1) expect(await called(executor)).toEqual(['a', 'b']);
    expect(store.cooldownUntil(cooldownKey('default', 'a'), now)).toBe(now + 30_000);
    expect(await called(executor)).toEqual(['a (skipped)', 'b']);
    now += 30_001;
    expect(await called(executor)).toEqual(['a', 'b']);
  });

  it('detour test states the count with state.failures and expects the cooldown', () => {
    expect(runPolicyTests(policyFrom(yaml)).map((result) => result.problems)).toEqual([[], [], []]);
  });

  it("a model's own cooldown_after replaces the policy's", async () => {
    const store = new InMemoryStateStore();
    const own = 'version: 1\nname: default\nmodels:\n  a: { provider: openai, model: gpt-a, cooldown_after: { failures: 1, for: 10s } }\n  b: { provider: anthropic, model: claude-b }\nprimary_model: a\nfallback_models: [b]\nbase_delay: 0\njitter: false\ncooldown_after: { failures: 5, for: 1m }\n';
    const executor = simulatedExecutor(sim, own, { clock: { now: () => 0 }, stateStore: store });
    expect(await called(executor)).toEqual(['a', 'b']);
    expect(store.cooldownUntil(cooldownKey('default', 'a'), 0)).toBe(10_000);
  });
});

describe('circuit_breaker.on_status', () => {
  it('statuses count as failures whatever their kind', async () => {
    const store = new InMemoryStateStore();
    const yaml = yamlPolicy('primary_model: c\nfallback_models: [b]\ncircuit_breaker: { failure_rate: 0.5, min_requests: 2, window: 60s, open_for: 30s, on: [timeout], on_status: [500] }\n');
    const executor = simulatedExecutor(sim, yaml, { clock: { now: () => 0 }, stateStore: store });
    await called(executor);
    expect(store.cooldownUntil(cooldownKey('default', 'c'), 0)).toBeNull();
    await called(executor);
    expect(store.cooldownUntil(cooldownKey('default', 'c'), 0)).toBe(30_000);
  });
});

describe('per-model timeout and first_chunk_timeout', () => {
  it("a model's timeout overrides the policy's for its attempts only", async () => {
    const policy = policyFrom(`version: 1\nname: default\nmodels:\n  slow: { provider: openai, timeout: 90s }\n  fast: { provider: openai, timeout: 2s, first_chunk_timeout: 500ms }\n  plain: { provider: openai }\nprimary_model: slow\nfallback_models: [fast, plain]\ntimeout: 30s\nbase_delay: 0\n`);
    expect(policy.models['fast']).toMatchObject({ timeoutMs: 2000, firstChunkTimeoutMs: 500 });
    const failing = { error: fact('service_unavailable', { status: 503 }) };
    const factory = new FakeFactory({ slow: [failing], fast: [failing] });
    const executor = new Executor({ policies: setOf(policy), factory });
    await executor.generate({ policy: 'default', messages });
    expect(factory.calls.map((call) => [call.model, call.timeout])).toEqual([
      ['slow', 90_000],
      ['fast', 2_000],
      ['plain', 30_000],
    ]);
  });
});

describe('round-robin and hashed sticky groups', () => {
  it('round_robin takes each member in turn; explain names the member for a given turn', async () => {
    const yaml = yamlPolicy('groups:\n  pool: { members: [b, a2, c], strategy: round_robin }\nprimary_model: pool\nfallback_models: []\n');
    const executor = simulatedExecutor(sim, yaml);
    const firsts: string[] = [];
    for (let session = 0; session < 6; session += 1) firsts.push((await called(executor))[0]!);
    expect(firsts.slice(0, 3)).toEqual(['b', 'a2', 'c']);
    expect(firsts.slice(3)).toEqual(firsts.slice(0, 3));
    const planned = await explain(policyFrom(yaml), { 'request.metadata': {}, 'state.round_robin': { pool: 4 } });
    expect(planned.mode === 'plan' && planned.plan.primary).toBe(firsts[4]);
  });

  it('weighted_round_robin interleaves by weight (3:1 goes b b a2 b)', async () => {
    const yaml = yamlPolicy('groups:\n  pool: { members: [b, a2], strategy: weighted_round_robin, weights: { b: 3, a2: 1 } }\nprimary_model: pool\nfallback_models: []\n');
    const executor = simulatedExecutor(sim, yaml);
    const firsts: string[] = [];
    for (let session = 0; session < 8; session += 1) firsts.push((await called(executor))[0]!);
    expect(firsts).toEqual(['b', 'b', 'a2', 'b', 'b', 'b', 'a2', 'b']);
  });

  it('sticky hash: a key always lands on one member, in any executor, and removing a member moves only its keys', async () => {
    const yaml = yamlPolicy('groups:\n  pool: { members: [b, a2, c], sticky: { key: request.metadata.user_id, hash: true } }\nprimary_model: pool\nfallback_models: []\n');
    const one = simulatedExecutor(sim, yaml);
    const two = simulatedExecutor(sim, yaml);
    for (const user of ['u1', 'u2', 'u3', 'u4']) {
      const first = (await called(one, { metadata: { user_id: user } }))[0];
      expect((await called(two, { metadata: { user_id: user } }))[0]).toBe(first);
    }
    const group = policyFrom(yaml).groups['pool']!;
    const smaller = { ...group, members: ['b', 'a2'] };
    let moved = 0;
    for (let user = 0; user < 300; user += 1) {
      const before = hashedMember(group, `user-${user}`);
      const after = hashedMember(smaller, `user-${user}`);
      if (before !== 'c') expect(after).toBe(before);
      else moved += 1;
    }
    expect(moved).toBeGreaterThan(60);
    expect(moved).toBeLessThan(140);
  });
});

describe('retry: { repick: true }', () => {
  it('retries on another member of the group the failed model came from', async () => {
    const yaml = yamlPolicy(
      'groups:\n  pool: { members: [a, a2] }\nprimary_model: pool\nfallback_models: [b]\nrules:\n  - name: another-deployment\n    when: { all: [ { fact: error.kind, operator: equal, value: rate_limit } ] }\n    then: { retry: { times: 1, repick: true } }\n',
    );
    const policy = policyFrom(yaml);
    for (let seed = 0; seed < 6; seed += 1) {
      const executor = simulatedExecutor(sim, yaml);
      const result = await executor.generate({ policy: 'default', messages, randomSeed: seed });
      const models = result.session.attempts.map((attempt) => attempt.model);
      if (models[0] === 'a') {
        expect(models).toEqual(['a', 'a2']);
        const predicted = await explain(policy, { 'error.kind': 'rate_limit', 'error.status': 429, 'attempt.model': 'a', random_seed: seed });
        expect(predicted.mode === 'decision' && predicted.decision).toMatchObject({ action: 'retry', next: ['a2'] });
      } else {
        expect(models).toEqual(['a2']);
      }
    }
  });
});

describe('request facts from the caller', () => {
  it('request.model: an alias only a route knows chooses the plan', async () => {
    const yaml = yamlPolicy('primary_model: a\nfallback_models: [b]\nroutes:\n  - name: fast-alias\n    when: { all: [ { fact: request.model, operator: equal, value: fast } ] }\n    then: { primary_model: c, fallback_models: [b] }\n');
    const executor = simulatedExecutor(sim, yaml);
    expect(await called(executor, { model: 'fast' })).toEqual(['c', 'b']);
    expect(await called(executor)).toEqual(['a', 'b']);
  });

  it('--metadata values parse as the API carries them', () => {
    expect(parseMetadataValue('free')).toBe('free');
    expect(parseMetadataValue('2')).toBe(2);
    expect(parseMetadataValue('-1.5')).toBe(-1.5);
    expect(parseMetadataValue('true')).toBe(true);
    expect(parseMetadataValue('false')).toBe(false);
    expect(parseMetadataValue('["a","b"]')).toEqual(['a', 'b']);
    expect(parseMetadataValue('007')).toBe('007');
    expect(() => parseMetadataValue('[a, b')).toThrow(/does not parse/);
  });

  it("Azure's x-ms-retry-after-ms is read", () => {
    expect(retryAfterFromHeaders(new Headers({ 'x-ms-retry-after-ms': '1500', 'retry-after': '9' }))).toBe(1500);
  });
});

describe('delays: retry_after, backoff_count, backoff_window, max_total_delay', () => {
  const base = 'primary_model: a\nfallback_models: [b]\nbase_delay: 1s\nmax_delay: 60s\njitter: false\nmax_attempts: 6\nrules:\n  - name: again\n    when: { all: [ { fact: error.kind, operator: equal, value: rate_limit } ] }\n    then: { retry: { times: 4 } }\n';
  const retryOf = (extra: string, given: string, expectation: string): string[][] =>
    runPolicyTests(policyFrom(yamlPolicy(`${base}${extra}tests:\n  - name: case\n    given: ${given}\n    expect: ${expectation}\n`))).map((result) => [...result.problems]);

  it('retry_after: max (default) takes the longer, replace takes Retry-After, ignore the backoff', () => {
    const given = '{ error.kind: rate_limit, error.status: 429, error.retry_after_ms: 500, attempt.model: a, session.tried: [a, a, a] }';
    expect(retryOf('', given, '{ delay_ms: { min: 4000, max: 4000 } }')).toEqual([[]]);
    expect(retryOf('retry_after: replace\n', given, '{ delay_ms: { min: 500, max: 500 } }')).toEqual([[]]);
    const long = '{ error.kind: rate_limit, error.status: 429, error.retry_after_ms: 30000, attempt.model: a }';
    expect(retryOf('retry_after: ignore\n', long, '{ delay_ms: { min: 1000, max: 1000 } }')).toEqual([[]]);
  });

  it('backoff_count: model — a retry of b does not inherit a\'s exponent', () => {
    const given = '{ error.kind: rate_limit, error.status: 429, attempt.model: b, session.tried: [a, a, a, b] }';
    expect(retryOf('', given, '{ delay_ms: { min: 8000, max: 8000 } }')).toEqual([[]]);
    expect(retryOf('backoff_count: model\n', given, '{ delay_ms: { min: 1000, max: 1000 } }')).toEqual([[]]);
  });

  it("backoff_window: envoy — (2^n − 1) × base", () => {
    const given = '{ error.kind: rate_limit, error.status: 429, attempt.model: a, session.tried: [a, a, a] }';
    expect(retryOf('backoff_window: envoy\n', given, '{ delay_ms: { min: 7000, max: 7000 } }')).toEqual([[]]);
  });

  it('max_total_delay cuts the wait to what the session may still wait, in tests and at runtime', async () => {
    const given = '{ error.kind: rate_limit, error.status: 429, attempt.model: a, session.tried: [a, a, a], state.waited_ms: 2500 }';
    expect(retryOf('max_total_delay: 3s\n', given, '{ delay_ms: { min: 500, max: 500 } }')).toEqual([[]]);
    const { backoffRecorder } = await import('../executor/simulated.js');
    const recorder = backoffRecorder();
    const executor = simulatedExecutor(sim, yamlPolicy(`${base.replace('base_delay: 1s', 'base_delay: 20ms').replace('max_attempts: 6', 'max_attempts: 4')}max_total_delay: 50ms\n`), { telemetry: recorder.telemetry });
    await called(executor);
    expect(recorder.backoffs).toEqual([20, 30]);
  });
});

describe('circuit_breaker.half_open_probes', () => {
  it('when the breaker has been open long enough, exactly N sessions probe the model; a success closes it, a failure re-opens it', async () => {
    const own = await simulator({ models: { 'gemini-c': { faults: [{ type: 'server_error' }] }, '*': { latency: 0 } } });
    try {
      let now = 0;
      const store = new InMemoryStateStore();
      const yaml = yamlPolicy('primary_model: c\nfallback_models: [b]\ncircuit_breaker: { failure_rate: 0.5, min_requests: 2, window: 60s, open_for: 10s, on: [timeout], on_status: [500], half_open_probes: 1 }\n');
      const executor = simulatedExecutor(own, yaml, { clock: { now: () => now }, stateStore: store });
      expect(await called(executor)).toEqual(['c', 'b']);
      expect(await called(executor)).toEqual(['c', 'b']);
      expect(await called(executor)).toEqual(['c (skipped)', 'b']);
      now += 10_001;
      // Half-open, still failing: the one probe fails and the breaker opens again at once.
      expect(await called(executor)).toEqual(['c', 'b']);
      expect(await called(executor)).toEqual(['c (skipped)', 'b']);
      now += 10_001;
      // Healthy again, and slow: two sessions at once, one probe.
      await own.setScenario({ models: { 'gemini-c': { latency: '30ms' }, '*': { latency: 0 } } });
      const [first, second] = await Promise.all([called(executor), called(executor)]);
      expect([first, second]).toEqual([['c'], ['c (skipped)', 'b']]);
      // The probe answered: closed, everyone calls c again.
      expect(await called(executor)).toEqual(['c']);
      expect(await called(executor)).toEqual(['c']);
    } finally {
      await own.close();
    }
  });
});
