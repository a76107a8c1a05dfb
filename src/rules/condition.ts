/**
 * Conditions (json-rules-engine's `all` / `any` / `not` / fact JSON) compiled
 * into plain closures for the hot path. Same semantics as json-rules-engine
 * 7.3, which stays the reference evaluator (see `engine.ts`):
 * - a fact missing from the facts is `undefined` (engines run with
 *   `allowUndefinedFacts`), never an error;
 * - `all: []` and `any: []` are true (json-rules-engine short-cuts empty sets to true);
 * - a `value` of `{ fact: name, path? }` compares against another fact;
 * - `path` reads inside an object fact with `resolveFactPath`, the same resolver
 *   the engines are given;
 * - an unknown operator never matches (the loader rejects it first).
 */
import type { Condition, FactCondition } from '../policy/types.js';
import type { Facts } from './types.js';
import { resolveOperator } from './operators.js';

/** A compiled condition: facts → matched. */
export type CompiledCondition = (facts: Facts) => boolean;

const PATH_SEGMENT = /[^.[\]]+/g;

/**
 * Read `path` (`$.a.b`, `a.b`, `$.tags[0]`) inside a fact value. Used by the
 * fast path and passed to json-rules-engine as its `pathResolver`, so both
 * read paths alike.
 *
 * @example
 * resolveFactPath({ user: { tier: 'free' } }, '$.user.tier'); // 'free'
 */
export function resolveFactPath(value: unknown, path: string): unknown {
  const segments = path.replace(/^\$\.?/, '').match(PATH_SEGMENT) ?? [];
  let current: unknown = value;
  for (const segment of segments) {
    if (current === null || typeof current !== 'object') return undefined;
    if (!Object.prototype.hasOwnProperty.call(current, segment)) return undefined;
    current = (current as Record<string, unknown>)[segment];
  }
  return current;
}

function readFact(facts: Facts, name: string, path: string | undefined): unknown {
  const value = facts[name];
  if (!path) return value;
  return value !== null && typeof value === 'object' ? resolveFactPath(value, path) : undefined;
}

function isFactReference(value: unknown): value is { fact: string; path?: string } {
  return value !== null && typeof value === 'object' && Object.prototype.hasOwnProperty.call(value, 'fact');
}

function compileFact(condition: FactCondition): CompiledCondition {
  const test = resolveOperator(condition.operator);
  if (!test) return () => false;
  const { fact, path, value } = condition;
  if (isFactReference(value)) {
    const reference = value;
    return (facts) => test(readFact(facts, fact, path), readFact(facts, reference.fact, reference.path));
  }
  if (path) return (facts) => test(readFact(facts, fact, path), value);
  return (facts) => test(facts[fact], value);
}

/**
 * Compile a condition tree into one closure.
 *
 * @example
 * const test = compileCondition({ all: [{ fact: 'error.kind', operator: 'equal', value: 'timeout' }] });
 * test({ 'error.kind': 'timeout' }); // true
 */
export function compileCondition(condition: Condition): CompiledCondition {
  if ('all' in condition) {
    const parts = condition.all.map(compileCondition);
    if (parts.length === 0) return () => true;
    if (parts.length === 1) return parts[0] as CompiledCondition;
    return (facts) => {
      for (const part of parts) if (!part(facts)) return false;
      return true;
    };
  }
  if ('any' in condition) {
    const parts = condition.any.map(compileCondition);
    if (parts.length === 0) return () => true;
    if (parts.length === 1) return parts[0] as CompiledCondition;
    return (facts) => {
      for (const part of parts) if (part(facts)) return true;
      return false;
    };
  }
  if ('not' in condition) {
    const inner = compileCondition(condition.not);
    return (facts) => !inner(facts);
  }
  return compileFact(condition);
}

/**
 * Every fact a condition reads, those its values refer to (`{ fact }`) included.
 *
 * @example
 * conditionFacts({ all: [{ fact: 'session.attempts', operator: 'greaterThanInclusive', value: { fact: 'session.max_attempts' } }] });
 * // Set { 'session.attempts', 'session.max_attempts' }
 */
export function conditionFacts(condition: Condition, into: Set<string> = new Set()): Set<string> {
  if ('all' in condition) for (const part of condition.all) conditionFacts(part, into);
  else if ('any' in condition) for (const part of condition.any) conditionFacts(part, into);
  else if ('not' in condition) conditionFacts(condition.not, into);
  else {
    into.add(condition.fact);
    if (isFactReference(condition.value)) into.add(condition.value.fact);
  }
  return into;
}

/**
 * The `error.kind` values a condition cannot match without, or null when it
 * may match any kind. Used to index rules by kind; conservative by design
 * (only `equal` / `in` on `error.kind` under `all` / `any` narrow it).
 *
 * @example
 * requiredKinds({ all: [{ fact: 'error.kind', operator: 'in', value: ['timeout', 'connection'] }] });
 * // Set { 'timeout', 'connection' }
 */
export function requiredKinds(condition: Condition): ReadonlySet<string> | null {
  if ('all' in condition) {
    const narrowing = condition.all.map(requiredKinds).filter((kinds): kinds is ReadonlySet<string> => kinds !== null);
    const [first, ...rest] = narrowing;
    if (!first) return null;
    return new Set([...first].filter((kind) => rest.every((kinds) => kinds.has(kind))));
  }
  if ('any' in condition) {
    if (condition.any.length === 0) return null;
    const kinds = new Set<string>();
    for (const part of condition.any) {
      const partKinds = requiredKinds(part);
      if (!partKinds) return null;
      for (const kind of partKinds) kinds.add(kind);
    }
    return kinds;
  }
  if ('not' in condition) return null;
  if (condition.fact !== 'error.kind' || condition.path) return null;
  if (condition.operator === 'equal' && typeof condition.value === 'string') return new Set([condition.value]);
  if (condition.operator === 'in' && Array.isArray(condition.value) && condition.value.every((item) => typeof item === 'string')) {
    return new Set(condition.value as string[]);
  }
  return null;
}
