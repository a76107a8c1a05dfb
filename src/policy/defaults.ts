/**
 * Every default a policy gets, in one place. The loader fills these in, so
 * a compiled `Policy` has every field; the JSON Schema's `default`s say the
 * same (a test keeps the two in step). Durations here are milliseconds.
 */
import type { ErrorKind } from '../errors/kinds.js';
import type { ProviderType } from '../providers/spec.js';
import type { BackoffMode, GroupStrategy, OutputAccept, OutputCheck, StrategyType } from './types.js';

export const POLICY_DEFAULTS = {
  /** `enabled`: fall back at all. @default true */
  enabled: true,
  /** `fallback_models`. @default [] */
  fallbackModels: [] as readonly string[],
  /** `strategy_type`. @default 'sequential' */
  strategyType: 'sequential' as StrategyType,
  /** `max_attempts`, the first call included. @default 3 */
  maxAttempts: 3,
  /** `timeout` per attempt. @default 30 s */
  timeoutMs: 30_000,
  /** `first_chunk_timeout`: none, only `timeout` applies. @default null */
  firstChunkTimeoutMs: null,
  /** `deadline` of the session: none. @default null */
  deadlineMs: null,
  /** `base_delay`. @default 1 s */
  baseDelayMs: 1_000,
  /** `max_delay`. @default 60 s */
  maxDelayMs: 60_000,
  /** `exponential_base`. @default 2 */
  exponentialBase: 2,
  /** `jitter` (full jitter). @default true */
  jitter: true,
  /** `backoff`: which attempts wait. @default 'same_model' */
  backoff: 'same_model' as BackoffMode,
  /** `fallback_on_status_codes` (the seed's). @default [429, 500, 502, 503, 504] */
  fallbackOnStatusCodes: [429, 500, 502, 503, 504] as readonly number[],
  /**
   * `fallback_on_errors`: every retryable kind. The seed listed timeout, rate_limit,
   * service_unavailable and overloaded_error; detour splits `connection` (refused, reset)
   * and `stream_interrupted` out of what the seed called unavailable, so they are listed
   * too — a dropped connection is the most transient failure there is.
   * @default ['timeout', 'rate_limit', 'service_unavailable', 'overloaded', 'connection', 'stream_interrupted']
   */
  fallbackOnErrors: ['timeout', 'rate_limit', 'service_unavailable', 'overloaded', 'connection', 'stream_interrupted'] as readonly ErrorKind[],
  /** `parallel.width`. @default 2 */
  parallelWidth: 2,
  /** `hedge.max_extra`. @default 1 */
  hedgeMaxExtra: 1,
  /** `mid_stream`. @default 'fail' */
  midStream: 'fail' as 'fail' | 'restart',
  /** `output_checks`: an answer with no text and no tool calls falls back as `empty_response`. @default ['empty'] */
  outputChecks: ['empty'] as readonly OutputCheck[],
  /** `accept`: a length-cut answer is returned (with finish reason `length`); a filtered one fails as `content_filter`. @default ['length'] */
  accept: ['length'] as readonly OutputAccept[],
  /** `circuit_breaker.failure_rate`. @default 0.5 */
  circuitFailureRate: 0.5,
  /** `circuit_breaker.min_requests`. @default 10 */
  circuitMinRequests: 10,
  /** `circuit_breaker.window`. @default 60 s */
  circuitWindowMs: 60_000,
  /** `circuit_breaker.open_for`. @default 30 s */
  circuitOpenForMs: 30_000,
  /** `stats_window`. @default 1 min */
  statsWindowMs: 60_000,
  /** `circuit_breaker.half_open_probes`: 0 lets every session through once `open_for` ends. @default 0 */
  circuitHalfOpenProbes: 0,
  /** `circuit_breaker.on`. @default ['timeout', 'rate_limit', 'service_unavailable', 'overloaded', 'connection'] */
  circuitOn: ['timeout', 'rate_limit', 'service_unavailable', 'overloaded', 'connection'] as readonly ErrorKind[],
  /** A rule's `priority`. @default 1 */
  rulePriority: 1,
  /** `retry.times`. @default 1 */
  retryTimes: 1,
  /** A group's `strategy`. @default 'random' */
  groupStrategy: 'random' as GroupStrategy,
  /** A group's `sticky.ttl`. @default 1 h */
  stickyTtlMs: 3_600_000,
} as const;

/** The environment variable each provider type reads its key from, unless `api_key_env` says otherwise. */
export const DEFAULT_API_KEY_ENV: Readonly<Record<ProviderType, string | null>> = {
  openai: 'OPENAI_API_KEY',
  anthropic: 'ANTHROPIC_API_KEY',
  google: 'GEMINI_API_KEY',
  openai_compatible: null,
  bedrock: null,
  ai_sdk: null,
  azure_openai: 'AZURE_OPENAI_API_KEY',
  vertex: null,
};

const providerByPrefix: readonly (readonly [RegExp, ProviderType])[] = [
  [/^(gpt-|o1|o3|o4|chatgpt-|text-embedding-)/, 'openai'],
  [/^claude-/, 'anthropic'],
  [/^gemini-/, 'google'],
];

/**
 * The provider a model name implies when a catalog entry has no `provider`
 * (the seed's factory picks the SDK by name the same way).
 *
 * @example
 * inferProviderType('claude-3-5-haiku-latest') // 'anthropic'
 */
export function inferProviderType(modelName: string): ProviderType | undefined {
  for (const [pattern, provider] of providerByPrefix) if (pattern.test(modelName)) return provider;
  return undefined;
}
