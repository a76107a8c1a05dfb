/**
 * `matches` patterns run on a linear-time engine: adversarial patterns that
 * freeze a backtracking engine finish on adversarial messages, and syntax the
 * engine lacks is reported by the loader at the pattern's line:col with what
 * to write instead.
 */
import { RE2JS } from 're2js';
import { describe, expect, it } from 'vitest';
import { compilePattern, PatternError } from '../../src/policy/pattern.js';
import { parsePolicy } from '../../src/policy/load.js';
import { decide, decideWithEngine } from '../../src/rules/decide.js';
import { resolveOperator } from '../../src/rules/operators.js';
import { failure } from '../rules/policy-builder.js';

const matches = resolveOperator('matches');

describe('linear-time matching', () => {
  // With a backtracking engine each of these runs for longer than anyone waits
  // (2^2000 paths); on the linear-time engine each is a single pass.
  it.each([
    ['(a+)+$', `${'a'.repeat(2000)}!`],
    ['(x+x+)+y', 'x'.repeat(2000)],
    ['^(a|a)*$', `${'a'.repeat(2000)}b`],
    ['(.*a){20}', 'a'.repeat(2000)],
    ['(?i)(\\w+\\s?)+$', `${'word '.repeat(400)}!`],
  ])('%s on a 2,000-character adversarial message finishes', (pattern, message) => {
    expect(matches?.(message, pattern)).toBe(pattern === '(.*a){20}');
  });

  it('a rule with a catastrophic pattern decides on a hostile provider message, in both evaluators', async () => {
    const text = `name: hostile
models:
  gpt-4o: { provider: openai }
  claude: { provider: anthropic }
primary_model: gpt-4o
fallback_models: [claude]
rules:
  - name: echo
    when: { all: [ { fact: error.message, operator: matches, value: "(a+)+$" } ] }
    then: { fail: true }
`;
    const { policy, diagnostics } = parsePolicy(text, 'hostile.yaml');
    expect(diagnostics).toEqual([]);
    const hostile = failure({ 'error.message': `${'a'.repeat(2000)}!` });
    expect((await decide(policy!, hostile)).rule).not.toBe('echo');
    expect((await decideWithEngine(policy!, hostile)).detail.decision.rule).not.toBe('echo');
    expect((await decide(policy!, failure({ 'error.message': 'aaaa' }))).rule).toBe('echo');
  });

  it('inline flags keep working, leading or inside the pattern', () => {
    expect(compilePattern('(?i)overloaded').test('Model is OVERLOADED')).toBe(true);
    expect(compilePattern('(?is)high.demand').test('HIGH\nDEMAND')).toBe(true);
    expect(compilePattern('(?u)caf\u00e9').test('café')).toBe(true);
    expect(compilePattern('model (?i:OVERLOADED)').test('model overloaded')).toBe(true);
    expect(compilePattern('overloaded').test('OVERLOADED')).toBe(false);
    expect(compilePattern('^rate.limit$').test('rate limit')).toBe(true);
    expect(compilePattern('(?P<code>\\d{3})|\\bquota\\b').test('daily quota')).toBe(true);
  });
});

describe('syntax the engine does not support', () => {
  it.each([
    ['(a)\\1', 'back-reference `\\1`', 'repeat the group', 4],
    ['(?<w>a)\\k<w>', 'named back-reference', 'repeat the group', 8],
    ['foo(?=bar)', 'look-ahead', 'second `matches` condition', 4],
    ['foo(?!bar)', 'negative look-ahead', '`not:matches`', 4],
    ['(?<=foo)bar', 'look-behind `(?<=…)`', 'match the text itself', 1],
    ['(?<!foo)bar', 'look-behind `(?<!…)`', '`not:matches`', 1],
    ['(?>a+)b', 'atomic group', '`(?:…)`', 1],
    ['a++b', 'possessive quantifier', 'drop the second `+`', 3],
    ['\\u2019', 'escape `\\u`', '`\\x{2019}`', 1],
  ])('%s: says what it is and what to write instead', (pattern, what, instead, character) => {
    let thrown: unknown;
    try {
      compilePattern(pattern);
    } catch (error) {
      thrown = error;
    }
    expect(thrown).toBeInstanceOf(PatternError);
    expect((thrown as PatternError).message).toContain(what);
    expect((thrown as PatternError).message).toContain(instead);
    expect((thrown as PatternError).index).toBe(character - 1);
  });

  it('escaped or bracketed look-alikes are fine', () => {
    expect(compilePattern('\\(\\?=x\\)').test('(?=x)')).toBe(true);
    expect(compilePattern('[(?=]+').test('?')).toBe(true);
    expect(compilePattern('[\\\\]1').test('\\1')).toBe(true);
  });

  it('detour validate reports them at the pattern\'s line:col', () => {
    const text = `name: lookaround
models:
  gpt-4o: { provider: openai }
  claude: { provider: anthropic }
primary_model: gpt-4o
fallback_models: [claude]
conditions: [timeout, { fact: error.message, operator: matches, value: "(a)\\\\1" }]
rules:
  - name: not-quota
    when:
      all:
        - { fact: error.message, operator: matches, value: "limit(?! exceeded)" }
    then: { fail: true }
`;
    const { policy, diagnostics } = parsePolicy(text, 'lookaround.yaml');
    expect(policy).toBeNull();
    expect(diagnostics.map((diagnostic) => [diagnostic.line, diagnostic.column, diagnostic.message])).toEqual([
      [7, 72, expect.stringMatching(/^bad `matches` pattern \(at character 4 of the pattern\): back-reference `\\1`.*repeat the group/)],
      [12, 60, expect.stringMatching(/^bad `matches` pattern \(at character 6 of the pattern\): negative look-ahead.*`not:matches`/)],
    ]);
  });
});

describe('patterns without repetition', () => {
  // These run on JavaScript's engine (bounded without repetition, and faster); both engines must agree.
  it.each([
    ['(?i)overloaded', ['Model OVERLOADED', 'fine'], [true, false]],
    ['(?i)(overloaded|capacity)', ['at CAPACITY', 'nope'], [true, false]],
    ['^rate limit$', ['rate limit', 'rate limit reached'], [true, false]],
    ['(?m)^quota$', ['x\nquota\ny', 'quotas'], [true, false]],
    ['\\bquota\\b', ['daily quota', 'quotas'], [true, false]],
    ['[0-9]\\d\\d', ['code 429', 'code 42'], [true, false]],
    ['a\\(b\\)', ['a(b)', 'ab'], [true, false]],
  ] as const)('%s gives the same answers as RE2', (pattern, texts, expected) => {
    const answers = texts.map((text) => compilePattern(pattern).test(text));
    expect(answers).toEqual(expected);
    expect(answers).toEqual(texts.map((text) => RE2JS.compile(pattern).test(text)));
  });
});
