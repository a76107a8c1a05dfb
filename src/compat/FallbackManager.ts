/**
 * The seed's `FallbackManager`: a FallbackConfig, a client factory and a
 * strategy, run by detour's executor.
 */
import { splitFeatures } from './requestFeatures.js';
import { Executor } from '../executor/Executor.js';
import type { ExecutorResult, FallbackLogger } from '../executor/types.js';
import type { StateStore } from '../executor/StateStore.js';
import { ProviderCallError } from '../errors/ProviderCallError.js';
import { adapterForClient, SelfManagingFallbackFactory } from '../providers/factory.js';
import type { AdapterSource, ClientFactory, SelfManagingFallbackFactoryOptions, SupportedClient } from '../providers/factory.js';
import { LazyAdapter } from '../providers/lazy-adapter.js';
import { catalogParams } from '../providers/params.js';
import type { Policy } from '../policy/types.js';
import type { Message, ProviderAdapter } from '../providers/spec.js';
import type { FallbackStatsSnapshot } from '../stats/FallbackStats.js';
import type { FallbackSession } from '../stats/FallbackSession.js';
import type { TelemetryHooks } from '../telemetry/hooks.js';
import { CompatPolicySource } from './CompatPolicySource.js';
import { FallbackConfig } from './FallbackConfig.js';
import type { FallbackConfigInit } from './FallbackConfig.js';
import type { FallbackStrategy } from './strategies.js';

/** Executor options the seed's classes pass through. */
export interface CompatOptions {
  readonly logger?: FallbackLogger;
  readonly telemetry?: TelemetryHooks;
  readonly historySize?: number;
  readonly stateStore?: StateStore;
  readonly random?: () => number;
  readonly clock?: { now(): number };
  readonly captureContent?: boolean;
  readonly strategy?: FallbackStrategy;
}

/** Per-call extras beyond the seed's signature. */
export interface CompatCallOptions {
  readonly signal?: AbortSignal;
  readonly metadata?: Readonly<Record<string, unknown>>;
}

/**
 * Generation parameters in either spelling: `{ maxTokens }` or the seed's `{ max_tokens }`.
 * Tools and response formats ride along (`tools`, `tool_choice`, `response_format`,
 * `reasoning_effort`, `parallel_tool_calls`, or detour's camelCase names) and reach
 * every provider translated.
 */
export type CompatParameters = Readonly<Record<string, unknown>>;

function isAdapterSource(factory: unknown): factory is AdapterSource {
  return typeof (factory as AdapterSource).getAdapter === 'function';
}

function isPromiseLike(value: unknown): value is PromiseLike<unknown> {
  return typeof value === 'object' && value !== null && typeof (value as { then?: unknown }).then === 'function';
}

/** A seed-style ClientFactory (`createClient(providerConfig)`) as an AdapterSource. */
class ClientFactorySource implements AdapterSource {
  private readonly cache = new WeakMap<Policy, Map<string, ProviderAdapter>>();
  constructor(private readonly factory: ClientFactory) {}
  getAdapter(policy: Policy, modelName: string): ProviderAdapter {
    let perPolicy = this.cache.get(policy);
    const cached = perPolicy?.get(modelName);
    if (cached !== undefined) return cached;
    const model = policy.models[modelName];
    const provider = model === undefined ? undefined : policy.providers[model.provider];
    if (model === undefined || provider === undefined) {
      throw new ProviderCallError({ kind: 'model_not_found', type: 'ModelNotFoundError', status: null, code: null, message: `no catalog entry for "${modelName}"`, retryAfterMs: null, retryable: false, provider: null, sdkError: null });
    }
    const client = this.factory.createClient(provider);
    const options = { provider: provider.name, providerType: provider.type, params: model.params };
    // A client promise that fails before the first call fails that call, never the process.
    if (isPromiseLike(client)) Promise.resolve(client).catch(() => undefined);
    const adapter = isPromiseLike(client)
      ? new LazyAdapter({
          provider: provider.name,
          providerType: provider.type,
          modelId: model.model,
          baseUrl: provider.baseUrl,
          build: async () => adapterForClient((await client) as SupportedClient, model.model, options),
        })
      : adapterForClient(client as SupportedClient, model.model, options);
    if (perPolicy === undefined) {
      perPolicy = new Map();
      this.cache.set(policy, perPolicy);
    }
    perPolicy.set(modelName, adapter);
    return adapter;
  }
}

/** The camelCase GenerationParams from the seed's `parameters` dict. */
export function toGenerationParams(parameters: CompatParameters | undefined) {
  return catalogParams(parameters) ?? undefined;
}

/**
 * Runs a FallbackConfig through detour's executor.
 *
 * @example
 * const manager = createFallbackManager(new FallbackConfig({ fallbackModels: ['gpt-3.5-turbo', 'claude-instant'], strategyType: 'priority', maxAttempts: 4 }))
 * manager.setStrategy(new PriorityFallbackStrategy(manager.config, { RateLimitError: ['claude-instant'] }))
 * const response = await manager.generateWithFallback(messages, {}, 'gpt-4')
 */
export class FallbackManager {
  readonly executor: Executor;
  private readonly source: CompatPolicySource;
  private currentStrategy: FallbackStrategy | null;

  constructor(config: FallbackConfig | FallbackConfigInit, factory: ClientFactory | AdapterSource, options: CompatOptions = {}) {
    const fallbackConfig = config instanceof FallbackConfig ? config : new FallbackConfig(config);
    this.currentStrategy = options.strategy ?? null;
    this.source = new CompatPolicySource(fallbackConfig, this.currentStrategy);
    this.executor = new Executor({
      policies: this.source,
      factory: isAdapterSource(factory) ? factory : new ClientFactorySource(factory),
      ...(options.logger === undefined ? {} : { logger: options.logger }),
      ...(options.telemetry === undefined ? {} : { telemetry: options.telemetry }),
      ...(options.historySize === undefined ? {} : { historySize: options.historySize }),
      ...(options.stateStore === undefined ? {} : { stateStore: options.stateStore }),
      ...(options.random === undefined ? {} : { random: options.random }),
      ...(options.clock === undefined ? {} : { clock: options.clock }),
      ...(options.captureContent === undefined ? {} : { captureContent: options.captureContent }),
    });
  }

  /** The config as given (without the strategy's changes). */
  get config(): FallbackConfig {
    return this.source.effectiveConfig;
  }

  get strategy(): FallbackStrategy | null {
    return this.currentStrategy;
  }

  /** The seed's `manager._strategy = …`. */
  set strategy(strategy: FallbackStrategy | null) {
    this.setStrategy(strategy);
  }

  /** Swap the strategy; sessions in flight keep the policy they started with. @throws PolicyLoadError when the result is invalid. */
  setStrategy(strategy: FallbackStrategy | null): void {
    this.source.setStrategy(strategy);
    this.currentStrategy = strategy;
  }

  /**
   * One request with fallback. `primaryModel` goes first (default: the
   * config's `primaryModel`, else its first fallback model).
   * @throws LLMFallbackError when no model answered.
   */
  async generateWithFallback(messages: readonly Message[], parameters: CompatParameters = {}, primaryModel?: string, options: CompatCallOptions = {}): Promise<ExecutorResult> {
    if (primaryModel !== undefined) this.source.ensureModel(primaryModel);
    const { parameters: rest, features } = splitFeatures(parameters);
    const params = toGenerationParams(rest);
    const predicate = this.currentStrategy?.predicate();
    return this.executor.generate({
      policy: this.source.name,
      messages,
      ...features,
      ...(params === undefined ? {} : { params }),
      ...(primaryModel === undefined ? {} : { model: primaryModel }),
      ...(options.signal === undefined ? {} : { signal: options.signal }),
      ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
      ...(predicate === undefined ? {} : { fallbackWhen: predicate }),
    });
  }

  /** The seed's async spelling; same as `generateWithFallback`. */
  generateWithFallbackAsync(messages: readonly Message[], parameters: CompatParameters = {}, primaryModel?: string, options: CompatCallOptions = {}): Promise<ExecutorResult> {
    return this.generateWithFallback(messages, parameters, primaryModel, options);
  }

  getFallbackStats(): FallbackStatsSnapshot {
    return this.executor.stats();
  }

  /** Same as `getFallbackStats`, so a FallbackMonitor can watch a manager. */
  stats(): FallbackStatsSnapshot {
    return this.executor.stats();
  }

  getFallbackSessions(limit?: number): FallbackSession[] {
    return this.executor.history(limit);
  }

  resetFallbackStats(): void {
    this.executor.resetStats();
  }

  close(): Promise<void> {
    return this.executor.close();
  }
}

/**
 * A FallbackManager with detour's own client factory (keys from the
 * environment, one cached client per provider).
 *
 * @example
 * const manager = createFallbackManager(config)
 * await manager.generateWithFallback([{ role: 'user', content: 'Hi' }], {}, 'gpt-4')
 */
export function createFallbackManager(config: FallbackConfig | FallbackConfigInit, options: CompatOptions & { readonly factoryOptions?: SelfManagingFallbackFactoryOptions } = {}): FallbackManager {
  return new FallbackManager(config, new SelfManagingFallbackFactory(options.factoryOptions), options);
}
