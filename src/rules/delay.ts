/**
 * The wait before the next attempt. The backoff window is
 * `min(max_delay, base_delay · exponential_base^(n-1))` with n the failed
 * attempts so far (`session.attempts`), full jitter (uniform in [0, that])
 * when `jitter`; a longer Retry-After (`error.retry_after_ms`) wins, capped by
 * `max_delay`; a rule's `delay` overrides everything.
 *
 * Backoff spares a server that is struggling or a limit that is spent, so
 * under the default `backoff: same_model` it applies only where that server
 * or limit is called again:
 * - another call to the model (or deployment) that failed waits;
 * - another model of the same provider waits only when the failure was the
 *   whole account's (`error.scope: provider` — a spent quota, an
 *   organisation-wide limit), and otherwise starts at once;
 * - another provider starts at once.
 * `backoff: every_attempt` (the original FallbackConfig's behaviour) waits
 * before every next attempt. Retry-After is the provider asking this client
 * to wait before calling *it* again: it never delays a move to another provider.
 *
 * Options (`DelaySettings`): `retry_after: max` (the longer of the two wins,
 * the default) | `replace` (Retry-After replaces the backoff) | `ignore`;
 * `backoff_count: model` counts n as the calls to the failed model, so a
 * retry of model B does not inherit A's exponent; `backoff_window: envoy`
 * grows the window as `(2^n − 1) × base_delay`; `max_total_delay` caps what
 * one session waits in all.
 */
import type { BackoffMode, DelaySettings, ModelConfig, Policy } from '../policy/types.js';

/** Where the next attempt goes, seen from the one that failed. */
export type NextTarget = 'same_model' | 'same_provider' | 'other_provider';

export interface DelayInput {
  readonly policy: Pick<Policy, 'baseDelayMs' | 'maxDelayMs' | 'exponentialBase' | 'jitter'> & { readonly backoff?: BackoffMode; readonly delays?: DelaySettings };
  /** Calls to the failed model so far (`attempt.model_attempts`), for `backoff_count: model`. */
  readonly modelAttempts?: number | undefined;
  /** What the session has waited so far, for `max_total_delay`. @default 0 */
  readonly waitedMs?: number;
  /** Failed attempts so far (`session.attempts`), at least 1. */
  readonly failedAttempts: number;
  /** `error.retry_after_ms`. */
  readonly retryAfterMs: number | null;
  /** A rule's `delay` (or `retry.delay`): overrides the rest. */
  readonly overrideMs: number | null;
  /** Override the policy's `jitter` for `delayMs` (explain reports the top of the window); the range stays the policy's. */
  readonly jitter?: boolean | undefined;
  readonly random: () => number;
  /** Where the next attempt goes. @default 'same_model' */
  readonly target?: NextTarget;
  /** The failure was the whole account's (`error.scope` is `provider`). @default false */
  readonly providerWide?: boolean;
}

/** The delay, and the range it was drawn from (for policy tests' bounds). */
export interface DelayResult {
  readonly delayMs: number;
  readonly minMs: number;
  readonly maxMs: number;
  /** `immediate`: the next attempt goes where the failure does not reach, so it starts at once; `max-total-delay`: cut to what the session may still wait. */
  readonly reason: 'rule' | 'retry-after' | 'backoff' | 'immediate' | 'max-total-delay';
}

const IMMEDIATE: DelayResult = { delayMs: 0, minMs: 0, maxMs: 0, reason: 'immediate' };

/**
 * Compute the delay before the next attempt.
 *
 * @example
 * computeDelay({ policy: { baseDelayMs: 1000, maxDelayMs: 60000, exponentialBase: 2, jitter: false },
 *   failedAttempts: 3, retryAfterMs: null, overrideMs: null, random: Math.random }).delayMs; // 4000
 * computeDelay({ policy: { baseDelayMs: 1000, maxDelayMs: 60000, exponentialBase: 2, jitter: false },
 *   failedAttempts: 1, retryAfterMs: 5000, overrideMs: null, random: Math.random, target: 'other_provider' }).delayMs; // 0
 */
export function computeDelay(input: DelayInput): DelayResult {
  const result = uncappedDelay(input);
  const maxTotalMs = input.policy.delays?.maxTotalMs ?? null;
  if (maxTotalMs === null) return result;
  const left = Math.max(0, maxTotalMs - (input.waitedMs ?? 0));
  if (result.delayMs <= left && result.maxMs <= left) return result;
  return { delayMs: Math.min(result.delayMs, left), minMs: Math.min(result.minMs, left), maxMs: Math.min(result.maxMs, left), reason: result.delayMs > left ? 'max-total-delay' : result.reason };
}

function uncappedDelay(input: DelayInput): DelayResult {
  if (input.overrideMs !== null) return { delayMs: input.overrideMs, minMs: input.overrideMs, maxMs: input.overrideMs, reason: 'rule' };
  const target = input.target ?? 'same_model';
  const waits = input.policy.backoff === 'every_attempt' || target === 'same_model' || (target === 'same_provider' && input.providerWide === true);
  if (!waits) return IMMEDIATE;
  const { baseDelayMs, maxDelayMs, exponentialBase } = input.policy;
  const settings = input.policy.delays;
  const count = settings?.countPer === 'model' && input.modelAttempts !== undefined ? input.modelAttempts : input.failedAttempts;
  const n = Math.max(1, Math.floor(count));
  // Envoy: a window of (2^n − 1) × base; otherwise base × exponential_base^(n−1).
  const grown = settings?.window === 'envoy' ? (2 ** n - 1) * baseDelayMs : baseDelayMs * exponentialBase ** (n - 1);
  const window = Math.max(0, Math.min(maxDelayMs, grown));
  const jitter = input.jitter ?? input.policy.jitter;
  let delayMs = jitter ? Math.floor(input.random() * window) : window;
  // The range is the policy's (what a real session may wait), whatever `jitter` overrides here.
  let minMs = input.policy.jitter ? 0 : window;
  let maxMs = window;
  let reason: DelayResult['reason'] = 'backoff';
  const retryAfterMode = settings?.retryAfter ?? 'max';
  if (target !== 'other_provider' && retryAfterMode !== 'ignore' && input.retryAfterMs !== null && input.retryAfterMs > 0) {
    const retryAfter = Math.min(maxDelayMs, input.retryAfterMs);
    if (retryAfterMode === 'replace') return { delayMs: retryAfter, minMs: retryAfter, maxMs: retryAfter, reason: 'retry-after' };
    if (retryAfter > delayMs) {
      delayMs = retryAfter;
      reason = 'retry-after';
    }
    minMs = Math.max(minMs, retryAfter);
    maxMs = Math.max(maxMs, retryAfter);
  }
  return { delayMs, minMs, maxMs, reason };
}

/**
 * Where `next` is, seen from `failed` (catalog keys): the same model — the same
 * key, or another key for the same provider entry and model id (one deployment) —
 * the same provider, or another one. `failedProvider` (the attempt's provider
 * key or type) stands in when `failed` is not in the catalog; a `next` outside
 * it counts as the same provider, the cautious guess.
 *
 * @example
 * nextTarget(policy, 'gpt-4o', 'gpt-4o', 'openai') // 'same_model'
 * nextTarget(policy, 'gpt-4o', 'claude-haiku', 'openai') // 'other_provider'
 */
export function nextTarget(policy: Pick<Policy, 'models' | 'providers'>, failed: unknown, next: string, failedProvider: unknown): NextTarget {
  if (next === failed) return 'same_model';
  const nextConfig: ModelConfig | undefined = policy.models[next];
  if (nextConfig === undefined) return 'same_provider';
  const failedConfig = typeof failed === 'string' ? policy.models[failed] : undefined;
  if (failedConfig !== undefined) {
    if (failedConfig.provider === nextConfig.provider) return failedConfig.model === nextConfig.model ? 'same_model' : 'same_provider';
    return 'other_provider';
  }
  if (typeof failedProvider !== 'string') return 'same_provider';
  const names = new Set<string | undefined>([nextConfig.provider, policy.providers[nextConfig.provider]?.type]);
  return names.has(failedProvider) ? 'same_provider' : 'other_provider';
}
