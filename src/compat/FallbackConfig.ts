/**
 * The seed's `FallbackConfig`: camelCase fields mirroring the YAML (durations
 * in seconds, as the seed had them), turned into a Policy through the same
 * loader YAML files go through, so validation is shared. The delay keeps the
 * seed's meaning: the backoff comes before every next attempt, a fallback to
 * another provider included (`backoff: every_attempt`).
 */
import { POLICY_DEFAULTS } from '../policy/defaults.js';
import { yaml } from '../yaml.js';
import { parsePolicy } from '../policy/load.js';
import type { Policy, StrategyType } from '../policy/types.js';
import { PolicyLoadError } from '../executor/PolicyLoadError.js';

/** One catalog entry, camelCase. */
export interface CompatModelConfig {
  readonly provider: string;
  /** The provider's model id. @default the key */
  readonly model?: string;
  readonly contextWindow?: number;
  readonly params?: Readonly<Record<string, unknown>>;
}

/** `provider_config` entries, camelCase (`apiKeyEnv`, `baseUrl`, `timeout` in seconds). */
export interface CompatProviderConfig {
  readonly type?: string;
  readonly apiKeyEnv?: string;
  readonly baseUrl?: string;
  readonly timeout?: number;
  readonly maxConnections?: number;
  readonly headers?: Readonly<Record<string, string>>;
}

export interface FallbackConfigInit {
  /** Policy name. @default 'default' */
  readonly name?: string;
  /** @default true */
  readonly enabled?: boolean;
  /** @default 3 */
  readonly maxAttempts?: number;
  /** @default [] */
  readonly fallbackModels?: readonly string[];
  /** @default 'sequential' */
  readonly strategyType?: StrategyType;
  /** Error type or kind → models (priority and error_type strategies). @default {} */
  readonly errorMappings?: Readonly<Record<string, readonly string[]>>;
  /** Seconds. @default 1 */
  readonly baseDelay?: number;
  /** Seconds. @default 60 */
  readonly maxDelay?: number;
  /** @default 2 */
  readonly exponentialBase?: number;
  /** @default true */
  readonly jitter?: boolean;
  /** @default [429, 500, 502, 503, 504] */
  readonly fallbackOnStatusCodes?: readonly number[];
  /** Kinds, seed types or the seed's aliases (`overloaded_error`). @default ['timeout', 'rate_limit', 'service_unavailable', 'overloaded', 'connection', 'stream_interrupted'] */
  readonly fallbackOnErrors?: readonly string[];
  /** @default {} */
  readonly providerConfig?: Readonly<Record<string, CompatProviderConfig>>;
  /** detour additions. The first model; a call may name another. @default the first fallback model */
  readonly primaryModel?: string;
  /** Catalog entries; a model not listed gets its provider from its name (gpt-/o1-/o3- → openai, claude- → anthropic, gemini- → google). */
  readonly models?: Readonly<Record<string, CompatModelConfig>>;
  /** Per attempt, seconds. @default 30 */
  readonly timeout?: number;
  /** Whole session, seconds. */
  readonly deadline?: number;
  /** Streams, seconds. */
  readonly firstChunkTimeout?: number;
  /** Kinds or types for the conditional strategy. */
  readonly conditions?: readonly string[];
  /** Seconds for `timeout`. */
  readonly parallel?: { readonly width?: number; readonly timeout?: number };
  /** Seconds for `after`. */
  readonly hedge?: { readonly after: number; readonly maxExtra?: number };
  readonly midStream?: 'fail' | 'restart';
  readonly weights?: Readonly<Record<string, number>>;
}

/** The policy defaults (POLICY_DEFAULTS, arrays copied so a config never shares them), durations in seconds as the seed had them. */
const DEFAULTS = {
  name: 'default',
  enabled: POLICY_DEFAULTS.enabled,
  maxAttempts: POLICY_DEFAULTS.maxAttempts,
  fallbackModels: [...POLICY_DEFAULTS.fallbackModels] as readonly string[],
  strategyType: POLICY_DEFAULTS.strategyType,
  errorMappings: {} as Readonly<Record<string, readonly string[]>>,
  baseDelay: POLICY_DEFAULTS.baseDelayMs / 1000,
  maxDelay: POLICY_DEFAULTS.maxDelayMs / 1000,
  exponentialBase: POLICY_DEFAULTS.exponentialBase,
  jitter: POLICY_DEFAULTS.jitter,
  fallbackOnStatusCodes: [...POLICY_DEFAULTS.fallbackOnStatusCodes] as readonly number[],
  fallbackOnErrors: [...POLICY_DEFAULTS.fallbackOnErrors] as readonly string[],
  providerConfig: {} as Readonly<Record<string, CompatProviderConfig>>,
};

/** The provider a bare model name implies. */
export function providerOfModelName(model: string): string {
  const name = model.toLowerCase();
  if (name.startsWith('claude')) return 'anthropic';
  if (name.startsWith('gemini') || name.startsWith('models/gemini')) return 'google';
  return 'openai';
}

/**
 * The seed's configuration object. Immutable: `with(changes)` returns a new one.
 *
 * @example
 * const config = new FallbackConfig({
 *   enabled: true,
 *   fallbackModels: ['gpt-3.5-turbo', 'claude-instant'],
 *   strategyType: 'sequential',
 *   maxAttempts: 3,
 * })
 * config.toPolicy('gpt-4') // a validated Policy with gpt-4 first
 */
export class FallbackConfig {
  readonly name: string;
  readonly enabled: boolean;
  readonly maxAttempts: number;
  readonly fallbackModels: readonly string[];
  readonly strategyType: StrategyType;
  readonly errorMappings: Readonly<Record<string, readonly string[]>>;
  readonly baseDelay: number;
  readonly maxDelay: number;
  readonly exponentialBase: number;
  readonly jitter: boolean;
  readonly fallbackOnStatusCodes: readonly number[];
  readonly fallbackOnErrors: readonly string[];
  readonly providerConfig: Readonly<Record<string, CompatProviderConfig>>;
  readonly init: FallbackConfigInit;

  constructor(init: FallbackConfigInit = {}) {
    this.init = init;
    this.name = init.name ?? DEFAULTS.name;
    this.enabled = init.enabled ?? DEFAULTS.enabled;
    this.maxAttempts = init.maxAttempts ?? DEFAULTS.maxAttempts;
    this.fallbackModels = init.fallbackModels ?? DEFAULTS.fallbackModels;
    this.strategyType = init.strategyType ?? DEFAULTS.strategyType;
    this.errorMappings = init.errorMappings ?? DEFAULTS.errorMappings;
    this.baseDelay = init.baseDelay ?? DEFAULTS.baseDelay;
    this.maxDelay = init.maxDelay ?? DEFAULTS.maxDelay;
    this.exponentialBase = init.exponentialBase ?? DEFAULTS.exponentialBase;
    this.jitter = init.jitter ?? DEFAULTS.jitter;
    this.fallbackOnStatusCodes = init.fallbackOnStatusCodes ?? DEFAULTS.fallbackOnStatusCodes;
    this.fallbackOnErrors = init.fallbackOnErrors ?? DEFAULTS.fallbackOnErrors;
    this.providerConfig = init.providerConfig ?? DEFAULTS.providerConfig;
  }

  /** A copy with some fields changed. */
  with(changes: FallbackConfigInit): FallbackConfig {
    return new FallbackConfig({ ...this.init, ...changes });
  }

  /** The policy document (YAML's snake_case shape) with `primary` first; `extraModels` are added to the catalog. */
  toPolicyDocument(primary?: string, extraModels: readonly string[] = []): Record<string, unknown> {
    const init = this.init;
    const first = primary ?? init.primaryModel ?? this.fallbackModels[0] ?? extraModels[0];
    if (first === undefined) throw new TypeError('FallbackConfig: no primary model (give primaryModel, or at least one fallback model)');
    const names = new Set<string>([first, ...this.fallbackModels, ...extraModels, ...Object.values(this.errorMappings).flat(), ...Object.keys(init.models ?? {})]);
    const models: Record<string, unknown> = {};
    const providers = new Set<string>();
    for (const name of names) {
      const entry = init.models?.[name];
      const provider = entry?.provider ?? providerOfModelName(name);
      providers.add(provider);
      models[name] = {
        provider,
        ...(entry?.model === undefined ? {} : { model: entry.model }),
        ...(entry?.contextWindow === undefined ? {} : { context_window: entry.contextWindow }),
        ...(entry?.params === undefined ? {} : { params: entry.params }),
      };
    }
    const providerConfig: Record<string, unknown> = {};
    for (const [name, provider] of Object.entries(this.providerConfig)) {
      providerConfig[name] = {
        ...(provider.type === undefined ? {} : { type: provider.type }),
        ...(provider.apiKeyEnv === undefined ? {} : { api_key_env: provider.apiKeyEnv }),
        ...(provider.baseUrl === undefined ? {} : { base_url: provider.baseUrl }),
        ...(provider.timeout === undefined ? {} : { timeout: provider.timeout }),
        ...(provider.maxConnections === undefined ? {} : { max_connections: provider.maxConnections }),
        ...(provider.headers === undefined ? {} : { headers: provider.headers }),
      };
    }
    return {
      version: 1,
      name: this.name,
      enabled: this.enabled,
      ...(Object.keys(providerConfig).length === 0 ? {} : { provider_config: providerConfig }),
      models,
      primary_model: first,
      fallback_models: this.fallbackModels.filter((model) => model !== first),
      strategy_type: this.strategyType,
      max_attempts: this.maxAttempts,
      ...(init.timeout === undefined ? {} : { timeout: init.timeout }),
      ...(init.deadline === undefined ? {} : { deadline: init.deadline }),
      ...(init.firstChunkTimeout === undefined ? {} : { first_chunk_timeout: init.firstChunkTimeout }),
      base_delay: this.baseDelay,
      max_delay: this.maxDelay,
      exponential_base: this.exponentialBase,
      jitter: this.jitter,
      // The seed waited before every next attempt, whichever model it went to.
      backoff: 'every_attempt',
      fallback_on_status_codes: this.fallbackOnStatusCodes,
      fallback_on_errors: this.fallbackOnErrors,
      ...(Object.keys(this.errorMappings).length === 0 ? {} : { error_mappings: this.errorMappings }),
      ...(init.conditions === undefined || init.conditions.length === 0 ? {} : { conditions: init.conditions }),
      ...(init.parallel === undefined ? {} : { parallel: { ...(init.parallel.width === undefined ? {} : { width: init.parallel.width }), ...(init.parallel.timeout === undefined ? {} : { timeout: init.parallel.timeout }) } }),
      ...(init.hedge === undefined ? {} : { hedge: { after: init.hedge.after, max_extra: init.hedge.maxExtra ?? POLICY_DEFAULTS.hedgeMaxExtra } }),
      ...(init.midStream === undefined ? {} : { mid_stream: init.midStream }),
      ...(init.weights === undefined ? {} : { weights: init.weights }),
    };
  }

  /** The policy as YAML text (what a policy file for this config would hold). */
  toYAML(primary?: string, extraModels: readonly string[] = []): string {
    return yaml().stringify(this.toPolicyDocument(primary, extraModels));
  }

  /**
   * A validated Policy, through the YAML loader.
   * @throws PolicyLoadError listing every problem.
   */
  toPolicy(primary?: string, extraModels: readonly string[] = []): Policy {
    const result = parsePolicy(this.toYAML(primary, extraModels), `<FallbackConfig ${this.name}>`);
    if (result.policy === null) throw new PolicyLoadError(`FallbackConfig "${this.name}"`, result.diagnostics);
    return result.policy;
  }

  /** camelCase plain data (the seed's `to_dict`). */
  toJSON(): Record<string, unknown> {
    return {
      ...this.init,
      name: this.name,
      enabled: this.enabled,
      maxAttempts: this.maxAttempts,
      fallbackModels: this.fallbackModels,
      strategyType: this.strategyType,
      errorMappings: this.errorMappings,
      baseDelay: this.baseDelay,
      maxDelay: this.maxDelay,
      exponentialBase: this.exponentialBase,
      jitter: this.jitter,
      fallbackOnStatusCodes: this.fallbackOnStatusCodes,
      fallbackOnErrors: this.fallbackOnErrors,
      providerConfig: this.providerConfig,
    };
  }

  /** The seed's name for `toJSON`. */
  toDict(): Record<string, unknown> {
    return this.toJSON();
  }
}
