/**
 * The differential test: `detour explain`, `detour test` and the executor
 * must agree. Random policies (every strategy but parallel, groups nested two
 * deep, routes, rules with every action, cooldowns, a caller's model) each
 * run several sessions through the executor, over the real SDKs, against the
 * simulator serving a scripted fault per call. For every session:
 * - explain, given the request facts, the session's seed and the models
 *   cooling down when it started, names the model the session called first;
 * - after each failed attempt, explain, given that attempt's facts, names the
 *   model the session called next, or says the session fails when it ended;
 * - each of those predictions, written as a policy `tests:` case, passes
 *   `detour test` (and the policy with those tests loads, `route: default`
 *   included).
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { LLMFallbackError } from '../../src/errors/LLMFallbackError.js';
import { Executor } from '../../src/executor/Executor.js';
import { InMemoryStateStore } from '../../src/executor/InMemoryStateStore.js';
import { cooldownKey } from '../../src/executor/StateStore.js';
import { parsePolicy } from '../../src/policy/load.js';
import type { Policy } from '../../src/policy/types.js';
import { SelfManagingFallbackFactory } from '../../src/providers/factory.js';
import { explain } from '../../src/rules/explain.js';
import { runPolicyTests } from '../../src/rules/policy-tests.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import type { FallbackAttempt } from '../../src/stats/FallbackAttempt.js';
import { noopTelemetry } from '../../src/telemetry/hooks.js';
import { MODELS, generatePolicy, generateSession, scenarioOf } from './differential-policies.js';
import type { GeneratedSession } from './differential-policies.js';
import { setOf } from '../executor/support.js';

const POLICIES = Number(process.env.DIFFERENTIAL_POLICIES ?? 300);
const SESSIONS_PER_POLICY = 4;

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, scenario: { models: {} } });
});
afterAll(async () => {
  await sim.close();
});

function load(yaml: string): Policy {
  const result = parsePolicy(yaml, 'differential.yaml');
  if (result.policy === null) throw new Error(`${yaml}\n${result.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('\n')}`);
  return result.policy;
}

function requestFacts(session: GeneratedSession): Record<string, unknown> {
  return { 'request.metadata': metadataOf(session), 'request.model': session.model };
}

function metadataOf(session: GeneratedSession): Record<string, unknown> {
  return session.tier === null ? { user: session.user } : { tier: session.tier, user: session.user };
}

function failureFacts(attempt: FallbackAttempt, tried: readonly string[]): Record<string, unknown> {
  const error = attempt.error!;
  return {
    'error.kind': error.kind,
    'error.type': error.type,
    'error.status': error.status,
    'error.code': error.code,
    'error.message': error.message,
    'error.retry_after_ms': error.retryAfterMs,
    'error.retryable': error.retryable,
    'error.provider': error.provider,
    'error.sdk_error': error.sdkError,
    'attempt.model': attempt.model,
    'attempt.provider': attempt.provider,
    'attempt.number': attempt.number,
    'session.attempts': tried.length,
    'session.tried': [...tried],
  };
}

interface Totals {
  policies: number;
  sessions: number;
  steps: number;
  tests: number;
}

/** Run one policy's sessions; returns the mismatches (empty when explain, test and the executor agree). */
async function checkPolicy(index: number, totals: Totals): Promise<string[]> {
  const generated = generatePolicy(index);
  const policy = load(generated.yaml);
  let now = 1_000_000;
  const store = new InMemoryStateStore();
  const executor = new Executor({
    policies: setOf(policy),
    factory: new SelfManagingFallbackFactory({ baseUrlOverride: sim.url, apiKeyOverride: 'test-key' }),
    stateStore: store,
    clock: { now: () => now },
    telemetry: noopTelemetry,
    historySize: 10,
  });
  const problems: string[] = [];
  const cases: string[] = [];
  for (let number = 0; number < SESSIONS_PER_POLICY; number += 1) {
    const session = generateSession(index, number, generated.names);
    await sim.setScenario(scenarioOf(session));
    now += 10_000;
    const cooling: Record<string, number> = {};
    for (const model of Object.keys(MODELS)) {
      const until = store.cooldownUntil(cooldownKey(policy.name, model), now);
      if (until !== null) cooling[model] = until - now;
    }
    try {
      await executor.generate({
        policy: 'default',
        messages: [{ role: 'user', content: 'hi' }],
        metadata: metadataOf(session),
        ...(session.model === null ? {} : { model: session.model }),
        randomSeed: session.seed,
      });
    } catch (error) {
      if (!LLMFallbackError.isInstance(error)) throw error;
    }
    const record = executor.history(1)[0]!;
    const attempts = record.attempts.filter((attempt) => attempt.outcome !== 'skipped').sort((left, right) => left.number - right.number);
    const where = `policy #${index}, session ${number} (seed ${session.seed}, tier ${session.tier}, model ${session.model}); actual ${attempts.map((attempt) => `${attempt.model}:${attempt.error?.kind ?? 'ok'}`).join(' → ')}`;
    totals.sessions += 1;
    const request = requestFacts(session);
    const planGiven = { ...request, random_seed: session.seed, 'state.cooling_down': { ...cooling } };
    const planned = await explain(policy, planGiven);
    if (planned.mode !== 'plan') throw new Error('request facts must explain the plan');
    if (planned.calls[0] !== attempts[0]?.model) problems.push(`${where}: explain calls ${planned.calls[0]} first, the session called ${attempts[0]?.model}`);
    if (Object.keys(cooling).length === 0) {
      cases.push(`  - name: s${number} plan\n    given: ${JSON.stringify({ ...request, random_seed: session.seed })}\n    expect: ${JSON.stringify({ route: planned.plan.route ?? 'default', primary: attempts[0]?.model })}`);
    }
    const tried: string[] = [];
    for (const [position, attempt] of attempts.entries()) {
      tried.push(attempt.model);
      if (attempt.outcome === 'success') break;
      const given = { ...request, ...failureFacts(attempt, tried), random_seed: session.seed, 'state.cooling_down': { ...cooling } };
      const explained = await explain(policy, given);
      if (explained.mode !== 'decision') throw new Error('failure facts must explain a decision');
      totals.steps += 1;
      const { decision } = explained;
      if (decision.cooldownMs !== null && decision.cooldownMs > 0) cooling[attempt.model] = Math.max(cooling[attempt.model] ?? 0, decision.cooldownMs);
      const actualNext = attempts[position + 1]?.model;
      const predicted = decision.action === 'fail' ? undefined : decision.next[0];
      if (predicted !== actualNext) {
        problems.push(`${where}: after attempt ${position + 1}, explain says ${decision.action} ${decision.next.join(',')} (${decision.rule}), the session ${actualNext === undefined ? 'ended' : `called ${actualNext}`} (cooling down: ${JSON.stringify(given['state.cooling_down'])})`);
        break;
      }
      cases.push(`  - name: s${number} step ${position + 1}\n    given: ${JSON.stringify(given)}\n    expect: ${JSON.stringify({ rule: decision.rule, action: decision.action, next: decision.next })}`);
    }
  }
  await executor.close();
  if (problems.length > 0) return [...problems, generated.yaml];
  // The same predictions as `detour test` cases: the policy loads with them, and they pass.
  const tested = parsePolicy(`${generated.yaml}tests:\n${cases.join('\n')}\n`, 'differential.yaml');
  if (tested.policy === null) return [`policy #${index}: its tests do not load: ${tested.diagnostics.map((d) => `${d.line}:${d.column} ${d.message}`).join('; ')}`];
  for (const result of runPolicyTests(tested.policy)) {
    totals.tests += 1;
    if (!result.passed) problems.push(`policy #${index}: detour test "${result.test}": ${result.problems.join('; ')}`);
  }
  totals.policies += 1;
  return problems;
}

test(`explain, detour test and the executor agree on ${POLICIES} random policies`, async () => {
  const totals: Totals = { policies: 0, sessions: 0, steps: 0, tests: 0 };
  const cpu = process.cpuUsage();
  const started = performance.now();
  const problems: string[] = [];
  const first = Number(process.env.DIFFERENTIAL_FIRST ?? 0);
  for (let index = first; index < first + POLICIES && problems.length < 5; index += 1) problems.push(...(await checkPolicy(index, totals)));
  expect(problems.slice(0, 12).join('\n')).toBe('');
  expect(totals.sessions).toBe(POLICIES * SESSIONS_PER_POLICY);
  // Sessions must walk chains, not stop at the first model.
  expect(totals.steps).toBeGreaterThan(totals.sessions);
  const used = process.cpuUsage(cpu);
  console.log(
    `differential: ${totals.policies} policies, ${totals.sessions} sessions, ${totals.steps} failure steps, ${totals.tests} detour test cases; ` +
      `${((performance.now() - started) / 1000).toFixed(1)} s wall, ${((used.user + used.system) / 1e6).toFixed(1)} s CPU`,
  );
  // Generous: the suite shares a small machine; the CPU figure above is what it costs.
}, 300_000);
