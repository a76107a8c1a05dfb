/**
 * The fast path (precompiled closures indexed by error.kind) must pick the
 * same rule as json-rules-engine, the reference evaluator, on any facts.
 */
import { describe, expect, it } from 'vitest';
import type { Condition, FactCondition, TopLevelCondition } from '../../src/policy/types.js';
import { decideDetailed, decideWithEngine } from '../../src/rules/decide.js';
import { runEngine } from '../../src/rules/engine.js';
import { compiledRoutes, matchRoute } from '../../src/rules/plan.js';
import { mulberry32 } from '../../src/rules/random.js';
import { buildPolicy, failure } from './policy-builder.js';
import type { RuleInput } from './policy-builder.js';

const KINDS = ['rate_limit', 'timeout', 'overloaded', 'token_limit', 'content_filter', 'invalid_request', 'aborted', 'unknown', 'quota_exceeded'];
const MODELS = ['gpt-4o', 'gpt-3.5-turbo', 'claude-instant', 'gemini-pro'];
const MESSAGES = ['Rate limit reached', 'The model is overloaded', 'context length exceeded', 'blocked by SAFETY', ''];

type Random = () => number;
const pick = <T>(random: Random, items: readonly T[]): T => items[Math.floor(random() * items.length)] as T;

/** A fact condition drawn from the operators and facts policies use, nulls included. */
function randomFactCondition(random: Random): FactCondition {
  const choice = Math.floor(random() * 12);
  switch (choice) {
    case 0:
      return { fact: 'error.kind', operator: 'equal', value: pick(random, KINDS) };
    case 1:
      return { fact: 'error.kind', operator: 'in', value: [pick(random, KINDS), pick(random, KINDS)] };
    case 2:
      return { fact: 'error.status', operator: pick(random, ['in', 'notIn']), value: [429, 500, 503, 529] };
    case 3:
      return { fact: 'error.retry_after_ms', operator: pick(random, ['greaterThan', 'lessThanInclusive', 'greaterThanInclusive']), value: pick(random, [0, 1000, 5000]) };
    case 4:
      return { fact: 'error.message', operator: pick(random, ['matches', 'not:matches']), value: pick(random, ['(?i)overloaded', '^Rate', 'SAFETY$', '(?i)CONTEXT']) };
    case 5:
      return { fact: 'error.code', operator: pick(random, ['startsWith', 'endsWith', 'equal', 'notEqual']), value: pick(random, ['insufficient', '_error', 'overloaded_error']) };
    case 6:
      return { fact: 'session.tried', operator: pick(random, ['contains', 'doesNotContain']), value: pick(random, MODELS) };
    case 7:
      return { fact: 'session.attempts', operator: pick(random, ['lessThan', 'greaterThanInclusive']), value: pick(random, [1, 2, 3]) };
    case 8:
      return { fact: 'request.metadata.tier', operator: pick(random, ['equal', 'notEqual', 'in']), value: pick(random, ['free', 'pro', ['free', 'team']]) };
    case 9:
      return { fact: 'error.retryable', operator: 'equal', value: random() < 0.5 };
    case 10:
      return { fact: 'request.metadata', path: '$.region', operator: 'equal', value: pick(random, ['EU', 'US']) };
    default:
      return { fact: 'attempt.model', operator: pick(random, ['equal', 'startsWith']), value: pick(random, ['gpt', 'gpt-4o', 'claude-instant']) };
  }
}

function randomCondition(random: Random, depth: number): Condition {
  if (depth >= 2 || random() < 0.55) return randomFactCondition(random);
  const size = Math.floor(random() * 3);
  const parts = Array.from({ length: size + 1 }, () => randomCondition(random, depth + 1));
  const shape = Math.floor(random() * 3);
  return shape === 0 ? { all: parts } : shape === 1 ? { any: parts } : { not: parts[0] as Condition };
}

function randomTopLevel(random: Random): TopLevelCondition {
  const parts = Array.from({ length: 1 + Math.floor(random() * 3) }, () => randomCondition(random, 1));
  if (random() < 0.6) parts.unshift({ fact: 'error.kind', operator: 'equal', value: pick(random, KINDS) });
  return random() < 0.8 ? { all: parts } : { any: parts };
}

function randomRules(random: Random, count: number): RuleInput[] {
  return Array.from({ length: count }, (_, index) => {
    const action = Math.floor(random() * 4);
    return {
      name: `rule-${index}`,
      priority: Math.floor(random() * 4) * 10,
      when: randomTopLevel(random),
      then: action === 0 ? { fail: true } : action === 1 ? { retry: { times: 1 + Math.floor(random() * 2), delayMs: null } } : { fallback: [pick(random, MODELS)] },
    };
  });
}

function randomFacts(random: Random): Record<string, unknown> {
  const tried = MODELS.slice(0, 1 + Math.floor(random() * 3));
  if (random() < 0.3) tried.push(tried[tried.length - 1] as string);
  const metadata: Record<string, unknown> = random() < 0.3 ? {} : { tier: pick(random, ['free', 'pro', null]), region: pick(random, ['EU', 'US']) };
  const facts = failure({
    'error.kind': pick(random, [...KINDS, null]),
    'error.status': pick(random, [429, 500, 503, 529, 400, null]),
    'error.code': pick(random, ['insufficient_quota', 'overloaded_error', null]),
    'error.message': pick(random, [...MESSAGES, null]),
    'error.retry_after_ms': pick(random, [null, 0, 1200, 9000]),
    'error.retryable': random() < 0.5,
    'attempt.model': tried[tried.length - 1],
    'session.tried': tried,
    'session.attempts': tried.length,
    'request.metadata': metadata,
    ...Object.fromEntries(Object.entries(metadata).map(([key, value]) => [`request.metadata.${key}`, value])),
  });
  delete facts['attempt.model_attempts'];
  return facts;
}

describe('fast path ≡ json-rules-engine', () => {
  it('picks the same rule over many random policies and fact sets', async () => {
    const random = mulberry32(20260101);
    let compared = 0;
    const winners = new Set<string>();
    for (let round = 0; round < 12; round += 1) {
      const strategyType = pick(random, ['sequential', 'priority', 'error_type', 'conditional', 'random', 'parallel'] as const);
      const policy = buildPolicy({
        strategyType,
        maxAttempts: pick(random, [2, 3, 5]),
        errorMappings: { RateLimitError: ['gemini-pro'], timeout: ['claude-instant'] },
        conditions: ['timeout', { fact: 'error.message', operator: 'matches', value: '(?i)overloaded' }],
        rules: randomRules(random, 5 + Math.floor(random() * 30)),
      });
      for (let sample = 0; sample < 60; sample += 1) {
        const facts = randomFacts(random);
        const fast = decideDetailed(policy, facts, { random: mulberry32(sample) });
        const { detail: reference } = await decideWithEngine(policy, facts, { random: mulberry32(sample) });
        expect(fast.rule.name, JSON.stringify(facts)).toBe(reference.rule.name);
        expect(fast.decision).toEqual(reference.decision);
        winners.add(fast.rule.source === 'rule' ? 'policy rule' : fast.rule.name.split(':')[0] as string);
        compared += 1;
      }
    }
    expect(compared).toBe(720);
    // The samples reach policy rules, gates and strategies alike.
    expect(winners).toEqual(new Set(['policy rule', 'gate', 'limit', 'strategy']));
  });

  it('routes: the first matching route is the same in both', async () => {
    const random = mulberry32(9);
    const policy = buildPolicy({
      routes: Array.from({ length: 8 }, (_, index) => ({ name: `route-${index}`, when: randomTopLevel(random), then: { primaryModel: pick(random, MODELS) } })),
    });
    for (let sample = 0; sample < 200; sample += 1) {
      const facts = randomFacts(random);
      const fast = matchRoute(policy, facts)?.name ?? 'default';
      const { winner } = await runEngine(compiledRoutes(policy).engine(), facts);
      const reference = winner === null ? 'none' : winner < policy.routes.length ? `route-${winner}` : 'default';
      expect(fast).toBe(reference);
    }
  });
});

describe('concurrency', () => {
  const policy = buildPolicy({
    maxAttempts: 3,
    rules: [
      { name: 'prompt-too-long', priority: 100, when: { all: [{ fact: 'error.kind', operator: 'equal', value: 'token_limit' }] }, then: { fallback: ['gemini-pro'] } },
      { name: 'bad-request-is-final', when: { all: [{ fact: 'error.kind', operator: 'equal', value: 'invalid_request' }] }, then: { fail: true } },
    ],
  });
  const KIND_CYCLE = ['token_limit', 'invalid_request', 'rate_limit', 'aborted', 'timeout'];

  function factsFor(index: number): Record<string, unknown> {
    const tried = MODELS.slice(0, 1 + (index % 3));
    return failure({ 'error.kind': KIND_CYCLE[index % 5], 'attempt.model': tried[tried.length - 1], 'session.tried': tried, 'session.attempts': tried.length });
  }

  /** What facts `index` call for, worked out by hand from the policy above. */
  function expected(index: number): { rule: string; next: string[] } {
    const kind = KIND_CYCLE[index % 5];
    const attempts = 1 + (index % 3);
    if (kind === 'aborted') return { rule: 'gate:aborted', next: [] };
    if (attempts >= 3) return { rule: 'limit:max_attempts', next: [] };
    if (kind === 'token_limit') return { rule: 'prompt-too-long', next: ['gemini-pro'] };
    if (kind === 'invalid_request') return { rule: 'bad-request-is-final', next: [] };
    return { rule: 'strategy:sequential', next: MODELS.slice(attempts) };
  }

  it('1,000 concurrent decide calls over one compiled policy each get their own decision', async () => {
    const { decide } = await import('../../src/rules/decide.js');
    const decisions = await Promise.all(Array.from({ length: 1000 }, (_, index) => decide(policy, factsFor(index))));
    decisions.forEach((decision, index) => expect({ rule: decision.rule, next: decision.next }).toEqual(expected(index)));
  });

  it('1,000 concurrent runs of the one shared json-rules-engine Engine each get their own decision', async () => {
    const results = await Promise.all(Array.from({ length: 1000 }, (_, index) => decideWithEngine(policy, factsFor(index))));
    results.forEach(({ detail }, index) => expect({ rule: detail.decision.rule, next: detail.decision.next }).toEqual(expected(index)));
  });
});
