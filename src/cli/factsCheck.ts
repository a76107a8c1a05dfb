/**
 * The checks `detour explain --facts` runs on what the user typed, before
 * explaining anything: a misspelt fact name or a value of the wrong type
 * would otherwise be ignored or compared as-is, and explain would answer a
 * question nobody asked (`error.kid` leaves `error.kind` at `unknown`;
 * `"error.status": "abc"` never equals 429).
 */
import { ERROR_KINDS, ERROR_TYPES } from '../errors/kinds.js';
import { didYouMean } from '../policy/suggest.js';
import type { Policy } from '../policy/types.js';
import { KNOWN_FACTS, isKnownFact } from '../policy/vocabulary.js';
import { isPlainObject } from '../rules/facts.js';

type Check = (value: unknown) => string | null;

const nullable = (check: Check): Check => (value) => (value === null ? null : check(value));

const text: Check = (value) => (typeof value === 'string' ? null : 'a string');
const flag: Check = (value) => (typeof value === 'boolean' ? null : 'true or false');
const count = (minimum: number): Check => (value) =>
  typeof value === 'number' && Number.isInteger(value) && value >= minimum ? null : `an integer of at least ${minimum}`;
const duration: Check = (value) => (typeof value === 'number' && Number.isFinite(value) && value >= 0 ? null : 'a number of milliseconds (0 or more)');
const oneOf = (choices: readonly string[]): Check => (value) =>
  typeof value === 'string' && choices.includes(value) ? null : `one of ${choices.join(', ')}`;

/** The enumerated facts, for "did you mean" on a misspelt value. */
const CHOICES: Readonly<Record<string, readonly string[]>> = {
  'error.kind': ERROR_KINDS,
  'error.type': Object.values(ERROR_TYPES),
  'stream.phase': ['none', 'before_first_chunk', 'mid_stream'],
};

const status: Check = (value) => (typeof value === 'number' && Number.isInteger(value) && value >= 100 && value <= 599 ? null : 'an HTTP status (100 to 599)');
const models: Check = (value) => (Array.isArray(value) && value.every((item) => typeof item === 'string') ? null : 'a list of model names, e.g. ["gpt-4o"]');
const object: Check = (value) => (isPlainObject(value) ? null : 'an object');

/** What each fact holds (DESIGN §3); `null` stands for "absent" wherever the executor may leave a fact empty. */
const FACT_CHECKS: Readonly<Record<string, Check>> = {
  'error.kind': oneOf(ERROR_KINDS),
  'error.type': nullable(oneOf(Object.values(ERROR_TYPES))),
  'error.status': nullable(status),
  'error.code': nullable(text),
  'error.message': nullable(text),
  'error.retry_after_ms': nullable(duration),
  'error.retryable': flag,
  'error.provider': nullable(text),
  'error.sdk_error': nullable(text),
  'attempt.model': text,
  'attempt.provider': nullable(text),
  'attempt.number': count(1),
  'attempt.model_attempts': count(1),
  'session.attempts': count(1),
  'session.elapsed_ms': duration,
  'session.tried': models,
  'stream.phase': oneOf(CHOICES['stream.phase']!),
  'request.model': nullable(text),
  'request.metadata': object,
  'request.estimated_input_tokens': nullable(duration),
  'request.stream': flag,
};

/**
 * The first problem with the given (flattened) facts, as one line, or null.
 * Names must be facts of DESIGN §3 or `request.metadata.<key>`, values of the
 * fact's type, and models (`attempt.model`, `session.tried`) catalog keys of
 * the policy.
 *
 * @example
 * checkGivenFacts({ 'error.kid': 'timeout' }, policy);
 * // 'unknown fact `error.kid`. Did you mean `error.kind`? …'
 */
export function checkGivenFacts(facts: Readonly<Record<string, unknown>>, policy: Policy | null): string | null {
  for (const [name, value] of Object.entries(facts)) {
    if (!isKnownFact(name)) {
      if (name.startsWith('request.metadata.')) continue; // nested metadata keys the normaliser expanded
      return `unknown fact \`${name}\`.${didYouMean(name, KNOWN_FACTS)} (detour explain --help lists the facts)`;
    }
    const expected = FACT_CHECKS[name]?.(value) ?? null;
    if (expected !== null) {
      const choices = CHOICES[name];
      const hint = choices !== undefined && typeof value === 'string' ? didYouMean(value, choices) : '';
      return `\`${name}\` must be ${expected} (got ${JSON.stringify(value)}).${hint}`;
    }
  }
  if (policy === null) return null;
  const catalog = Object.keys(policy.models);
  const named: [string, unknown][] = [['attempt.model', facts['attempt.model']]];
  if (Array.isArray(facts['session.tried'])) for (const model of facts['session.tried']) named.push(['session.tried', model]);
  for (const [name, model] of named) {
    if (typeof model === 'string' && policy.models[model] === undefined) {
      return `\`${name}\`: no model \`${model}\` in policy ${policy.name}.${didYouMean(model, catalog)} Models: ${catalog.join(', ')}`;
    }
  }
  return null;
}
