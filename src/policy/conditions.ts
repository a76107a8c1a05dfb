/**
 * Checks on json-rules-engine conditions that JSON Schema cannot express:
 * the shape of each condition, known facts, operator/value agreement,
 * values of each fact's vocabulary and type (`conditionValues.ts`),
 * `matches` patterns, and conditions that always or never hold.
 */
import { checkConditionValue, checkContradictions } from './conditionValues.js';
import type { ConditionVocabulary } from './conditionValues.js';
import { compilePattern, PatternError } from './pattern.js';
import { didYouMean } from './suggest.js';
import { KNOWN_FACTS, isKnownFact, isRouteFact } from './vocabulary.js';
import { escapePointerSegment } from './diagnostics.js';
import type { CheckReporter } from './report.js';
import type { RawCondition } from './raw.js';

const booleanKeys = ['all', 'any', 'not'] as const;
const factKeys = ['fact', 'operator', 'value', 'path'] as const;
const numericOperators = new Set(['lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive']);
const listOperators = new Set(['in', 'notIn']);
const stringOperators = new Set(['matches', 'startsWith', 'endsWith']);

/** Where a condition is used decides which facts exist there. */
export type ConditionScope = 'rule' | 'route' | 'strategy';

function isFactReference(value: unknown): boolean {
  return typeof value === 'object' && value !== null && !Array.isArray(value) && 'fact' in value;
}

/** What a condition's values are checked against, and whose condition it is (for messages). */
export interface ConditionContext {
  readonly vocabulary: ConditionVocabulary | null;
  /** E.g. "rule `fail-fast`". */
  readonly owner: string;
}

function checkFactCondition(condition: RawCondition, pointer: string, scope: ConditionScope, reporter: CheckReporter, context: ConditionContext | null): void {
  for (const key of ['fact', 'operator', 'value'] as const) {
    if (!(key in condition)) {
      reporter.report({
        pointer,
        check: 'rule',
        message: `this condition is missing \`${key}\`: a condition is \`all\`, \`any\`, \`not\`, or \`fact\` + \`operator\` + \`value\``,
      });
      return;
    }
  }
  const fact = condition.fact ?? '';
  if (!isKnownFact(fact)) {
    reporter.report({
      pointer: `${pointer}/fact`,
      check: 'rule',
      message: `unknown fact \`${fact}\`: use a fact listed in docs/facts.md (error.*, attempt.*, session.*, stream.phase, request.*) request.metadata.<key> or stats.<model>.<metric>.${didYouMean(fact, KNOWN_FACTS)}`,
    });
  } else if (scope === 'route' && !isRouteFact(fact)) {
    reporter.report({
      pointer: `${pointer}/fact`,
      check: 'rule',
      message: `routes run before the first call, when only request.* and stats.* facts exist; \`${fact}\` is not one`,
    });
  }
  const operator = condition.operator ?? '';
  const value = condition.value;
  if (isFactReference(value)) return;
  if (listOperators.has(operator) && !Array.isArray(value)) {
    reporter.report({ pointer: `${pointer}/value`, check: 'rule', message: `\`${operator}\` needs a list as its value, e.g. [429, 503]` });
  } else if (numericOperators.has(operator) && typeof value !== 'number') {
    reporter.report({ pointer: `${pointer}/value`, check: 'rule', message: `\`${operator}\` compares numbers: make the value a number` });
  } else if (stringOperators.has(operator) && typeof value !== 'string') {
    reporter.report({ pointer: `${pointer}/value`, check: 'rule', message: `\`${operator}\` needs a string value` });
  } else if (operator === 'matches' && typeof value === 'string') {
    try {
      compilePattern(value);
    } catch (error) {
      const reason = error instanceof PatternError ? error.message : String(error);
      const where = error instanceof PatternError && error.index !== null ? ` (at character ${error.index + 1} of the pattern)` : '';
      reporter.report({ pointer: `${pointer}/value`, check: 'rule', message: `bad \`matches\` pattern${where}: ${reason}` });
    }
  } else {
    checkConditionValue(condition, pointer, scope, context?.vocabulary ?? null, reporter);
  }
}

/**
 * Check one condition tree. `top` conditions (a rule's or route's `when`)
 * must be `all`, `any` or `not`, as json-rules-engine requires.
 */
export function checkCondition(
  condition: RawCondition,
  pointer: string,
  scope: ConditionScope,
  reporter: CheckReporter,
  top = false,
  context: ConditionContext | null = null,
): void {
  const present = [...booleanKeys, ...factKeys].filter((key) => key in condition);
  const booleans = booleanKeys.filter((key) => key in condition);
  if (booleans.length > 0 && present.length > 1) {
    const extra = present.find((key) => key !== booleans[0]) ?? '';
    reporter.report({
      pointer: `${pointer}/${escapePointerSegment(extra)}`,
      check: 'rule',
      message: `\`${extra}\` cannot sit beside \`${booleans[0] ?? ''}\` in one condition: put it in its own condition inside the list`,
      target: 'key',
    });
    return;
  }
  if (booleans.length === 0) {
    if (top) {
      reporter.report({
        pointer,
        check: 'rule',
        message: 'the top of `when` must be `all`, `any` or `not`: wrap the condition as `{ all: [ … ] }`',
      });
      return;
    }
    checkFactCondition(condition, pointer, scope, reporter, context);
    return;
  }
  if (condition.not !== undefined) {
    checkCondition(condition.not, `${pointer}/not`, scope, reporter, false, context);
    return;
  }
  const key = condition.all !== undefined ? 'all' : 'any';
  (condition[key] ?? []).forEach((child, index) => checkCondition(child, `${pointer}/${key}/${index}`, scope, reporter, false, context));
  if (key === 'all' && context !== null) checkContradictions(condition.all ?? [], `${pointer}/all`, context.owner, reporter);
}

/** Check one `conditions:` entry of the conditional strategy (kinds are checked by the schema). */
export function checkStrategyCondition(condition: RawCondition, pointer: string, reporter: CheckReporter, context: ConditionContext | null = null): void {
  if (booleanKeys.some((key) => key in condition)) {
    reporter.report({
      pointer,
      check: 'rule',
      message: '`conditions` entries are error kinds or single fact conditions; express all/any/not logic with `rules`',
    });
    return;
  }
  checkFactCondition(condition, pointer, 'strategy', reporter, context);
}

/** True when the condition holds whatever the facts (`{ all: [] }`, `{ not: { any: [] } }`, …). */
export function alwaysHolds(condition: RawCondition): boolean {
  if (condition.all !== undefined) return condition.all.every(alwaysHolds);
  if (condition.any !== undefined) return condition.any.some(alwaysHolds);
  if (condition.not !== undefined) return neverHolds(condition.not);
  return false;
}

/** True when the condition cannot hold (`{ any: [] }`, …). */
export function neverHolds(condition: RawCondition): boolean {
  if (condition.any !== undefined) return condition.any.every(neverHolds);
  if (condition.all !== undefined) return condition.all.some(neverHolds);
  if (condition.not !== undefined) return alwaysHolds(condition.not);
  return false;
}
