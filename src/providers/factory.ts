/**
 * From a policy's model name (catalog key) to a ready adapter: one SDK client
 * per provider configuration, built on first use and cached.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { GoogleGenAI } from '@google/genai';
import type OpenAI from 'openai';
import type { Agent } from 'undici';
import { ProviderCallError } from '../errors/ProviderCallError.js';
import type { ModelConfig, Policy, ProviderConfig } from '../policy/types.js';
import { AnthropicAdapter } from './anthropic/anthropic-adapter.js';
import { createAnthropicClient } from './anthropic/create-anthropic-client.js';
import { detourFact } from './call-error.js';
import { pooledFetch, type FetchFunction } from './client-settings.js';
import { createGoogleClient } from './google/create-google-client.js';
import { GoogleAdapter } from './google/google-adapter.js';
import { createOpenAIClient } from './openai/create-openai-client.js';
import { OpenAIAdapter } from './openai/openai-adapter.js';
import { createOpenAICompatibleClient } from './openai-compatible/create-openai-compatible-client.js';
import { createOpenAICompatibleAdapter } from './openai-compatible/openai-compatible-adapter.js';
import { defaultProviderConfig, resolveSettings, settingsKey, type SettingsContext } from './provider-settings.js';
import { PROVIDER_TYPES, type ProviderAdapter, type ProviderType } from './spec.js';

export { adapterForClient, detectClientType, type AdapterForClientOptions, type SupportedClient } from './adapter-for-client.js';

/** What the executor needs: a model name (catalog key) of a policy → its adapter. */
export interface AdapterSource {
  /** Throws a ProviderCallError (kind `authentication`) naming the env variable when a key is missing. */
  getAdapter(policy: Policy, modelName: string): ProviderAdapter;
}

/** The seed's factory interface, for users who manage their own clients. */
export interface ClientFactory {
  createClient(provider: ProviderConfig): unknown;
  getAvailableModels(): readonly string[];
}

export interface SelfManagingFallbackFactoryOptions {
  /** Where API keys are read (`api_key_env`, else OPENAI_API_KEY, ANTHROPIC_API_KEY, GEMINI_API_KEY / GOOGLE_API_KEY). @default process.env */
  readonly env?: Readonly<Record<string, string | undefined>>;
  /**
   * Point every provider at one server root, e.g. the simulator's URL. detour
   * adds `/v1` for the OpenAI protocol; Anthropic's and Google's SDKs add their own paths.
   */
  readonly baseUrlOverride?: string;
  /** Use this key for every provider instead of reading the environment (the simulator accepts any). */
  readonly apiKeyOverride?: string;
  /** A fetch for every client; it replaces the pooled fetch `max_connections` would create. */
  readonly fetch?: FetchFunction;
  /** Policies whose catalogs `getAvailableModels()` lists before any is used. */
  readonly policies?: Iterable<Policy>;
}

type SdkClient = OpenAI | Anthropic | GoogleGenAI;

/** Model names the seed's factory routed by name alone, for names missing from a catalog. */
function guessProviderType(modelName: string): ProviderType | null {
  const name = modelName.toLowerCase();
  if (name.startsWith('gpt') || /^o\d/.test(name) || name.startsWith('chatgpt')) return 'openai';
  if (name.startsWith('claude')) return 'anthropic';
  if (name.startsWith('gemini') || name.startsWith('gemma')) return 'google';
  return null;
}

function isProviderType(value: string): value is ProviderType {
  return (PROVIDER_TYPES as readonly string[]).includes(value);
}

/**
 * Builds and caches SDK clients (one per provider configuration's content,
 * so a reloaded policy with the same settings reuses them) and adapters (one
 * per provider configuration, model id and params), and resolves a policy's
 * model name to its adapter. Keys are read when a model is first used, so a
 * missing key fails that model's attempt, not start-up.
 *
 * @example
 * const factory = new SelfManagingFallbackFactory();
 * const adapter = factory.getAdapter(policy, 'gpt-4o');
 * const response = await adapter.generate({ model: adapter.modelId, messages });
 *
 * @example
 * // every provider against the simulator
 * const factory = new SelfManagingFallbackFactory({ baseUrlOverride: simulator.url, apiKeyOverride: 'test' });
 */
export class SelfManagingFallbackFactory implements AdapterSource, ClientFactory {
  private readonly env: Readonly<Record<string, string | undefined>>;
  private readonly baseUrlOverride: string | undefined;
  private readonly apiKeyOverride: string | undefined;
  private readonly fetch: FetchFunction | undefined;
  private readonly byPolicy = new WeakMap<Policy, Map<string, ProviderAdapter>>();
  private readonly clients = new Map<string, SdkClient>();
  private readonly adapters = new Map<string, ProviderAdapter>();
  private readonly agents: Agent[] = [];
  private readonly knownModels = new Set<string>();

  constructor(options: SelfManagingFallbackFactoryOptions = {}) {
    this.env = options.env ?? process.env;
    this.baseUrlOverride = options.baseUrlOverride;
    this.apiKeyOverride = options.apiKeyOverride;
    this.fetch = options.fetch;
    for (const policy of options.policies ?? []) this.remember(policy);
  }

  /**
   * The adapter for `modelName` (a catalog key of `policy`; a bare model name
   * such as `gpt-4o` or `claude-…` is routed by its prefix when the catalog
   * lacks it).
   *
   * @throws ProviderCallError kind `authentication` naming the missing variable,
   *   `model_not_found` for a name neither the catalog nor the prefixes know.
   */
  getAdapter(policy: Policy, modelName: string): ProviderAdapter {
    let perPolicy = this.byPolicy.get(policy);
    const cached = perPolicy?.get(modelName);
    if (cached !== undefined) return cached;
    const model = this.modelConfig(policy, modelName);
    const provider = this.providerConfig(policy, model);
    const adapter = this.adapterFor(provider, model);
    if (perPolicy === undefined) {
      perPolicy = new Map();
      this.byPolicy.set(policy, perPolicy);
      this.remember(policy);
    }
    perPolicy.set(modelName, adapter);
    return adapter;
  }

  /** The seed's `createClient`: the cached SDK client for one provider configuration. */
  createClient(provider: ProviderConfig): OpenAI | Anthropic | GoogleGenAI {
    return this.clientFor(provider, null);
  }

  /** Catalog keys of every policy this factory was given or has served. */
  getAvailableModels(): readonly string[] {
    return [...this.knownModels];
  }

  /** Close the connection pools created for `max_connections`. */
  async close(): Promise<void> {
    const agents = this.agents.splice(0);
    await Promise.all(agents.map((agent) => agent.close().catch(() => undefined)));
  }

  private remember(policy: Policy): void {
    for (const name of Object.keys(policy.models)) this.knownModels.add(name);
  }

  private modelConfig(policy: Policy, modelName: string): ModelConfig {
    const model = policy.models[modelName];
    if (model !== undefined) return model;
    const guessed = guessProviderType(modelName);
    if (guessed === null) {
      throw new ProviderCallError(
        detourFact('model_not_found', `model ${modelName} is not in policy ${policy.name}'s catalog (models:)`, null, {
          code: 'unknown_model',
        }),
      );
    }
    return { name: modelName, provider: guessed, model: modelName, contextWindow: null, params: {} };
  }

  private providerConfig(policy: Policy, model: ModelConfig): ProviderConfig {
    const configured = policy.providers[model.provider];
    if (configured !== undefined) return configured;
    if (isProviderType(model.provider)) return defaultProviderConfig(model.provider, model.provider);
    throw new ProviderCallError(
      detourFact('invalid_request', `model ${model.name} names provider ${model.provider}, which provider_config does not define`, null, {
        code: 'unknown_provider',
      }),
    );
  }

  private context(modelName: string | null): SettingsContext {
    return {
      env: this.env,
      baseUrlOverride: this.baseUrlOverride,
      apiKeyOverride: this.apiKeyOverride,
      fetch: this.fetch,
      modelName,
    };
  }

  private clientFor(provider: ProviderConfig, modelName: string | null): SdkClient {
    const context = this.context(modelName);
    const key = settingsKey(provider, context);
    const cached = this.clients.get(key);
    if (cached !== undefined) return cached;
    const resolved = resolveSettings(provider, context);
    let fetch: FetchFunction | null = this.fetch ?? null;
    if (fetch === null && provider.maxConnections !== null && provider.maxConnections > 0) {
      const pool = pooledFetch(provider.maxConnections);
      this.agents.push(pool.agent);
      fetch = pool.fetch;
    }
    const settings = { ...resolved, fetch };
    let client: SdkClient;
    switch (provider.type) {
      case 'openai':
        client = createOpenAIClient(settings);
        break;
      case 'anthropic':
        client = createAnthropicClient(settings);
        break;
      case 'google':
        client = createGoogleClient(settings);
        break;
      case 'openai_compatible':
        client = createOpenAICompatibleClient(settings);
        break;
    }
    this.clients.set(key, client);
    return client;
  }

  private adapterFor(provider: ProviderConfig, model: ModelConfig): ProviderAdapter {
    const clientKey = settingsKey(provider, this.context(model.name));
    const key = `${provider.name}\u0000${clientKey}\u0000${model.model}\u0000${JSON.stringify(model.params)}`;
    const cached = this.adapters.get(key);
    if (cached !== undefined) return cached;
    const client = this.clientFor(provider, model.name);
    const common = { modelId: model.model, provider: provider.name, params: model.params };
    let adapter: ProviderAdapter;
    switch (provider.type) {
      case 'openai':
        adapter = new OpenAIAdapter({ client: client as OpenAI, ...common });
        break;
      case 'anthropic':
        adapter = new AnthropicAdapter({ client: client as Anthropic, ...common });
        break;
      case 'google': {
        const baseUrl = this.baseUrlOverride ?? provider.baseUrl;
        adapter = new GoogleAdapter({ client: client as GoogleGenAI, ...common, ...(baseUrl === null ? {} : { baseUrl }) });
        break;
      }
      case 'openai_compatible':
        adapter = createOpenAICompatibleAdapter({ client: client as OpenAI, ...common });
        break;
    }
    this.adapters.set(key, adapter);
    return adapter;
  }
}
