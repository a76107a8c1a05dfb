/**
 * The flat, dotted facts rules test (DESIGN §3). Every fact is present on
 * every failure; absent values are `null`.
 *
 * Conventions the executor follows when it builds them:
 * - `session.attempts` counts every call made so far, the failed one included
 *   (1 after the first failure);
 * - `session.tried` lists the model of every attempt so far, in order, the
 *   failed one included, repeats kept (a retried model appears twice);
 * - `attempt.model_attempts` (derived) is how many entries of `session.tried`
 *   are `attempt.model`: rule `retry: { times }` budgets count it.
 */
import { ERROR_TYPES, RETRYABLE_KINDS, isErrorKind, kindOfType } from '../errors/kinds.js';
import type { ErrorFact } from '../errors/kinds.js';
import type { Facts } from './types.js';

export type StreamPhase = 'none' | 'before_first_chunk' | 'mid_stream';

export interface RequestFactsInput {
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** Model or group the caller asked for, if any. */
  readonly model?: string | null;
  readonly estimatedInputTokens?: number | null;
  readonly stream?: boolean;
}

export interface FailureFactsInput {
  readonly error: ErrorFact;
  readonly attempt: { readonly model: string; readonly provider: string | null; readonly number: number };
  readonly session: { readonly attempts: number; readonly elapsedMs: number; readonly tried: readonly string[] };
  readonly streamPhase: StreamPhase;
  readonly request: RequestFactsInput;
}

/** The facts every failure carries (besides `request.metadata.*`). */
export const FAILURE_FACT_NAMES: readonly string[] = [
  'error.kind',
  'error.type',
  'error.status',
  'error.code',
  'error.message',
  'error.retry_after_ms',
  'error.retryable',
  'error.provider',
  'error.sdk_error',
  'attempt.model',
  'attempt.provider',
  'attempt.number',
  'attempt.model_attempts',
  'session.attempts',
  'session.elapsed_ms',
  'session.tried',
  'stream.phase',
  'request.metadata',
  'request.model',
  'request.estimated_input_tokens',
  'request.stream',
];

const MAX_METADATA_DEPTH = 8;

function isPlainObject(value: unknown): value is Record<string, unknown> {
  if (value === null || typeof value !== 'object' || Array.isArray(value)) return false;
  const prototype = Object.getPrototypeOf(value) as unknown;
  return prototype === Object.prototype || prototype === null;
}

function flattenInto(target: Record<string, unknown>, prefix: string, value: Record<string, unknown>, depth: number): void {
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'function' || typeof item === 'symbol' || item === undefined) continue;
    const name = `${prefix}.${key}`;
    target[name] = item;
    if (isPlainObject(item) && depth < MAX_METADATA_DEPTH) flattenInto(target, name, item, depth + 1);
  }
}

/**
 * `request.*` facts only (for routes). Metadata is flattened with dots:
 * `{ user: { tier: 'free' } }` gives `request.metadata.user.tier` (and the
 * object itself under `request.metadata.user`, for `path` conditions).
 *
 * @example
 * buildRequestFacts({ metadata: { region: 'EU' }, model: 'gpt-4o' });
 * // { 'request.metadata': { region: 'EU' }, 'request.metadata.region': 'EU', 'request.model': 'gpt-4o',
 * //   'request.estimated_input_tokens': null, 'request.stream': false }
 */
export function buildRequestFacts(request: RequestFactsInput): Facts {
  const facts: Record<string, unknown> = {
    'request.metadata': request.metadata ?? {},
    'request.model': request.model ?? null,
    'request.estimated_input_tokens': request.estimatedInputTokens ?? null,
    'request.stream': request.stream ?? false,
  };
  if (request.metadata && typeof request.metadata === 'object') flattenInto(facts, 'request.metadata', request.metadata, 1);
  return facts;
}

/** How many attempts of the session went to `model` (`session.tried` keeps repeats). */
export function countModelAttempts(tried: unknown, model: unknown): number {
  if (!Array.isArray(tried)) return 0;
  let count = 0;
  for (const name of tried) if (name === model) count += 1;
  return count;
}

/**
 * Every fact of DESIGN §3 for one failure; absent values are null.
 *
 * @example
 * buildFailureFacts({
 *   error: classifyError(thrown, { provider: 'openai' }),
 *   attempt: { model: 'gpt-4o', provider: 'openai', number: 1 },
 *   session: { attempts: 1, elapsedMs: 840, tried: ['gpt-4o'] },
 *   streamPhase: 'none',
 *   request: { metadata: { tier: 'free' } },
 * })['error.kind']; // 'rate_limit'
 */
export function buildFailureFacts(input: FailureFactsInput): Facts {
  const { error, attempt, session } = input;
  const facts: Record<string, unknown> = {
    'error.kind': error.kind,
    'error.type': error.type,
    'error.status': error.status ?? null,
    'error.code': error.code ?? null,
    'error.message': error.message ?? null,
    'error.retry_after_ms': error.retryAfterMs ?? null,
    'error.retryable': error.retryable,
    'error.provider': error.provider ?? null,
    'error.sdk_error': error.sdkError ?? null,
    'attempt.model': attempt.model,
    'attempt.provider': attempt.provider ?? null,
    'attempt.number': attempt.number,
    'attempt.model_attempts': countModelAttempts(session.tried, attempt.model),
    'session.attempts': session.attempts,
    'session.elapsed_ms': session.elapsedMs,
    'session.tried': [...session.tried],
    'stream.phase': input.streamPhase,
  };
  return Object.assign(facts, buildRequestFacts(input.request));
}

/** What the caller of `completeFacts` knows about the policy, for defaults. */
export interface FactDefaultsSource {
  readonly primaryModel: string;
  readonly models: Readonly<Record<string, { readonly provider: string }>>;
}

/**
 * Fill the facts a caller left out the way the executor would (used by
 * `detour explain` and `detour test`): `error.kind` from `error.type` (or
 * `unknown`), `error.type` and `error.retryable` from the kind,
 * `attempt.model` = the policy's primary, one attempt so far, `session.tried`
 * = [attempt.model], stream phase `none`, everything else null.
 *
 * @example
 * completeFacts({ 'error.kind': 'timeout' }, policy)['attempt.model']; // policy.primaryModel
 */
export function completeFacts(given: Facts, policy: FactDefaultsSource): Facts {
  const facts: Record<string, unknown> = { ...given };
  const givenType = facts['error.type'];
  if (facts['error.kind'] === undefined) {
    facts['error.kind'] = (typeof givenType === 'string' ? kindOfType(givenType) : undefined) ?? 'unknown';
  }
  const kind = facts['error.kind'];
  if (facts['error.type'] === undefined) facts['error.type'] = isErrorKind(kind) ? ERROR_TYPES[kind] : null;
  if (facts['error.retryable'] === undefined) facts['error.retryable'] = isErrorKind(kind) && RETRYABLE_KINDS.has(kind);
  for (const name of ['error.status', 'error.code', 'error.retry_after_ms', 'error.provider', 'error.sdk_error']) {
    if (facts[name] === undefined) facts[name] = null;
  }
  if (facts['error.message'] === undefined) facts['error.message'] = '';
  if (facts['attempt.model'] === undefined) facts['attempt.model'] = policy.primaryModel;
  const model = facts['attempt.model'];
  if (facts['attempt.provider'] === undefined) {
    facts['attempt.provider'] = typeof model === 'string' ? (policy.models[model]?.provider ?? null) : null;
  }
  if (facts['session.tried'] === undefined) facts['session.tried'] = typeof model === 'string' ? [model] : [];
  const tried = facts['session.tried'];
  if (facts['session.attempts'] === undefined) {
    facts['session.attempts'] = typeof facts['attempt.number'] === 'number' ? facts['attempt.number'] : Array.isArray(tried) ? Math.max(1, tried.length) : 1;
  }
  if (facts['attempt.number'] === undefined) facts['attempt.number'] = facts['session.attempts'];
  if (facts['attempt.model_attempts'] === undefined) facts['attempt.model_attempts'] = Math.max(1, countModelAttempts(tried, model));
  if (facts['session.elapsed_ms'] === undefined) facts['session.elapsed_ms'] = 0;
  if (facts['stream.phase'] === undefined) facts['stream.phase'] = 'none';
  if (facts['request.model'] === undefined) facts['request.model'] = null;
  if (facts['request.estimated_input_tokens'] === undefined) facts['request.estimated_input_tokens'] = null;
  if (facts['request.stream'] === undefined) facts['request.stream'] = false;
  if (facts['request.metadata'] === undefined) facts['request.metadata'] = metadataObject(facts);
  return facts;
}

/** Rebuild `request.metadata` from its dotted leaves (`request.metadata.tier` → `{ tier }`). */
function metadataObject(facts: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const metadata: Record<string, unknown> = {};
  const prefix = 'request.metadata.';
  for (const [name, value] of Object.entries(facts)) {
    if (!name.startsWith(prefix)) continue;
    const keys = name.slice(prefix.length).split('.');
    let target = metadata;
    keys.forEach((key, index) => {
      if (index === keys.length - 1) {
        if (!isPlainObject(target[key])) target[key] = value;
        return;
      }
      if (!isPlainObject(target[key])) target[key] = {};
      target = target[key] as Record<string, unknown>;
    });
  }
  return metadata;
}
