/**
 * What each fact may hold (docs/facts.md), checked where a person writes facts
 * by hand: a policy test's `given` (the loader) and `detour explain --facts`
 * (the CLI). One implementation for both, so a value `detour explain`
 * refuses is refused by `detour validate` too, with the same words.
 * Without it a misspelt value is compared as-is and the test or explanation
 * answers a question nobody asked (`"error.status": "abc"` never equals 429;
 * `error.kind: rate_limt` matches no rule).
 */
import { ERROR_KINDS, ERROR_SCOPES, ERROR_TYPES } from '../errors/kinds.js';
import { didYouMean } from './suggest.js';

/** A value that does not fit its fact: what it must be, and (for a list) which item is wrong. */
export interface FactValueMismatch {
  /** What the value must be, e.g. `an HTTP status (100 to 599)`. */
  readonly expected: string;
  /** The position of the offending item, when the value is a list whose item is wrong. */
  readonly item?: number;
}

type Check = (value: unknown) => FactValueMismatch | null;

const expecting = (expected: string, holds: boolean): FactValueMismatch | null => (holds ? null : { expected });

const nullable = (check: Check): Check => (value) => (value === null ? null : check(value));

const text: Check = (value) => expecting('a string', typeof value === 'string');
const flag: Check = (value) => expecting('true or false', typeof value === 'boolean');
const count = (minimum: number): Check => (value) =>
  expecting(`an integer of at least ${minimum}`, typeof value === 'number' && Number.isInteger(value) && value >= minimum);
const milliseconds: Check = (value) =>
  expecting('a number of milliseconds (0 or more)', typeof value === 'number' && Number.isFinite(value) && value >= 0);
const tokens: Check = (value) => expecting('a number of tokens (0 or more)', typeof value === 'number' && Number.isFinite(value) && value >= 0);
const number: Check = (value) => expecting('a number', typeof value === 'number' && Number.isFinite(value));
const strings: Check = (value) => expecting('a list of strings', Array.isArray(value) && value.every((item) => typeof item === 'string'));
const oneOf = (choices: readonly string[]): Check => (value) =>
  expecting(`one of ${choices.join(', ')}`, typeof value === 'string' && choices.includes(value));
const status: Check = (value) =>
  expecting('an HTTP status (100 to 599)', typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599);
const models: Check = (value) => {
  const expected = 'a list of model names, e.g. ["gpt-4o"]';
  if (!Array.isArray(value)) return { expected };
  const item = value.findIndex((model) => typeof model !== 'string');
  return item < 0 ? null : { expected: 'a model name (a string)', item };
};
const coolingModels: Check = (value) => {
  if (Array.isArray(value)) return models(value);
  const expected = 'a list of model names, or an object of model name → milliseconds left';
  if (value === null || typeof value !== 'object') return { expected };
  return Object.values(value).every((left) => typeof left === 'number' && Number.isFinite(left) && left >= 0) ? null : { expected };
};
const turns: Check = (value) => {
  const expected = 'an object of group name → its round-robin turn (0, 1, 2, …)';
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { expected };
  return Object.values(value).every((turn) => typeof turn === 'number' && Number.isInteger(turn) && turn >= 0) ? null : { expected };
};
const failureCounts: Check = (value) => {
  const expected = 'an object of model name → failures within its cooldown_after window';
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { expected };
  return Object.values(value).every((count) => typeof count === 'number' && Number.isInteger(count) && count >= 0) ? null : { expected };
};
const object: Check = (value) => {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return { expected: 'an object of keys and values' };
  const prototype = Object.getPrototypeOf(value) as unknown;
  return expecting('an object of keys and values', prototype === Object.prototype || prototype === null);
};

const STREAM_PHASES = ['none', 'before_first_chunk', 'mid_stream'] as const;

/** The enumerated facts, for "did you mean" on a misspelt value. */
const CHOICES: Readonly<Record<string, readonly string[]>> = {
  'error.kind': ERROR_KINDS,
  'error.type': Object.values(ERROR_TYPES),
  'error.scope': ERROR_SCOPES,
  'stream.phase': STREAM_PHASES,
};

/** What each fact holds; `null` stands for "absent" wherever the executor may leave a fact empty. */
const FACT_CHECKS: Readonly<Record<string, Check>> = {
  'error.kind': oneOf(ERROR_KINDS),
  'error.type': nullable(oneOf(Object.values(ERROR_TYPES))),
  'error.status': nullable(status),
  'error.code': nullable(text),
  'error.message': nullable(text),
  'error.retry_after_ms': nullable(milliseconds),
  'error.retryable': flag,
  'error.provider': nullable(text),
  'error.sdk_error': nullable(text),
  'error.scope': nullable(oneOf(ERROR_SCOPES)),
  'attempt.model': text,
  'attempt.provider': nullable(text),
  'attempt.number': count(1),
  'attempt.model_attempts': count(1),
  'session.attempts': count(1),
  'session.elapsed_ms': milliseconds,
  'session.tried': models,
  'session.estimated_cost': nullable((value) => expecting('US dollars (0 or more)', typeof value === 'number' && Number.isFinite(value) && value >= 0)),
  'stream.phase': oneOf(STREAM_PHASES),
  'request.model': nullable(text),
  'request.metadata': object,
  'request.estimated_input_tokens': nullable(tokens),
  'request.stream': flag,
  'request.has_tools': flag,
  'request.has_images': flag,
  'request.has_files': flag,
  'request.response_format': nullable(oneOf(['text', 'json', 'json_schema'])),
  'request.reasoning': nullable(oneOf(['low', 'medium', 'high', 'budget'])),
  'request.params.max_tokens': nullable(tokens),
  'request.params.temperature': nullable(number),
  'request.params.top_p': nullable(number),
  'request.params.stop': nullable(strings),
};

/**
 * Whether `value` fits the fact `name`; null when it does, or when detour
 * says nothing about the fact's values (`request.metadata.<key>` holds
 * whatever the caller puts there; unknown names are the caller's to report).
 *
 * @example
 * checkFactValue('error.status', 'abc');          // { expected: 'an HTTP status (100 to 599)' }
 * checkFactValue('session.tried', ['gpt-4o', 3]); // { expected: 'a model name (a string)', item: 1 }
 * checkFactValue('error.status', 429);            // null
 */
export function checkFactValue(name: string, value: unknown): FactValueMismatch | null {
  const check = Object.hasOwn(FACT_CHECKS, name) ? FACT_CHECKS[name] : undefined;
  return check === undefined ? null : check(value);
}

/**
 * One line saying what is wrong with a fact's value and what to write
 * instead: the expected type or choices, what was given, and for an
 * enumerated fact the nearest valid value.
 *
 * @example
 * describeFactValueMismatch('error.kind', 'rate_limt', checkFactValue('error.kind', 'rate_limt')!);
 * // '`error.kind` must be one of timeout, rate_limit, … (got "rate_limt"). Did you mean `rate_limit`?'
 */
export function describeFactValueMismatch(name: string, value: unknown, mismatch: FactValueMismatch): string {
  if (mismatch.item !== undefined && Array.isArray(value)) {
    return `\`${name}\` item ${mismatch.item + 1} must be ${mismatch.expected} (got ${JSON.stringify(value[mismatch.item])}).`;
  }
  const choices = Object.hasOwn(CHOICES, name) ? CHOICES[name] : undefined;
  let hint = choices !== undefined && typeof value === 'string' ? didYouMean(value, choices) : '';
  if (typeof value === 'string' && value.trim() !== '' && Number.isFinite(Number(value)) && checkFactValue(name, Number(value)) === null) {
    hint = ` Write it as a number, without quotes: ${Number(value)}.`;
  }
  return `\`${name}\` must be ${mismatch.expected} (got ${JSON.stringify(value)}).${hint}`;
}

/**
 * The problem with one fact's value as one line, or null when it fits.
 *
 * @example
 * factValueProblem('session.tried', 'gpt-4o');
 * // '`session.tried` must be a list of model names, e.g. ["gpt-4o"] (got "gpt-4o").'
 */
export function factValueProblem(name: string, value: unknown): string | null {
  const mismatch = checkFactValue(name, value);
  return mismatch === null ? null : describeFactValueMismatch(name, value, mismatch);
}

/**
 * The problem with a `given` key that sets the session's state rather than a
 * fact (`random_seed`, `state.cooling_down`): null when it fits, undefined
 * when `name` is not such a key.
 *
 * @example
 * sessionGivenProblem('random_seed', -1); // '`random_seed` must be an integer of at least 0 (got -1).'
 */
export function sessionGivenProblem(name: string, value: unknown): string | null | undefined {
  const check = name === 'random_seed' ? count(0) : name === 'state.cooling_down' ? coolingModels : name === 'state.round_robin' ? turns : name === 'state.failures' ? failureCounts : name === 'state.waited_ms' ? milliseconds : undefined;
  if (check === undefined) return undefined;
  const mismatch = check(value);
  return mismatch === null ? null : describeFactValueMismatch(name, value, mismatch);
}
