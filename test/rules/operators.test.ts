import { describe, expect, it } from 'vitest';
import { Engine } from 'json-rules-engine';
import { compileCondition } from '../../src/rules/condition.js';
import { resolveOperator } from '../../src/rules/operators.js';

const test = (operator: string, fact: unknown, value: unknown): boolean => {
  const compiled = resolveOperator(operator);
  if (!compiled) throw new Error(`unknown operator ${operator}`);
  return compiled(fact, value);
};

describe('operators', () => {
  it('matches: a regular expression, with a leading (?i) for case', () => {
    expect(test('matches', 'The model is OVERLOADED', '(?i)overloaded')).toBe(true);
    expect(test('matches', 'The model is OVERLOADED', 'overloaded')).toBe(false);
    expect(test('matches', null, '.*')).toBe(false);
    expect(test('matches', 'anything', '([')).toBe(false);
  });

  it('startsWith / endsWith on strings only', () => {
    expect(test('startsWith', 'gpt-4o', 'gpt')).toBe(true);
    expect(test('endsWith', 'overloaded_error', '_error')).toBe(true);
    expect(test('startsWith', null, 'gpt')).toBe(false);
    expect(test('endsWith', 42, '2')).toBe(false);
  });

  it("json-rules-engine's semantics on null facts", () => {
    expect(test('equal', null, null)).toBe(true);
    expect(test('notEqual', null, 429)).toBe(true);
    expect(test('greaterThan', null, 0)).toBe(false);
    expect(test('lessThan', null, 10)).toBe(false);
    expect(test('in', null, [429])).toBe(false);
    expect(test('notIn', null, [429])).toBe(true);
    expect(test('contains', null, 'gpt-4o')).toBe(false);
    expect(test('doesNotContain', null, 'gpt-4o')).toBe(false);
  });

  it('a bad value never throws (json-rules-engine would)', () => {
    expect(test('in', 'x', null)).toBe(false);
    expect(test('notIn', 'x', 7)).toBe(true);
  });

  it('decorated operators: not:, someFact:', () => {
    expect(test('not:matches', 'bad gateway', '(?i)overloaded')).toBe(true);
    expect(test('someFact:startsWith', ['claude-instant', 'gpt-4o'], 'gpt')).toBe(true);
    expect(resolveOperator('nope')).toBeNull();
  });

  it('empty all/any hold, as in json-rules-engine', async () => {
    expect(compileCondition({ all: [] })({})).toBe(true);
    expect(compileCondition({ any: [] })({})).toBe(true);
    const engine = new Engine([], { allowUndefinedFacts: true });
    engine.addRule({ conditions: { any: [] }, event: { type: 'any' } });
    engine.addRule({ conditions: { all: [] }, event: { type: 'all' } });
    const { events } = await engine.run({});
    expect(events.map((event) => event.type).sort()).toEqual(['all', 'any']);
  });

  it('a value may name another fact; path reads inside an object fact', () => {
    const overBudget = compileCondition({ all: [{ fact: 'session.attempts', operator: 'greaterThanInclusive', value: { fact: 'session.max_attempts' } }] });
    expect(overBudget({ 'session.attempts': 3, 'session.max_attempts': 3 })).toBe(true);
    expect(overBudget({ 'session.attempts': 2, 'session.max_attempts': 3 })).toBe(false);
    const region = compileCondition({ all: [{ fact: 'request.metadata', path: '$.user.region', operator: 'equal', value: 'EU' }] });
    expect(region({ 'request.metadata': { user: { region: 'EU' } } })).toBe(true);
    expect(region({ 'request.metadata': null })).toBe(false);
  });
});
