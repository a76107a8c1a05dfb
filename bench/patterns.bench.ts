/**
 * `matches` on the linear-time engine: one adversarial pattern on a
 * 2,000-character adversarial message (a backtracking engine never finishes
 * it), compared with JavaScript's RegExp on the same pattern with only 20
 * characters; and `decide` with 100 rules of which 20 use `matches`, every
 * one of them evaluated, compared with the same rules using `startsWith`.
 *
 * `npm run bench -- patterns`
 */
import type { FactCondition, Policy } from '../src/policy/types.js';
import { decide } from '../src/rules/decide.js';
import { resolveOperator } from '../src/rules/operators.js';
import type { Facts } from '../src/rules/types.js';
import { buildPolicy, type RuleInput } from './policy-builder.js';
import { percentile, type BenchResult } from './types.js';

export const title = 'matches (linear-time patterns)';

const MODELS = ['gpt-4o', 'claude-instant', 'gemini-pro'];
const nowMicroseconds = (): number => Number(process.hrtime.bigint()) / 1000;

function timed(samples: number, action: () => void): number[] {
  const result: number[] = [];
  for (let index = 0; index < samples; index += 1) {
    const start = nowMicroseconds();
    action();
    result.push(nowMicroseconds() - start);
  }
  return result;
}

/** 100 rules; every fifth tests error.message, the rest error.status. None matches, so all 100 run. */
function policyWith(operator: 'matches' | 'startsWith'): Policy {
  const rules: RuleInput[] = Array.from({ length: 100 }, (_, index) => {
    const condition: FactCondition =
      index % 5 === 0
        ? { fact: 'error.message', operator, value: operator === 'matches' ? `(?i)tenant-${index}\\b.*(overloaded|capacity)` : `tenant-${index} ` }
        : { fact: 'error.status', operator: 'equal', value: 600 + index };
    return {
      name: `rule-${index}`,
      when: { all: [{ fact: 'error.kind', operator: 'equal', value: 'rate_limit' }, condition] },
      then: { fallback: [MODELS[index % MODELS.length] as string] },
    };
  });
  return buildPolicy({ name: `patterns-${operator}`, fallbackModels: ['claude-instant', 'gemini-pro'], rules });
}

function facts(message: string): Facts {
  return {
    'error.kind': 'rate_limit',
    'error.type': 'RateLimitError',
    'error.status': 429,
    'error.code': null,
    'error.message': message,
    'error.retry_after_ms': null,
    'error.retryable': true,
    'error.provider': 'openai',
    'error.sdk_error': 'RateLimitError',
    'attempt.model': 'gpt-4o',
    'attempt.provider': 'openai',
    'attempt.number': 1,
    'attempt.model_attempts': 1,
    'session.attempts': 1,
    'session.elapsed_ms': 100,
    'session.tried': ['gpt-4o'],
    'stream.phase': 'none',
    'request.metadata': {},
    'request.model': null,
    'request.estimated_input_tokens': 900,
    'request.stream': false,
  };
}

async function decideSamples(policy: Policy, sample: Facts): Promise<number[]> {
  for (let index = 0; index < 2000; index += 1) await decide(policy, sample);
  const result: number[] = [];
  for (let index = 0; index < 5000; index += 1) {
    const start = nowMicroseconds();
    await decide(policy, sample);
    result.push(nowMicroseconds() - start);
  }
  return result;
}

export async function run(): Promise<readonly BenchResult[]> {
  const matches = resolveOperator('matches');
  if (!matches) throw new Error('no matches operator');
  const adversarial = `${'a'.repeat(2000)}!`;
  timed(20, () => matches(adversarial, '(a+)+$'));
  const linear = timed(200, () => matches(adversarial, '(a+)+$'));
  const backtracking = /(a+)+$/;
  const short = `${'a'.repeat(20)}!`;
  const regexp = timed(5, () => backtracking.test(short));

  const message = `Rate limit reached for tenant-7 on requests per min. ${'Please try again later. '.repeat(8)}`;
  const withMatches = await decideSamples(policyWith('matches'), facts(message));
  const withStartsWith = await decideSamples(policyWith('startsWith'), facts(message));
  const longMessage = await decideSamples(policyWith('matches'), facts(`${message}${'a'.repeat(2000)}`));

  return [
    {
      name: 'matches (a+)+$ on a 2,000-character adversarial message, median',
      value: percentile(linear, 50) / 1000,
      unit: 'ms',
      baseline: { name: 'JavaScript RegExp, same pattern, 20 characters', value: percentile(regexp, 50) / 1000 },
      aim: '< 1 ms',
    },
    { name: 'matches (a+)+$, 2,000 characters, p99', value: percentile(linear, 99) / 1000, unit: 'ms', aim: '< 1 ms' },
    {
      name: 'decide, 100 rules (20 matches, all evaluated), median',
      value: percentile(withMatches, 50),
      unit: 'µs',
      baseline: { name: 'same rules with startsWith, median', value: percentile(withStartsWith, 50) },
    },
    { name: 'decide, 100 rules (20 matches), p99', value: percentile(withMatches, 99), unit: 'µs', baseline: { name: 'startsWith, p99', value: percentile(withStartsWith, 99) } },
    { name: 'decide, 100 rules (20 matches), 2,200-character message, median', value: percentile(longMessage, 50), unit: 'µs' },
  ];
}
