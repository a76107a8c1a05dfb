/**
 * The condition operators, defined once and used by both evaluators: they are
 * registered on every json-rules-engine `Engine` detour builds (replacing the
 * built-ins by name) and called directly by the precompiled fast path, so the
 * two cannot disagree on what `equal`, `in` or `matches` means.
 *
 * Same semantics as json-rules-engine 7.3's defaults, except that `in`,
 * `notIn`, `contains` and `doesNotContain` never throw
 * when the value has no `indexOf` (`notIn`: true) — a bad policy never crashes a decision.
 * detour adds `matches` (regular expression, `(?i)` allowed), `startsWith`,
 * `endsWith`, all false when the fact is not a string.
 */
import type { Engine } from 'json-rules-engine';
import { requireOnFirstUse } from '../load-on-use.js';
import { rulePattern } from './pattern.js';

/** `(factValue, conditionValue) → matched`, after the fact passed the validator. */
export type OperatorTest = (factValue: unknown, value: unknown) => boolean;

interface OperatorDefinition {
  readonly name: string;
  readonly test: OperatorTest;
  readonly validate?: (factValue: unknown) => boolean;
}

interface DecoratorDefinition {
  readonly name: string;
  readonly test: (factValue: unknown, value: unknown, next: OperatorTest) => boolean;
  readonly validate?: (factValue: unknown) => boolean;
}

function indexIn(haystack: unknown, needle: unknown): number {
  if (haystack === null || haystack === undefined) return -2;
  const indexOf = (haystack as { indexOf?: unknown }).indexOf;
  if (typeof indexOf !== 'function') return -2;
  return (indexOf as (item: unknown) => number).call(haystack, needle);
}

const isNumberLike = (factValue: unknown): boolean => Number.parseFloat(factValue as string).toString() !== 'NaN';
const isString = (factValue: unknown): boolean => typeof factValue === 'string';

/** Every operator detour's conditions may use, by name. */
export const OPERATOR_DEFINITIONS: readonly OperatorDefinition[] = [
  { name: 'equal', test: (fact, value) => fact === value },
  { name: 'notEqual', test: (fact, value) => fact !== value },
  { name: 'in', test: (fact, value) => indexIn(value, fact) > -1 },
  { name: 'notIn', test: (fact, value) => indexIn(value, fact) < 0 },
  { name: 'contains', test: (fact, value) => indexIn(fact, value) > -1, validate: Array.isArray },
  { name: 'doesNotContain', test: (fact, value) => indexIn(fact, value) < 0, validate: Array.isArray },
  { name: 'lessThan', test: (fact, value) => (fact as number) < (value as number), validate: isNumberLike },
  { name: 'lessThanInclusive', test: (fact, value) => (fact as number) <= (value as number), validate: isNumberLike },
  { name: 'greaterThan', test: (fact, value) => (fact as number) > (value as number), validate: isNumberLike },
  { name: 'greaterThanInclusive', test: (fact, value) => (fact as number) >= (value as number), validate: isNumberLike },
  {
    name: 'matches',
    test: (fact, value) => typeof value === 'string' && rulePattern(value)?.test(fact as string) === true,
    validate: isString,
  },
  { name: 'startsWith', test: (fact, value) => typeof value === 'string' && (fact as string).startsWith(value), validate: isString },
  { name: 'endsWith', test: (fact, value) => typeof value === 'string' && (fact as string).endsWith(value), validate: isString },
];

/** json-rules-engine's operator decorators (`not:equal`, `someFact:in`, …), same semantics. */
const DECORATOR_DEFINITIONS: readonly DecoratorDefinition[] = [
  { name: 'someFact', test: (fact, value, next) => (fact as unknown[]).some((item) => next(item, value)), validate: Array.isArray },
  { name: 'someValue', test: (fact, value, next) => Array.isArray(value) && value.some((item) => next(fact, item)) },
  { name: 'everyFact', test: (fact, value, next) => (fact as unknown[]).every((item) => next(item, value)), validate: Array.isArray },
  { name: 'everyValue', test: (fact, value, next) => Array.isArray(value) && value.every((item) => next(fact, item)) },
  { name: 'swap', test: (fact, value, next) => next(value, fact) },
  { name: 'not', test: (fact, value, next) => !next(fact, value) },
];

const byName = new Map(OPERATOR_DEFINITIONS.map((definition) => [definition.name, definition]));
const decoratorsByName = new Map(DECORATOR_DEFINITIONS.map((definition) => [definition.name, definition]));
const resolved = new Map<string, OperatorTest | null>();

function guarded(test: OperatorTest, validate: ((factValue: unknown) => boolean) | undefined): OperatorTest {
  return validate ? (fact, value) => validate(fact) && test(fact, value) : test;
}

/**
 * The test for an operator name, decorators included (`not:matches`), or
 * null when the name is unknown.
 *
 * @example
 * resolveOperator('not:in')?.('timeout', ['rate_limit']); // true
 */
export function resolveOperator(name: string): OperatorTest | null {
  const cached = resolved.get(name);
  if (cached !== undefined) return cached;
  let test: OperatorTest | null = null;
  const base = byName.get(name);
  if (base) {
    test = guarded(base.test, base.validate);
  } else {
    const separator = name.indexOf(':');
    const decorator = separator > 0 ? decoratorsByName.get(name.slice(0, separator)) : undefined;
    const inner = decorator ? resolveOperator(name.slice(separator + 1)) : null;
    if (decorator && inner) {
      const decorate = decorator.test;
      test = guarded((fact, value) => decorate(fact, value, inner), decorator.validate);
    }
  }
  resolved.set(name, test);
  return test;
}

/** Whether conditions may use this operator name (decorated names included). */
export function isKnownOperator(name: string): boolean {
  return resolveOperator(name) !== null;
}

const jsonRulesEngine = requireOnFirstUse<typeof import('json-rules-engine')>('json-rules-engine');

/** Register detour's operators and decorators on a json-rules-engine Engine. */
export function registerOperators(engine: Engine): void {
  const { Operator, OperatorDecorator } = jsonRulesEngine();
  for (const definition of OPERATOR_DEFINITIONS) {
    engine.addOperator(new Operator(definition.name, definition.test, definition.validate));
  }
  for (const definition of DECORATOR_DEFINITIONS) {
    engine.addOperatorDecorator(new OperatorDecorator(definition.name, definition.test, definition.validate));
  }
}
