/**
 * Live model statistics, driven by simulator scenarios: the statistic group
 * strategies, a route and a rule on `stats.<model>.*` facts, and
 * `executor.stats().live`.
 */
import { afterEach, expect, test } from 'vitest';
import type { Simulator } from '../../src/simulator/index.js';
import { requestsTo, simulatedExecutor, simulator } from './simulated.js';

const CATALOG = `
models:
  a: { provider: openai, model: gpt-a, price: { input: 5, output: 15 }, rpm: 10 }
  a2: { provider: openai, model: gpt-a2, price: { input: 0.15, output: 0.6 }, rpm: 20 }
  a3: { provider: openai, model: gpt-a }
  b: { provider: anthropic, model: claude-b }
`;

function policy(body: string): string {
  return `version: 1\nname: default\nbase_delay: 0\njitter: false\n${CATALOG}${body}`;
}

let sim: Simulator | null = null;
afterEach(async () => {
  await sim?.close();
  sim = null;
});

const hi = { policy: 'default', messages: [{ role: 'user' as const, content: 'hi' }] };

test('least_latency: a slow member loses its traffic within one window', async () => {
  sim = await simulator({ models: { 'gpt-a': { latency: '300ms' }, 'claude-b': { latency: '1ms' } } });
  const executor = simulatedExecutor(sim, policy(`
stats_window: 30s
groups:
  pool: { members: [a3, b], strategy: least_latency }
primary_model: pool
fallback_models: []
`));
  // Load both SDKs first (they are imported on first use): the first call must not pay for an import.
  const warm = simulatedExecutor(sim, policy('primary_model: a3\nfallback_models: [b]\n'));
  await warm.generate(hi);
  await warm.generate({ ...hi, model: 'b' });
  await warm.close();
  const answered: string[] = [];
  for (let index = 0; index < 12; index++) answered.push((await executor.generate(hi)).model);
  // Members without an answer in the window are tried first; then the fast one takes the traffic.
  expect(answered.filter((model) => model === 'a3').length).toBeLessThanOrEqual(2);
  expect(answered.slice(6).every((model) => model === 'b')).toBe(true);
  const live = executor.stats().live;
  expect(live['default/a3']!.latencyP50Ms).toBeGreaterThan(live['default/b']!.latencyP50Ms!);
  expect(live['default/b']).toMatchObject({ errorRate: 0, inFlight: 0 });
  await executor.close();
});

test('least_busy: concurrent requests spread over the members by calls in flight', async () => {
  sim = await simulator({ models: { 'gpt-a2': { latency: '50ms' }, 'claude-b': { latency: '50ms' } } });
  const executor = simulatedExecutor(sim, policy(`
groups:
  pool: { members: [a2, b], strategy: least_busy }
primary_model: pool
fallback_models: []
`));
  const results = await Promise.all(Array.from({ length: 10 }, () => executor.generate(hi)));
  expect(results.filter((result) => result.model === 'a2')).toHaveLength(5);
  expect(results.filter((result) => result.model === 'b')).toHaveLength(5);
  await executor.close();
});

test('usage_based: members share traffic by budget, a spent budget is skipped, and rpm is never exceeded', async () => {
  sim = await simulator();
  const executor = simulatedExecutor(sim, policy(`
groups:
  pool: { members: [a, a2], strategy: usage_based }
primary_model: pool
fallback_models: [b]
`));
  const answered: string[] = [];
  for (let index = 0; index < 50; index++) answered.push((await executor.generate(hi)).model);
  expect(requestsTo(sim, 'gpt-a')).toBe(10);
  expect(requestsTo(sim, 'gpt-a2')).toBe(20);
  expect(answered.filter((model) => model === 'b')).toHaveLength(20);
  const skipped = executor.history(1)[0]!.attempts.filter((attempt) => attempt.outcome === 'skipped');
  expect(skipped[0]!.error?.message ?? skipped[0]!.reason).toMatch(/rpm budget spent/);
  await executor.close();
});

test('lowest_cost: the cheapest member by price; session.estimated_cost is a fact', async () => {
  sim = await simulator({ models: { 'gpt-a2': { faults: [{ type: 'service_unavailable' }] } } });
  const executor = simulatedExecutor(sim, policy(`
groups:
  pool: { members: [a, a2, b], strategy: lowest_cost }
primary_model: pool
fallback_models: [a]
rules:
  - name: too-expensive
    when: { all: [ { fact: session.estimated_cost, operator: greaterThan, value: 0 } ] }
    then: { fallback: [b] }
`));
  const result = await executor.generate(hi);
  expect(result.session.attempts.map((attempt) => attempt.model)).toEqual(['a2', 'b']);
  expect(result.session.attempts[1]!.reason).toBe('too-expensive');
  await executor.close();
});

test('routes and rules on live statistics: a failing primary is routed around once its error rate is high', async () => {
  sim = await simulator({ models: { 'gpt-a': { faults: [{ type: 'service_unavailable' }] } } });
  const executor = simulatedExecutor(sim, policy(`
primary_model: a
fallback_models: [b]
routes:
  - name: a-is-failing
    when: { all: [ { fact: stats.a.error_rate, operator: greaterThan, value: 0.5 }, { fact: stats.a.requests, operator: greaterThanInclusive, value: 3 } ] }
    then: { primary_model: b, fallback_models: [] }
rules:
  - name: a-errors-by-kind
    when: { all: [ { fact: stats.a.error_rate.service_unavailable, operator: greaterThan, value: 0.9 } ] }
    then: { fallback: [b] }
`));
  const sessions = [];
  for (let index = 0; index < 6; index++) sessions.push((await executor.generate(hi)).session);
  expect(sessions.map((session) => session.attempts[0]!.model)).toEqual(['a', 'a', 'a', 'b', 'b', 'b']);
  expect(sessions[1]!.attempts[1]!.reason).toBe('a-errors-by-kind');
  expect(sessions[3]!.attempts[0]!.reason).toBe('route:a-is-failing');
  expect(executor.stats().live['default/a']).toMatchObject({ requests: 3, errorRate: 1, errorsByKind: { service_unavailable: 3 } });
  await executor.close();
});
