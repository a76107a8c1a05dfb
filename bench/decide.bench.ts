/**
 * `decide` (facts → Decision) with 10 and 100 policy rules, against
 * json-rules-engine's `engine.run` over the same compiled rules and the same
 * facts in the same run (the reference evaluator `detour explain` uses).
 * Samples of the two are interleaved so drift hits both alike.
 *
 * `npm run bench -- decide`
 */
import type { FactCondition, Policy } from '../src/policy/types.js';
import { compiledRules } from '../src/rules/compile.js';
import { decide } from '../src/rules/decide.js';
import { runEngine } from '../src/rules/engine.js';
import { mulberry32 } from '../src/rules/random.js';
import type { Facts } from '../src/rules/types.js';
import { buildPolicy, type RuleInput } from './policy-builder.js';
import { percentile, type BenchResult } from './types.js';

export const title = 'decide vs json-rules-engine';

const KINDS = ['rate_limit', 'timeout', 'overloaded', 'service_unavailable', 'token_limit', 'content_filter', 'invalid_request', 'quota_exceeded', 'connection', 'unknown'];
const MODELS = ['gpt-4o', 'gpt-4o-mini', 'claude-instant', 'gemini-pro'];

function ruleAt(index: number, random: () => number): RuleInput {
  const kind = KINDS[index % KINDS.length] as string;
  const seconds: FactCondition[] = [
    { fact: 'error.retry_after_ms', operator: 'greaterThan', value: 1000 + index * 100 },
    { fact: 'error.message', operator: 'matches', value: `(?i)tenant-${index}\\b` },
    { fact: 'request.metadata.tier', operator: 'equal', value: `tier-${index}` },
    { fact: 'session.attempts', operator: 'greaterThanInclusive', value: 2 + (index % 3) },
  ];
  const second = seconds[index % seconds.length] as FactCondition;
  return {
    name: `rule-${index}`,
    priority: Math.floor(random() * 5),
    when: { all: [{ fact: 'error.kind', operator: 'equal', value: kind }, second] },
    then: { fallback: [MODELS[index % MODELS.length] as string] },
  };
}

/** The builder's policy with gpt-4o-mini in the catalog, tighter limits and `ruleCount` rules (rule `index` on line `index + 1`). */
function policyWith(ruleCount: number): Policy {
  const random = mulberry32(ruleCount);
  const model = (name: string, providerName: string) => ({ name, provider: providerName, model: name, contextWindow: null, rpm: null, tpm: null, price: null, params: {} });
  return buildPolicy({
    version: `bench-${ruleCount}`,
    name: `bench-${ruleCount}`,
    models: { 'gpt-4o': model('gpt-4o', 'openai'), 'gpt-4o-mini': model('gpt-4o-mini', 'openai'), 'claude-instant': model('claude-instant', 'anthropic'), 'gemini-pro': model('gemini-pro', 'google') },
    fallbackModels: ['gpt-4o-mini', 'claude-instant', 'gemini-pro'],
    maxAttempts: 5,
    deadlineMs: 90_000,
    baseDelayMs: 500,
    maxDelayMs: 10_000,
    jitter: true,
    rules: Array.from({ length: ruleCount }, (_, index) => ruleAt(index, random)),
  });
}

function factSets(count: number): Facts[] {
  const random = mulberry32(99);
  return Array.from({ length: count }, (_, index) => {
    const tried = MODELS.slice(0, 1 + (index % 3));
    const tier = `tier-${Math.floor(random() * 120)}`;
    return {
      'error.kind': KINDS[Math.floor(random() * KINDS.length)],
      'error.type': null,
      'error.status': [429, 500, 503, 400, null][index % 5],
      'error.code': null,
      'error.message': `upstream error for tenant-${Math.floor(random() * 120)}`,
      'error.retry_after_ms': [null, 2000, 9000][index % 3],
      'error.retryable': true,
      'error.provider': 'openai',
      'error.sdk_error': null,
      'attempt.model': tried[tried.length - 1],
      'attempt.provider': 'openai',
      'attempt.number': tried.length,
      'attempt.model_attempts': 1,
      'session.attempts': tried.length,
      'session.elapsed_ms': 1200,
      'session.tried': tried,
      'stream.phase': 'none',
      'request.metadata': { tier },
      'request.metadata.tier': tier,
      'request.model': null,
      'request.estimated_input_tokens': 900,
      'request.stream': false,
    };
  });
}

const nowMicroseconds = (): number => Number(process.hrtime.bigint()) / 1000;

async function measure(ruleCount: number): Promise<BenchResult[]> {
  const policy = policyWith(ruleCount);
  const facts = factSets(256);
  const random = mulberry32(1);
  const engine = compiledRules(policy).engine();
  const fast: number[] = [];
  const reference: number[] = [];
  for (let index = 0; index < 5000; index += 1) await decide(policy, facts[index % facts.length] as Facts, { random });
  for (let index = 0; index < 300; index += 1) await runEngine(engine, facts[index % facts.length] as Facts);
  for (let round = 0; round < 20; round += 1) {
    for (let index = 0; index < 1000; index += 1) {
      const sample = facts[(round * 1000 + index) % facts.length] as Facts;
      const start = nowMicroseconds();
      await decide(policy, sample, { random });
      fast.push(nowMicroseconds() - start);
    }
    for (let index = 0; index < 60; index += 1) {
      const sample = facts[(round * 60 + index) % facts.length] as Facts;
      const start = nowMicroseconds();
      await engine.run({ ...sample });
      reference.push(nowMicroseconds() - start);
    }
  }
  const engineMedian = percentile(reference, 50);
  const engineP99 = percentile(reference, 99);
  const label = `${ruleCount} rules`;
  return [
    { name: `decide, ${label}, median`, value: percentile(fast, 50), unit: 'µs', baseline: { name: 'json-rules-engine run, median', value: engineMedian }, aim: ruleCount === 100 ? '< 50 µs' : '' },
    { name: `decide, ${label}, p99`, value: percentile(fast, 99), unit: 'µs', baseline: { name: 'json-rules-engine run, p99', value: engineP99 } },
    { name: `decide, ${label}, speed-up (median)`, value: engineMedian / percentile(fast, 50), unit: 'x', baseline: { name: 'json-rules-engine run', value: 1 } },
  ];
}

export async function run(): Promise<readonly BenchResult[]> {
  return [...(await measure(10)), ...(await measure(100))];
}
