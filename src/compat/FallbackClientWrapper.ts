/**
 * The seed's `FallbackClientWrapper`: wrap the client you already have (a raw
 * `OpenAI`, `Anthropic`, `GoogleGenAI` or `BedrockRuntimeClient`) and give it fallback models.
 */
import { adapterForClient, detectClientType, SelfManagingFallbackFactory } from '../providers/factory.js';
import type { AdapterSource, SupportedClient } from '../providers/factory.js';
import type { Policy } from '../policy/types.js';
import type { Message, ProviderAdapter } from '../providers/spec.js';
import type { ExecutorResult } from '../executor/types.js';
import type { FallbackStatsSnapshot } from '../stats/FallbackStats.js';
import type { FallbackSession } from '../stats/FallbackSession.js';
import { FallbackConfig } from './FallbackConfig.js';
import type { FallbackConfigInit } from './FallbackConfig.js';
import { FallbackManager } from './FallbackManager.js';
import type { CompatCallOptions, CompatOptions, CompatParameters } from './FallbackManager.js';

/** The model a wrapper starts with when none is given, per SDK. */
export const DEFAULT_PRIMARY_MODELS = {
  openai: 'gpt-4o-mini',
  anthropic: 'claude-3-5-haiku-latest',
  google: 'gemini-2.0-flash',
  bedrock: 'us.anthropic.claude-3-5-haiku-20241022-v1:0',
} as const;

export interface FallbackClientWrapperOptions extends FallbackConfigInit, CompatOptions {
  /** Your client: a raw `OpenAI`, `Anthropic`, `GoogleGenAI` or `BedrockRuntimeClient`. detour calls it with retries off. */
  readonly primaryClient: SupportedClient;
  /** The model the primary client is called with. @default DEFAULT_PRIMARY_MODELS for the client's SDK */
  readonly primaryModel?: string;
  /** Builds clients for fallback models of other providers. @default new SelfManagingFallbackFactory() (keys from the environment) */
  readonly factory?: AdapterSource;
  /** A whole config instead of (or under) the fields above. */
  readonly config?: FallbackConfig;
}

/** Models on the primary client's provider go through that client; the rest through the factory. */
class WrapperAdapterSource implements AdapterSource {
  private readonly adapters = new Map<string, ProviderAdapter>();
  constructor(
    private readonly client: SupportedClient,
    private readonly clientType: string,
    private readonly factory: AdapterSource,
  ) {}
  getAdapter(policy: Policy, modelName: string): ProviderAdapter {
    const model = policy.models[modelName];
    if (model === undefined || model.provider !== this.clientType) return this.factory.getAdapter(policy, modelName);
    let adapter = this.adapters.get(modelName);
    if (adapter === undefined) {
      adapter = adapterForClient(this.client, model.model, { params: model.params });
      this.adapters.set(modelName, adapter);
    }
    return adapter;
  }
}

/**
 * @example
 * const wrapper = new FallbackClientWrapper({
 *   primaryClient: new OpenAI({ apiKey: process.env.OPENAI_API_KEY }),
 *   primaryModel: 'gpt-4o',
 *   fallbackModels: ['gpt-3.5-turbo', 'claude-instant'],
 *   strategyType: 'sequential',
 *   maxAttempts: 3,
 * })
 * const response = await wrapper.generate([{ role: 'user', content: 'Hi' }])
 * console.log(response.text, wrapper.getFallbackStats().successRate)
 */
export class FallbackClientWrapper {
  readonly manager: FallbackManager;
  readonly primaryModel: string;

  constructor(options: FallbackClientWrapperOptions) {
    const clientType = detectClientType(options.primaryClient);
    if (clientType === null) throw new TypeError('FallbackClientWrapper: primaryClient must be an OpenAI, Anthropic, GoogleGenAI or BedrockRuntimeClient client');
    const { primaryClient: _client, factory, config, logger, telemetry, historySize, stateStore, random, clock, captureContent, strategy, ...fields } = options;
    this.primaryModel = options.primaryModel ?? DEFAULT_PRIMARY_MODELS[clientType];
    const base = config ?? new FallbackConfig();
    const models = { ...base.init.models, ...fields.models, [this.primaryModel]: { provider: clientType, ...(fields.models?.[this.primaryModel] ?? base.init.models?.[this.primaryModel]) } };
    const fallbackConfig = base.with({ ...fields, primaryModel: this.primaryModel, models });
    const source = new WrapperAdapterSource(options.primaryClient, clientType, factory ?? new SelfManagingFallbackFactory());
    this.manager = new FallbackManager(fallbackConfig, source, {
      ...(logger === undefined ? {} : { logger }),
      ...(telemetry === undefined ? {} : { telemetry }),
      ...(historySize === undefined ? {} : { historySize }),
      ...(stateStore === undefined ? {} : { stateStore }),
      ...(random === undefined ? {} : { random }),
      ...(clock === undefined ? {} : { clock }),
      ...(captureContent === undefined ? {} : { captureContent }),
      ...(strategy === undefined ? {} : { strategy }),
    });
  }

  /** The effective config (the seed's `fallback_config`). */
  get fallbackConfig(): FallbackConfig {
    return this.manager.config;
  }

  /**
   * Call the primary model, falling back as configured.
   * @throws LLMFallbackError when no model answered.
   */
  generate(messages: readonly Message[], parameters: CompatParameters = {}, options: CompatCallOptions = {}): Promise<ExecutorResult> {
    return this.manager.generateWithFallback(messages, parameters, undefined, options);
  }

  getFallbackStats(): FallbackStatsSnapshot {
    return this.manager.getFallbackStats();
  }

  stats(): FallbackStatsSnapshot {
    return this.manager.getFallbackStats();
  }

  getFallbackSessions(limit?: number): FallbackSession[] {
    return this.manager.getFallbackSessions(limit);
  }

  resetFallbackStats(): void {
    this.manager.resetFallbackStats();
  }

  close(): Promise<void> {
    return this.manager.close();
  }
}
