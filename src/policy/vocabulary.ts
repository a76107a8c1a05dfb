/**
 * The words a policy may use: the facts (docs/facts.md), the condition
 * operators, and the error names. The loader checks policies against these
 * lists and the rules engine registers its operators from them, so the two
 * always agree.
 */
import { ERROR_KINDS, ERROR_TYPES, RETRYABLE_KINDS, kindOfType, type ErrorKind } from '../errors/kinds.js';
import { parseStatsFact } from './statsFacts.js';

/**
 * Every fact a rule can test (docs/facts.md), besides the open-ended
 * `request.metadata.*`.
 *
 * @example
 * KNOWN_FACTS.includes('error.kind') // true
 */
export const KNOWN_FACTS = [
  'error.kind',
  'error.type',
  'error.status',
  'error.code',
  'error.message',
  'error.retry_after_ms',
  'error.retryable',
  'error.provider',
  'error.sdk_error',
  /** Rate limits and quotas: `model` (the model's own limit), `provider` (the whole account's), or null. */
  'error.scope',
  'attempt.model',
  'attempt.provider',
  'attempt.number',
  /** How many times this session has called `attempt.model` so far, the failed call included. */
  'attempt.model_attempts',
  'session.attempts',
  'session.elapsed_ms',
  'session.tried',
  /** US dollars: the calls sent so far, priced at their models' input `price` for the request's estimated input tokens. */
  'session.estimated_cost',
  'stream.phase',
  'request.model',
  'request.metadata',
  'request.estimated_input_tokens',
  'request.stream',
  /** The request offers tools, or its history holds tool calls or results. */
  'request.has_tools',
  'request.has_images',
  'request.has_files',
  /** `text`, `json`, `json_schema`, or null when the request says nothing. */
  'request.response_format',
  /** The reasoning effort asked for (`low`, `medium`, `high`, `budget` for a token budget), or null. */
  'request.reasoning',
  'request.params.max_tokens',
  'request.params.temperature',
  'request.params.top_p',
  'request.params.stop',
] as const;

export type KnownFact = (typeof KNOWN_FACTS)[number];

/** Prefix of the caller's own facts (`request.metadata.tier`, `request.metadata.region`, …). */
export const METADATA_FACT_PREFIX = 'request.metadata.';

const knownFactSet: ReadonlySet<string> = new Set(KNOWN_FACTS);
const metadataKeyPattern = /^[A-Za-z0-9_-]+(\.[A-Za-z0-9_-]+)*$/;

/**
 * True for a documented fact (docs/facts.md), including any `request.metadata.<key>`.
 *
 * @example
 * isKnownFact('error.status')            // true
 * isKnownFact('request.metadata.tier')   // true
 * isKnownFact('error.kinds')             // false
 */
export function isKnownFact(name: string): boolean {
  if (knownFactSet.has(name)) return true;
  if (parseStatsFact(name) !== null) return true;
  return name.startsWith(METADATA_FACT_PREFIX) && metadataKeyPattern.test(name.slice(METADATA_FACT_PREFIX.length));
}

/** True for a fact known before the first call (routes and group stickiness may use only these). */
export function isRequestFact(name: string): boolean {
  return name.startsWith('request.') && isKnownFact(name);
}

/** True for a fact a route may test: request facts and the live statistics (`stats.<model>.<metric>`). */
export function isRouteFact(name: string): boolean {
  return isRequestFact(name) || parseStatsFact(name) !== null;
}

/** json-rules-engine's built-in operators. */
export const BUILT_IN_OPERATORS = [
  'equal',
  'notEqual',
  'in',
  'notIn',
  'contains',
  'doesNotContain',
  'lessThan',
  'lessThanInclusive',
  'greaterThan',
  'greaterThanInclusive',
] as const;

/** The operators detour adds; the rules engine registers them (`matches` through `compilePattern`). */
export const EXTRA_OPERATORS = ['matches', 'startsWith', 'endsWith'] as const;

/**
 * Every operator a condition may use.
 *
 * @example
 * OPERATORS.includes('matches') // true
 */
export const OPERATORS = [...BUILT_IN_OPERATORS, ...EXTRA_OPERATORS] as const;

export type Operator = (typeof OPERATORS)[number];

const operatorSet: ReadonlySet<string> = new Set(OPERATORS);

/** True when `name` is an operator of {@link OPERATORS}. */
export function isOperator(name: string): name is Operator {
  return operatorSet.has(name);
}

/**
 * The seed's spellings of some kinds in `fallback_on_errors`
 * (`overloaded_error`, `authentication_error`).
 */
export const SEED_ERROR_ALIASES: Readonly<Record<string, ErrorKind>> = {
  overloaded_error: 'overloaded',
  authentication_error: 'authentication',
};

/**
 * The seed's `ConditionalFallback` predicates and the kinds each holds for
 * (the error kinds in README.md).
 */
export const CONDITION_PREDICATES: Readonly<Record<string, readonly ErrorKind[]>> = {
  on_timeout: ['timeout'],
  on_rate_limit: ['rate_limit', 'quota_exceeded'],
  on_service_unavailable: ['service_unavailable', 'overloaded', 'connection'],
  on_authentication_error: ['authentication', 'permission'],
  on_model_not_found: ['model_not_found'],
  on_token_limit: ['token_limit'],
  on_content_filter: ['content_filter'],
  on_invalid_request: ['invalid_request'],
  on_retryable_error: [...RETRYABLE_KINDS],
  on_any_error: ERROR_KINDS.filter((kind) => kind !== 'aborted'),
};

/**
 * The kind an error name stands for: a kind, a seed type (`RateLimitError`)
 * or a seed alias (`overloaded_error`); undefined for anything else.
 *
 * @example
 * errorKindOf('RateLimitError') // 'rate_limit'
 */
export function errorKindOf(name: string): ErrorKind | undefined {
  if ((ERROR_KINDS as readonly string[]).includes(name)) return name as ErrorKind;
  return kindOfType(name) ?? (Object.hasOwn(SEED_ERROR_ALIASES, name) ? SEED_ERROR_ALIASES[name] : undefined);
}

/** Every accepted error name, for messages and suggestions. */
export const ERROR_NAMES: readonly string[] = [
  ...ERROR_KINDS,
  ...ERROR_KINDS.map((kind) => ERROR_TYPES[kind]),
  ...Object.keys(SEED_ERROR_ALIASES),
];
