/**
 * The shape of a policy document once it has passed the JSON Schema: YAML's
 * snake_case keys, durations not yet converted. Only the loader sees it.
 */

import type { GroupStrategy } from './types.js';

export type RawDuration = number | string;

export interface RawFactCondition {
  readonly fact?: string;
  readonly operator?: string;
  readonly value?: unknown;
  readonly path?: string;
}

export interface RawCondition extends RawFactCondition {
  readonly all?: readonly RawCondition[];
  readonly any?: readonly RawCondition[];
  readonly not?: RawCondition;
}

export interface RawProviderConfig {
  readonly type?: string;
  readonly api_key_env?: string;
  readonly base_url?: string;
  readonly timeout?: RawDuration;
  readonly max_connections?: number;
  readonly headers?: Readonly<Record<string, string>>;
  readonly region?: string;
  readonly profile?: string;
  readonly endpoint?: string;
  readonly resource?: string;
  readonly api_version?: string;
  readonly auth?: 'api_key' | 'entra_id';
  readonly project?: string;
  readonly location?: string;
}

export interface RawModel {
  readonly provider?: string;
  readonly model?: string;
  readonly context_window?: number;
  readonly rpm?: number;
  readonly tpm?: number;
  readonly price?: { readonly input: number; readonly output: number };
  readonly capabilities?: readonly string[];
  readonly params?: Readonly<Record<string, unknown>>;
  readonly timeout?: RawDuration;
  readonly first_chunk_timeout?: RawDuration;
  readonly cooldown_after?: RawCooldownAfter | readonly RawCooldownAfter[];
}

export interface RawCooldownAfter {
  readonly failures: number;
  readonly within?: RawDuration;
  readonly for: RawDuration;
  readonly kinds?: readonly string[];
}

export interface RawGroup {
  readonly members: readonly string[];
  readonly strategy?: GroupStrategy;
  readonly weights?: Readonly<Record<string, number>>;
  readonly sticky?: { readonly key: string; readonly ttl?: RawDuration; readonly hash?: boolean };
}

export interface RawRoute {
  readonly name: string;
  readonly description?: string;
  readonly when: RawCondition;
  readonly then: {
    readonly primary_model?: string;
    readonly fallback_models?: readonly string[];
    readonly max_attempts?: number;
    readonly strategy_type?: string;
  };
}

export interface RawRule {
  readonly name: string;
  readonly description?: string;
  readonly priority?: number;
  readonly when: RawCondition;
  readonly then: {
    readonly fallback?: readonly string[];
    readonly retry?: { readonly times?: number; readonly delay?: RawDuration; readonly repick?: boolean };
    readonly fail?: true;
    readonly delay?: RawDuration;
    readonly cooldown?: RawDuration;
    readonly strategy?: string;
  };
}

export interface RawTest {
  readonly name: string;
  readonly given: Readonly<Record<string, unknown>>;
  readonly expect: {
    readonly rule?: string;
    readonly action?: 'fallback' | 'retry' | 'fail';
    readonly next?: readonly string[];
    readonly delay_ms?: { readonly min?: number; readonly max?: number };
    readonly cooldown_ms?: number;
    readonly route?: string;
    readonly primary?: string;
  };
}

export interface RawPolicy {
  readonly version?: 1;
  readonly name: string;
  readonly description?: string;
  readonly enabled?: boolean;
  readonly provider_config?: Readonly<Record<string, RawProviderConfig>>;
  readonly models: Readonly<Record<string, RawModel>>;
  readonly groups?: Readonly<Record<string, RawGroup>>;
  readonly primary_model: string;
  readonly fallback_models?: readonly string[];
  readonly strategy_type?: string;
  readonly max_attempts?: number;
  readonly timeout?: RawDuration;
  readonly first_chunk_timeout?: RawDuration;
  readonly deadline?: RawDuration;
  readonly base_delay?: RawDuration;
  readonly max_delay?: RawDuration;
  readonly exponential_base?: number;
  readonly jitter?: boolean;
  readonly backoff?: 'same_model' | 'every_attempt';
  readonly retry_after?: 'max' | 'replace' | 'ignore';
  readonly backoff_count?: 'session' | 'model';
  readonly backoff_window?: 'exponential' | 'envoy';
  readonly max_total_delay?: RawDuration;
  readonly fallback_on_status_codes?: readonly number[];
  readonly fallback_on_errors?: readonly string[];
  readonly error_mappings?: Readonly<Record<string, readonly string[]>>;
  readonly conditions?: readonly (string | RawCondition)[];
  readonly weights?: Readonly<Record<string, number>>;
  readonly parallel?: { readonly width?: number; readonly timeout?: RawDuration };
  readonly hedge?: { readonly after: RawDuration; readonly max_extra?: number };
  readonly mid_stream?: 'fail' | 'restart';
  readonly stats_window?: RawDuration;
  readonly output_checks?: readonly string[];
  readonly accept?: readonly string[];
  readonly circuit_breaker?: {
    readonly failure_rate?: number;
    readonly min_requests?: number;
    readonly window?: RawDuration;
    readonly open_for?: RawDuration;
    readonly half_open_probes?: number;
    readonly on?: readonly string[];
    readonly on_status?: readonly number[];
  };
  readonly cooldown_after?: RawCooldownAfter | readonly RawCooldownAfter[];
  readonly routes?: readonly RawRoute[];
  readonly rules?: readonly RawRule[];
  readonly tests?: readonly RawTest[];
}
