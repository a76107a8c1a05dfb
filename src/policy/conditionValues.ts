/**
 * Values in conditions are checked, not only keys: a value outside its
 * fact's vocabulary (`error.kind equal ratelimit`), of the wrong type
 * (`error.status equal "429"`), or naming a model or provider the policy does
 * not have is an error with the nearest valid value; conditions under one
 * `all` that cannot hold together are a warning (the rule can never fire).
 * What each fact holds is docs/facts.md, and `factValues.ts` in code.
 */
import { parseStatsFact } from './statsFacts.js';
import { PROVIDER_TYPES } from '../providers/spec.js';
import { checkFactValue, describeFactValueMismatch } from './factValues.js';
import type { RawCondition, RawPolicy } from './raw.js';
import type { CheckReporter } from './report.js';
import { didYouMean } from './suggest.js';
import { isKnownFact } from './vocabulary.js';

/** The names a policy's conditions may compare facts with. */
export interface ConditionVocabulary {
  /** Catalog keys (`attempt.model`, `session.tried`). */
  readonly models: ReadonlySet<string>;
  /** Provider names and types (`attempt.provider`, `error.provider`). */
  readonly providers: ReadonlySet<string>;
  /** What `request.model` may be in a rule: models, groups, and the aliases routes key on. */
  readonly requestModels: ReadonlySet<string>;
}

/** The vocabulary of one policy file. */
export function conditionVocabulary(raw: RawPolicy): ConditionVocabulary {
  const models = new Set(Object.keys(raw.models ?? {}));
  const providers = new Set<string>(PROVIDER_TYPES);
  for (const [name, config] of Object.entries(raw.provider_config ?? {})) {
    providers.add(name);
    if (config.type !== undefined) providers.add(config.type);
  }
  for (const model of Object.values(raw.models ?? {})) if (typeof model.provider === 'string') providers.add(model.provider);
  const requestModels = new Set([...models, ...Object.keys(raw.groups ?? {})]);
  for (const route of raw.routes ?? []) for (const value of requestModelValues(route.when)) requestModels.add(value);
  return { models, providers, requestModels };
}

function requestModelValues(condition: RawCondition | undefined): string[] {
  if (condition === undefined) return [];
  if (condition.all !== undefined) return condition.all.flatMap(requestModelValues);
  if (condition.any !== undefined) return condition.any.flatMap(requestModelValues);
  if (condition.not !== undefined) return requestModelValues(condition.not);
  if (condition.fact !== 'request.model') return [];
  const value = condition.value;
  return (Array.isArray(value) ? value : [value]).filter((item): item is string => typeof item === 'string');
}

/** Facts that hold numbers: the only ones `lessThan` & co. can compare. */
const NUMERIC_FACTS = new Set([
  'error.status',
  'error.retry_after_ms',
  'attempt.number',
  'attempt.model_attempts',
  'session.attempts',
  'session.elapsed_ms',
  'session.estimated_cost',
  'request.estimated_input_tokens',
]);
const NUMERIC_OPERATORS = new Set(['lessThan', 'lessThanInclusive', 'greaterThan', 'greaterThanInclusive']);
const LIST_FACTS = new Set(['session.tried', 'request.metadata']);

function namesFor(fact: string, scope: 'rule' | 'route' | 'strategy', vocabulary: ConditionVocabulary): { names: ReadonlySet<string>; what: string } | null {
  if (fact === 'attempt.model') return { names: vocabulary.models, what: 'a model of this policy' };
  if (fact === 'attempt.provider' || fact === 'error.provider') return { names: vocabulary.providers, what: 'a provider of this policy' };
  // A route may key on any alias the caller sends; a rule on one a route knows, or a model or group.
  if (fact === 'request.model' && scope !== 'route') return { names: vocabulary.requestModels, what: 'a model, group or route alias of this policy' };
  return null;
}

/** Check one value against its fact; returns the message or null. */
function valueProblem(fact: string, value: unknown, scope: 'rule' | 'route' | 'strategy', vocabulary: ConditionVocabulary | null): string | null {
  const mismatch = checkFactValue(fact, value);
  if (mismatch !== null) return `${describeFactValueMismatch(fact, value, mismatch)} See docs/facts.md.`;
  if (vocabulary === null || typeof value !== 'string') return null;
  const known = namesFor(fact, scope, vocabulary);
  if (known === null || known.names.has(value)) return null;
  return `\`${fact}\` is never \`${value}\`: it must be ${known.what} (${[...known.names].join(', ')}).${didYouMean(value, known.names)}`;
}

/**
 * Check a leaf condition's value (or values, for `in`) against its fact.
 * Reports at the value (or the list item).
 */
export function checkConditionValue(
  condition: RawCondition,
  pointer: string,
  scope: 'rule' | 'route' | 'strategy',
  vocabulary: ConditionVocabulary | null,
  reporter: CheckReporter,
): void {
  const fact = condition.fact ?? '';
  const operator = condition.operator ?? '';
  const value = condition.value;
  if (!isKnownFact(fact) || fact.startsWith('request.metadata') || condition.path !== undefined) return;
  if (NUMERIC_OPERATORS.has(operator)) {
    // Every live statistic (`stats.<model>.<metric>`) is a number.
    if (!NUMERIC_FACTS.has(fact) && parseStatsFact(fact) === null) {
      reporter.report({ pointer: `${pointer}/operator`, check: 'rule', message: `\`${fact}\` is not a number, so \`${operator}\` never holds: compare it with \`equal\` or \`in\` (see docs/facts.md)` });
    }
    return;
  }
  if (fact === 'session.tried') {
    if ((operator === 'contains' || operator === 'doesNotContain') && typeof value === 'string' && vocabulary !== null && !vocabulary.models.has(value)) {
      reporter.report({ pointer: `${pointer}/value`, check: 'rule', message: `\`session.tried\` lists models of this policy, and \`${value}\` is not one.${didYouMean(value, vocabulary.models)}` });
    }
    return;
  }
  if (LIST_FACTS.has(fact)) return;
  if (operator === 'equal' || operator === 'notEqual') {
    const problem = valueProblem(fact, value, scope, vocabulary);
    if (problem !== null) reporter.report({ pointer: `${pointer}/value`, check: 'rule', message: problem });
  } else if ((operator === 'in' || operator === 'notIn') && Array.isArray(value)) {
    value.forEach((item, index) => {
      const problem = valueProblem(fact, item, scope, vocabulary);
      if (problem !== null) reporter.report({ pointer: `${pointer}/value/${index}`, check: 'rule', message: problem });
    });
  }
}

interface Possible {
  /** Values the fact may still take (null: any). */
  allowed: unknown[] | null;
  readonly excluded: unknown[];
  low: number;
  lowInclusive: boolean;
  high: number;
  highInclusive: boolean;
  /** Pointer and text of the first condition on the fact, for the message. */
  readonly first: string;
}

function describe(condition: RawCondition): string {
  return `\`${condition.fact ?? ''} ${condition.operator ?? ''} ${JSON.stringify(condition.value)}\``;
}

function fits(state: Possible, value: unknown): boolean {
  if (state.excluded.some((item) => item === value)) return false;
  if (typeof value === 'number') {
    if (value < state.low || (value === state.low && !state.lowInclusive)) return false;
    if (value > state.high || (value === state.high && !state.highInclusive)) return false;
  } else if (state.low !== -Infinity || state.high !== Infinity) {
    return false;
  }
  return true;
}

function empty(state: Possible): boolean {
  if (state.allowed !== null) return !state.allowed.some((value) => fits(state, value));
  if (state.low > state.high) return true;
  return state.low === state.high && !(state.lowInclusive && state.highInclusive);
}

/** Apply one condition to the fact's possible values; false when it says nothing this check understands. */
function narrow(state: Possible, operator: string, value: unknown): boolean {
  switch (operator) {
    case 'equal':
      state.allowed = (state.allowed ?? [value]).filter((item) => item === value);
      return true;
    case 'in':
      if (!Array.isArray(value)) return false;
      state.allowed = (state.allowed ?? value).filter((item) => value.includes(item));
      return true;
    case 'notEqual':
      state.excluded.push(value);
      return true;
    case 'notIn':
      if (!Array.isArray(value)) return false;
      state.excluded.push(...value);
      return true;
    case 'greaterThan':
    case 'greaterThanInclusive':
      if (typeof value !== 'number') return false;
      if (value > state.low || (value === state.low && operator === 'greaterThan')) {
        state.low = value;
        state.lowInclusive = operator === 'greaterThanInclusive';
      }
      return true;
    case 'lessThan':
    case 'lessThanInclusive':
      if (typeof value !== 'number') return false;
      if (value < state.high || (value === state.high && operator === 'lessThan')) {
        state.high = value;
        state.highInclusive = operator === 'lessThanInclusive';
      }
      return true;
    default:
      return false;
  }
}

/**
 * Warn about conditions under one `all` that cannot hold together
 * (`error.kind equal rate_limit` and `error.kind equal timeout`;
 * `error.status greaterThan 500` and `lessThan 400`). `owner` names the rule
 * or route for the message. Returns true when it found one.
 */
export function checkContradictions(all: readonly RawCondition[], pointer: string, owner: string, reporter: CheckReporter): boolean {
  const byFact = new Map<string, Possible>();
  for (const [index, condition] of all.entries()) {
    const fact = condition.fact;
    if (fact === undefined || condition.path !== undefined || condition.operator === undefined) continue;
    const value = condition.value;
    if (typeof value === 'object' && value !== null && !Array.isArray(value)) continue;
    const at = `${pointer}/${index}`;
    let state = byFact.get(fact);
    const fresh = state === undefined;
    state ??= { allowed: null, excluded: [], low: -Infinity, lowInclusive: false, high: Infinity, highInclusive: false, first: describe(condition) };
    if (!narrow(state, condition.operator, value)) continue;
    if (fresh) byFact.set(fact, state);
    else if (empty(state)) {
      reporter.report({
        pointer: at,
        severity: 'warning',
        check: 'rule',
        message: `${describe(condition)} and ${state.first} cannot both hold, so ${owner} can never fire: keep one, or use \`any\` for either`,
      });
      return true;
    }
  }
  return false;
}

/** The kinds a condition restricts `error.kind` to at its top `all` (null: any kind). */
export function kindsOf(when: RawCondition): readonly string[] | null {
  if (when.all === undefined) return null;
  let kinds: string[] | null = null;
  for (const condition of when.all) {
    if (condition.fact !== 'error.kind' || condition.path !== undefined) continue;
    const values = condition.operator === 'equal' ? [condition.value] : condition.operator === 'in' && Array.isArray(condition.value) ? condition.value : null;
    if (values === null) continue;
    const strings = values.filter((value): value is string => typeof value === 'string');
    kinds = kinds === null ? strings : kinds.filter((kind) => strings.includes(kind));
  }
  return kinds;
}

/**
 * True when every failure `later` matches, `earlier` matches too, so a rule
 * with `later` after a rule with `earlier` can never fire. Understood: an
 * `all` of leaf conditions, where each of `earlier`'s is one of `later`'s, or
 * an `equal`/`in` whose values include all `later` allows for that fact.
 */
export function covers(earlier: RawCondition, later: RawCondition): boolean {
  if (earlier.all === undefined || later.all === undefined) return false;
  return earlier.all.every((condition) => {
    if (condition.fact === undefined || condition.path !== undefined) return false;
    const wide = condition.operator === 'equal' ? [condition.value] : condition.operator === 'in' && Array.isArray(condition.value) ? condition.value : null;
    return later.all!.some((other) => {
      if (JSON.stringify(other) === JSON.stringify(condition)) return true;
      if (wide === null || other.fact !== condition.fact || other.path !== undefined) return false;
      const narrow = other.operator === 'equal' ? [other.value] : other.operator === 'in' && Array.isArray(other.value) ? other.value : null;
      return narrow !== null && narrow.length > 0 && narrow.every((value) => wide.includes(value));
    });
  });
}
