/**
 * The per-fact value checks shared by the loader (a policy test's `given`)
 * and `detour explain --facts`.
 */
import { describe, expect, it } from 'vitest';
import { checkFactValue, factValueProblem } from '../../src/policy/factValues.js';
import { parsePolicy } from '../../src/policy/load.js';
import { KNOWN_FACTS } from '../../src/policy/vocabulary.js';

const POLICY = `name: values
models:
  gpt-4o: { provider: openai }
  claude-instant: { provider: anthropic, model: claude-3-5-haiku-latest }
primary_model: gpt-4o
fallback_models: [claude-instant]
tests:
  - name: t
    given: GIVEN
    expect: { action: fallback }
`;

const given = (facts: string) => parsePolicy(POLICY.replace('GIVEN', facts), 'values.yaml');

describe('fact values', () => {
  it('has a check for every known fact', () => {
    // A fact without a check would accept anything; a bad value of every fact is refused.
    for (const fact of KNOWN_FACTS) expect(checkFactValue(fact, Symbol.for('nothing')), fact).not.toBeNull();
  });

  it('accepts what the executor puts in each fact, null where a fact may be absent', () => {
    const good: Record<string, unknown> = {
      'error.kind': 'rate_limit',
      'error.type': null,
      'error.status': 429,
      'error.retry_after_ms': 0,
      'error.retryable': true,
      'attempt.model': 'gpt-4o',
      'attempt.number': 1,
      'session.tried': [],
      'stream.phase': 'mid_stream',
      'request.metadata': { tier: 'gold' },
      'request.metadata.tier': ['anything'],
    };
    for (const [fact, value] of Object.entries(good)) expect(checkFactValue(fact, value), fact).toBeNull();
  });

  it('says what to write instead', () => {
    expect(factValueProblem('error.type', 'RateLimitErorr')).toContain('Did you mean `RateLimitError`?');
    expect(factValueProblem('stream.phase', 'midstream')).toContain('Did you mean `mid_stream`?');
    expect(factValueProblem('error.retryable', 'yes')).toBe('`error.retryable` must be true or false (got "yes").');
    expect(factValueProblem('request.metadata', 'gold')).toBe('`request.metadata` must be an object of keys and values (got "gold").');
  });
});

describe('the loader checks the values in a test\'s given', () => {
  it('reports each bad value, in file order, and nothing for good ones', () => {
    const result = given('{ error.kind: rate_limt, error.status: "429", error.retryable: 1, attempt.model: gpt-4o, session.tried: [gpt-4o] }');
    expect(result.policy).toBeNull();
    expect(result.diagnostics.map((diagnostic) => [diagnostic.pointer, diagnostic.check])).toEqual([
      ['/tests/0/given/error.kind', 'rule'],
      ['/tests/0/given/error.status', 'rule'],
      ['/tests/0/given/error.retryable', 'rule'],
    ]);
  });

  it('leaves model names to the reference check: one diagnostic for an unknown model, not two', () => {
    const result = given('{ error.kind: timeout, attempt.model: gpt4o, session.tried: [gpt4o] }');
    expect(result.diagnostics.map((diagnostic) => [diagnostic.pointer, diagnostic.check])).toEqual([
      ['/tests/0/given/attempt.model', 'reference'],
      ['/tests/0/given/session.tried/0', 'reference'],
    ]);
  });

  it('loads a test whose values all fit', () => {
    const result = given('{ error.kind: timeout, error.status: null, error.retry_after_ms: 1000, attempt.number: 2, request.metadata.tier: [a, b] }');
    expect(result.diagnostics).toEqual([]);
    expect(result.policy).not.toBeNull();
  });
});
