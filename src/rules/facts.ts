/**
 * The flat, dotted facts rules test (docs/facts.md). Every fact is present on
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
import type { ErrorFact } from '../errors/kinds.js';
import type { RequestShape } from '../providers/capabilities.js';
import type { GenerationParams } from '../providers/spec.js';
import { KNOWN_FACTS } from '../policy/vocabulary.js';
import type { Facts } from './types.js';

export type StreamPhase = 'none' | 'before_first_chunk' | 'mid_stream';

/** Derived fact: the session's attempt budget (plan, route or policy). */
export const MAX_ATTEMPTS_FACT = 'session.max_attempts';

export interface RequestFactsInput {
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** Model or group the caller asked for, if any. */
  readonly model?: string | null;
  readonly estimatedInputTokens?: number | null;
  readonly stream?: boolean;
  /** What the request carries beyond text (tools, images, files, response format, reasoning). */
  readonly shape?: RequestShape;
  /** The caller's generation parameters (`request.params.*`). */
  readonly params?: GenerationParams | null;
}

export interface FailureFactsInput {
  readonly error: ErrorFact;
  readonly attempt: { readonly model: string; readonly provider: string | null; readonly number: number };
  readonly session: { readonly attempts: number; readonly elapsedMs: number; readonly tried: readonly string[]; readonly estimatedCost?: number | null };
  readonly streamPhase: StreamPhase;
  readonly request: RequestFactsInput;
}

/**
 * The facts every failure carries (besides `request.metadata.*`): the
 * policy vocabulary's {@link KNOWN_FACTS}, so a fact a policy may name is a
 * fact every failure has. `request.metadata` is the caller's metadata object
 * itself, and `attempt.model_attempts` is derived from `session.tried`.
 */
export const FAILURE_FACT_NAMES: readonly string[] = KNOWN_FACTS;

const MAX_METADATA_DEPTH = 8;

export function isPlainObject(value: unknown): value is Record<string, unknown> {
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
 * //   'request.estimated_input_tokens': null, 'request.stream': false, 'request.has_tools': false, …,
 * //   'request.params.max_tokens': null, … }
 */
export function buildRequestFacts(request: RequestFactsInput): Facts {
  return writeRequestFacts({}, request);
}

/** Write the `request.*` facts into `facts` (a failure's own object: no second object to copy from). */
function writeRequestFacts(facts: Record<string, unknown>, request: RequestFactsInput): Record<string, unknown> {
  facts['request.metadata'] = request.metadata ?? {};
  facts['request.model'] = request.model ?? null;
  facts['request.estimated_input_tokens'] = request.estimatedInputTokens ?? null;
  facts['request.stream'] = request.stream ?? false;
  facts['request.has_tools'] = request.shape?.hasTools ?? false;
  facts['request.has_images'] = request.shape?.hasImages ?? false;
  facts['request.has_files'] = request.shape?.hasFiles ?? false;
  facts['request.response_format'] = request.shape?.responseFormat ?? null;
  facts['request.reasoning'] = request.shape?.reasoning ?? null;
  facts['request.params.max_tokens'] = request.params?.maxTokens ?? null;
  facts['request.params.temperature'] = request.params?.temperature ?? null;
  facts['request.params.top_p'] = request.params?.topP ?? null;
  facts['request.params.stop'] = request.params?.stop === undefined ? null : [...request.params.stop];
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
 * Every documented fact (docs/facts.md) for one failure; absent values are null.
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
  return writeRequestFacts(failureOwnFacts(input), input.request);
}

/**
 * The facts of the failure alone: every fact but the request's (`request.*`),
 * plus the derived `session.max_attempts`. All a decision reads when none of
 * the rules that can match it looks further (`CompiledRules.needsAllFacts`):
 * the executor then builds no more than these.
 *
 * @example
 * buildFailureOwnFacts({ error, attempt, session, streamPhase: 'none' }, 3)['session.max_attempts']; // 3
 */
export function buildFailureOwnFacts(input: Omit<FailureFactsInput, 'request'>, maxAttempts: number): Facts {
  const facts = failureOwnFacts(input);
  facts[MAX_ATTEMPTS_FACT] = maxAttempts;
  return facts;
}

/** The names `buildFailureOwnFacts` fills. */
export const FAILURE_OWN_FACT_NAMES: ReadonlySet<string> = new Set([...FAILURE_FACT_NAMES.filter((name) => !name.startsWith('request.')), MAX_ATTEMPTS_FACT]);

function failureOwnFacts(input: Omit<FailureFactsInput, 'request'>): Record<string, unknown> {
  const { error, attempt, session } = input;
  return {
    'error.kind': error.kind,
    'error.type': error.type,
    'error.status': error.status ?? null,
    'error.code': error.code ?? null,
    'error.message': error.message ?? null,
    'error.retry_after_ms': error.retryAfterMs ?? null,
    'error.retryable': error.retryable,
    'error.provider': error.provider ?? null,
    'error.sdk_error': error.sdkError ?? null,
    'error.scope': error.scope ?? null,
    'attempt.model': attempt.model,
    'attempt.provider': attempt.provider ?? null,
    'attempt.number': attempt.number,
    'attempt.model_attempts': countModelAttempts(session.tried, attempt.model),
    'session.attempts': session.attempts,
    'session.elapsed_ms': session.elapsedMs,
    'session.tried': [...session.tried],
    'session.estimated_cost': session.estimatedCost ?? null,
    'stream.phase': input.streamPhase,
  };
}
