/**
 * The typed, immutable form of a policy file (docs/policies.md). YAML keys are
 * snake_case; here they are camelCase and every duration is in milliseconds.
 * Defaults are filled in by the loader, so every field is present.
 */
import type { ModelCapability } from '../providers/capabilities.js';
import type { ModelEndpoint, ProviderConfig } from '../providers/catalog.js';

export type { ProviderConfig } from '../providers/catalog.js';

/** A check a 200 answer must pass (policy `output_checks`). */
export type OutputCheck = 'empty' | 'json_schema' | 'tool_arguments' | 'refusal';

export const OUTPUT_CHECKS: readonly OutputCheck[] = ['empty', 'json_schema', 'tool_arguments', 'refusal'];

/** A cut-short answer a policy returns instead of failing over (policy `accept`). */
export type OutputAccept = 'content_filter' | 'length';

export type StrategyType = 'sequential' | 'priority' | 'random' | 'error_type' | 'parallel' | 'conditional';

export const STRATEGY_TYPES: readonly StrategyType[] = [
  'sequential',
  'priority',
  'random',
  'error_type',
  'parallel',
  'conditional',
];

/** json-rules-engine's condition JSON, with detour's extra operators. */
export interface FactCondition {
  readonly fact: string;
  readonly operator: string;
  readonly value: unknown;
  readonly path?: string;
}
export type Condition =
  | FactCondition
  | { readonly all: readonly Condition[] }
  | { readonly any: readonly Condition[] }
  | { readonly not: Condition };
export type TopLevelCondition =
  | { readonly all: readonly Condition[] }
  | { readonly any: readonly Condition[] }
  | { readonly not: Condition };

export interface ModelConfig extends ModelEndpoint {
  readonly contextWindow: number | null;
  /** Requests per minute it may receive, or null for no budget. */
  readonly rpm: number | null;
  /** Tokens per minute it may use, or null for no budget. */
  readonly tpm: number | null;
  /** US dollars per million tokens, or null when unknown. */
  readonly price: { readonly input: number; readonly output: number } | null;
  /** What the model serves beyond text; absent: its provider type's defaults. */
  readonly capabilities?: readonly ModelCapability[];
  /** This model's `cooldown_after`, replacing the policy's (absent: the policy's). */
  readonly cooldownAfter?: readonly CountCooldown[];
  /** This model's `timeout`, over the policy's (absent: the policy's). */
  readonly timeoutMs?: number;
  /** This model's `first_chunk_timeout`, over the policy's (absent: the policy's). */
  readonly firstChunkTimeoutMs?: number;
}

/**
 * How a group stands for its members: all in order, or one per session
 * (random, round robin, weighted round robin, or on live statistics).
 */
export type GroupStrategy =
  | 'random'
  | 'sequential'
  | 'round_robin'
  | 'weighted_round_robin'
  | 'least_latency'
  | 'least_busy'
  | 'usage_based'
  | 'lowest_cost';

export interface GroupConfig {
  readonly name: string;
  readonly members: readonly string[];
  readonly strategy: GroupStrategy;
  readonly weights: Readonly<Record<string, number>>;
  /** `hash`: a consistent hash of the key's value picks the member, nothing remembered. */
  readonly sticky: { readonly key: string; readonly ttlMs: number; readonly hash?: boolean } | null;
}

export interface RuleAction {
  readonly fallback: readonly string[] | null;
  /** `repick`: retry on another member of the group the failed model was picked from. */
  readonly retry: { readonly times: number; readonly delayMs: number | null; readonly repick?: boolean } | null;
  readonly fail: boolean;
  readonly delayMs: number | null;
  readonly cooldownMs: number | null;
  readonly strategy: StrategyType | null;
}

export interface Rule {
  readonly name: string;
  readonly priority: number;
  readonly when: TopLevelCondition;
  readonly then: RuleAction;
  /** 1-based line of the rule in its file, when loaded from a file. */
  readonly line: number | null;
}

export interface RoutePlan {
  readonly primaryModel: string | null;
  readonly fallbackModels: readonly string[] | null;
  readonly maxAttempts: number | null;
  readonly strategyType: StrategyType | null;
}

export interface Route {
  readonly name: string;
  readonly when: TopLevelCondition;
  readonly then: RoutePlan;
  readonly line: number | null;
}

export interface PolicyTestExpectation {
  readonly rule: string | null;
  readonly action: 'fallback' | 'retry' | 'fail' | null;
  readonly next: readonly string[] | null;
  readonly delayMs: { readonly min: number | null; readonly max: number | null } | null;
  /** The cooldown the decision puts on the failed model, in ms (0: none); absent: not checked. */
  readonly cooldownMs?: number | null;
  /** Route tests: the plan's route, primary and chain. */
  readonly route: string | null;
  readonly primary: string | null;
}

export interface PolicyTest {
  readonly name: string;
  readonly given: Readonly<Record<string, unknown>>;
  readonly expect: PolicyTestExpectation;
  readonly line: number | null;
}

export interface CircuitBreakerConfig {
  readonly failureRate: number;
  readonly minRequests: number;
  readonly windowMs: number;
  readonly openForMs: number;
  /** When the open time ends, let exactly this many attempts probe the model before others call it (0: every session may). */
  readonly halfOpenProbes: number;
  /** Error kinds that count as failures. */
  readonly on: readonly string[];
  /** HTTP statuses that count as failures too. */
  readonly onStatus?: readonly number[];
}

/** How delays are computed beyond the backoff window (see `src/rules/delay.ts`). */
export interface DelaySettings {
  /** `max`: the longer of backoff and Retry-After; `replace`: Retry-After replaces the backoff; `ignore`. */
  readonly retryAfter: 'max' | 'replace' | 'ignore';
  /** What n counts: the session's calls, or the failed model's. */
  readonly countPer: 'session' | 'model';
  /** `exponential`: base × exponential_base^(n−1); `envoy`: (2^n − 1) × base. */
  readonly window: 'exponential' | 'envoy';
  /** The most one session waits in all, or null. */
  readonly maxTotalMs: number | null;
}

/** `cooldown_after`: after `failures` failures within `withinMs`, skip the model for `forMs`. */
export interface CountCooldown {
  readonly failures: number;
  readonly withinMs: number;
  readonly forMs: number;
  /** Kinds that count; empty: every kind but `aborted`. */
  readonly kinds: readonly string[];
}

/**
 * `backoff`: `same_model` waits only before another call to the failed model
 * (or to its provider, when the failure was the whole account's);
 * `every_attempt` waits before every next attempt.
 */
export type BackoffMode = 'same_model' | 'every_attempt';

export interface Policy {
  /** Content hash of the source text (short hex). */
  readonly version: string;
  readonly name: string;
  readonly description: string | null;
  readonly enabled: boolean;
  /** Absolute path of the file it came from, or null. */
  readonly file: string | null;
  readonly providers: Readonly<Record<string, ProviderConfig>>;
  readonly models: Readonly<Record<string, ModelConfig>>;
  readonly groups: Readonly<Record<string, GroupConfig>>;
  readonly primaryModel: string;
  readonly fallbackModels: readonly string[];
  readonly strategyType: StrategyType;
  readonly maxAttempts: number;
  readonly timeoutMs: number;
  readonly firstChunkTimeoutMs: number | null;
  readonly deadlineMs: number | null;
  readonly baseDelayMs: number;
  readonly maxDelayMs: number;
  readonly exponentialBase: number;
  readonly jitter: boolean;
  /** Which attempts wait out the backoff: only calls back to the failed model (`same_model`), or every one. */
  readonly backoff: BackoffMode;
  /** `retry_after`, `backoff_count`, `backoff_window`, `max_total_delay` (absent: the defaults). */
  readonly delays?: DelaySettings;
  readonly fallbackOnStatusCodes: readonly number[];
  /** Error kinds or seed-style types (`timeout`, `RateLimitError`). */
  readonly fallbackOnErrors: readonly string[];
  /** Keys are error types or kinds; values are model/group names. */
  readonly errorMappings: Readonly<Record<string, readonly string[]>>;
  /** `conditional` strategy: kinds, or fact conditions. */
  readonly conditions: readonly (string | FactCondition)[];
  /** Optional strategy weights (random strategy), by model name. */
  readonly weights: Readonly<Record<string, number>>;
  readonly parallel: { readonly width: number; readonly timeoutMs: number | null };
  readonly hedge: { readonly afterMs: number; readonly maxExtra: number } | null;
  readonly midStream: 'fail' | 'restart';
  /** The live statistics' sliding window. */
  readonly statsWindowMs: number;
  /** Checks a 200 answer must pass, else it fails as `empty_response`, `invalid_output` or `refusal`. */
  readonly outputChecks: readonly OutputCheck[];
  /** Cut-short answers returned as answers: `length` (cut by max_tokens), `content_filter` (filtered, with what was produced). */
  readonly accept: readonly OutputAccept[];
  readonly circuitBreaker: CircuitBreakerConfig | null;
  /** `cooldown_after` entries (absent: none). A model's own replace them for it. */
  readonly cooldownAfter?: readonly CountCooldown[];
  readonly routes: readonly Route[];
  readonly rules: readonly Rule[];
  readonly tests: readonly PolicyTest[];
}

/** A set of policies keyed by name; its version changes when any policy does. */
export interface PolicySet {
  readonly version: string;
  readonly policies: ReadonlyMap<string, Policy>;
  get(name: string): Policy | undefined;
}

export type DiagnosticSeverity = 'error' | 'warning';

/** One problem in a policy file, pointing at the line. */
export interface Diagnostic {
  readonly severity: DiagnosticSeverity;
  readonly file: string;
  /** 1-based. */
  readonly line: number;
  /** 1-based. */
  readonly column: number;
  /** JSON pointer into the document, e.g. `/rules/0/when/all/1/operator`. */
  readonly pointer: string;
  /** `syntax`, `schema`, `reference`, `rule`, `size`, `duplicate`, … */
  readonly check: string;
  readonly message: string;
}

/**
 * Where an executor reads its policies. Each session pins `current()` when it
 * starts. A hot-reloading watcher implements this too.
 */
export interface PolicySource {
  current(): PolicySet;
  close?(): Promise<void> | void;
}
