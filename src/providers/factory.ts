/**
 * From a policy's model name (catalog key) to a ready adapter: one SDK client
 * per provider configuration, built on first use and cached.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { AnthropicVertex } from '@anthropic-ai/vertex-sdk';
import type { GoogleGenAI } from '@google/genai';
import type OpenAI from 'openai';
import type { Agent } from 'undici';
import { ProviderCallError } from '../errors/ProviderCallError.js';
import type { ModelEndpoint, ProviderCatalog, ProviderConfig } from './catalog.js';
import { AiSdkAdapter, type AiSdkLanguageModel } from './ai-sdk/ai-sdk-adapter.js';
import { AnthropicAdapter } from './anthropic/anthropic-adapter.js';
import { azureADTokenProviderFor, azureOpenAISettings } from './azure-openai/azure-openai-provider.js';
import { azureOpenAIBaseUrl, createAzureOpenAIClient, type AzureADTokenProvider } from './azure-openai/create-azure-openai-client.js';
import { ANTHROPIC_DEFAULT_BASE_URL, createAnthropicClient } from './anthropic/create-anthropic-client.js';
import { BedrockAdapter } from './bedrock/bedrock-adapter.js';
import { bedrockBaseUrl, resolveBedrockSettings } from './bedrock/bedrock-settings.js';
import { createBedrockClient } from './bedrock/create-bedrock-client.js';
import { detourFact } from './call-error.js';
import type { ClientSettings, FetchFunction } from './client-settings.js';
import { createGoogleClient } from './google/create-google-client.js';
import { GOOGLE_DEFAULT_BASE_URL, GoogleAdapter } from './google/google-adapter.js';
import { LazyAdapter } from './lazy-adapter.js';
import { loadSdk, sdkPackageOf, type SdkPackage } from './load-sdk.js';
import { createOpenAIClient, OPENAI_DEFAULT_BASE_URL } from './openai/create-openai-client.js';
import { OpenAIAdapter } from './openai/openai-adapter.js';
import { createOpenAICompatibleClient, openAICompatibleBaseUrl } from './openai-compatible/create-openai-compatible-client.js';
import { createOpenAICompatibleAdapter } from './openai-compatible/openai-compatible-adapter.js';
import { pooledFetch } from './pooled-fetch.js';
import { baseUrlFor, defaultProviderConfig, resolveSettings, settingsKey, type SettingsContext } from './provider-settings.js';
import { PROVIDER_TYPES, type ProviderAdapter, type ProviderType } from './spec.js';
import { createVertexAnthropicClient, createVertexGeminiClient } from './vertex/create-vertex-clients.js';
import type { GoogleAuthClient } from './vertex/google-auth-client.js';
import { vertexSettings } from './vertex/vertex-provider.js';
import { vertexEndpoint, vertexPublisher, VERTEX_LOCATION_ENV } from './vertex/vertex-settings.js';

export { adapterForClient, detectClientType, type AdapterForClientOptions, type SupportedClient } from './adapter-for-client.js';

/** What the executor needs: a model name (catalog key) of a policy → its adapter. */
export interface AdapterSource {
  /** Throws a ProviderCallError (kind `authentication`) naming the env variable when a key is missing. */
  getAdapter(policy: ProviderCatalog, modelName: string): ProviderAdapter;
}

/** The seed's factory interface, for users who manage their own clients. */
export interface ClientFactory {
  /** An SDK client for the provider configuration, or a promise of one. */
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
  /**
   * How clients without a `fetch` of their own send requests: `fetch` (the
   * SDKs' default, undici's WHATWG fetch) or `undici` (a lean fetch over
   * undici's `request` on keep-alive connections: about a third less CPU per
   * call; no redirects; what `detour serve` uses). `max_connections` applies to both.
   * @default 'fetch'
   */
  readonly transport?: 'fetch' | 'undici';
  /** Policies whose catalogs `getAvailableModels()` lists before any is used. */
  readonly policies?: Iterable<ProviderCatalog>;
  /**
   * AI SDK language models by name, for policy models with `provider: ai_sdk`
   * (their `model` is the name here).
   *
   * @example
   * new SelfManagingFallbackFactory({ models: { 'mistral-large': mistral('mistral-large-latest') } })
   */
  readonly models?: Readonly<Record<string, AiSdkLanguageModel>>;
  /** Sign-in for the cloud providers, passed in code rather than found in the environment. */
  readonly credentials?: CloudCredentials;
}

/**
 * Credentials for `azure_openai` and `vertex` providers. Each is optional:
 * without it detour uses the provider's usual sign-in (Azure: the key, or
 * `@azure/identity`'s DefaultAzureCredential under `auth: entra_id`; Vertex:
 * Google application-default credentials).
 *
 * @example
 * import { DefaultAzureCredential, getBearerTokenProvider } from '@azure/identity';
 * new SelfManagingFallbackFactory({
 *   credentials: { azureADTokenProvider: getBearerTokenProvider(new DefaultAzureCredential(), 'https://cognitiveservices.azure.com/.default') },
 * });
 */
export interface CloudCredentials {
  /** Microsoft Entra ID tokens for `azure_openai` providers with `auth: entra_id`. */
  readonly azureADTokenProvider?: AzureADTokenProvider;
  /** A google-auth-library auth client for `vertex` providers (an `OAuth2Client`, `Impersonated`, …). @default application-default credentials */
  readonly googleAuthClient?: GoogleAuthClient;
}

type SdkClient = OpenAI | Anthropic | GoogleGenAI | AnthropicVertex | BedrockRuntimeClient;

/** Where a client for this provider sends requests: the configured base URL, else the SDK's default. */
function requestBaseUrl(provider: ProviderConfig, baseUrl: string | null, env: Readonly<Record<string, string | undefined>>): string | null {
  switch (provider.type) {
    case 'openai':
      return baseUrl ?? OPENAI_DEFAULT_BASE_URL;
    case 'anthropic':
      return baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL;
    case 'google':
      return baseUrl ?? GOOGLE_DEFAULT_BASE_URL;
    case 'openai_compatible':
      return openAICompatibleBaseUrl(baseUrl);
    case 'bedrock':
      return bedrockBaseUrl(provider, baseUrl, env);
    case 'ai_sdk':
      // Never asked: an ai_sdk model's adapter is its registered instance, with no base URL of detour's.
      return '';
    case 'azure_openai':
      return azureOpenAIBaseUrl(provider.azure?.endpoint ?? env['AZURE_OPENAI_ENDPOINT'] ?? null, baseUrl);
    case 'vertex':
      return baseUrl ?? vertexEndpoint(provider.vertex?.location ?? VERTEX_LOCATION_ENV.map((name) => env[name]).find((value) => value !== undefined && value !== '') ?? null);
  }
}

/** Model names the seed's factory routed by name alone, for names missing from a catalog. */
function guessProviderType(modelName: string): ProviderType | null {
  const name = modelName.toLowerCase();
  if (name.startsWith('gpt') || /^o\d/.test(name) || name.startsWith('chatgpt')) return 'openai';
  if (name.startsWith('claude')) return 'anthropic';
  if (name.startsWith('gemini') || name.startsWith('gemma')) return 'google';
  return null;
}

/** A client's cache key: its configuration's content, and for Vertex which publisher's client. */
function clientKey(provider: ProviderConfig, context: SettingsContext, modelId: string): string {
  const key = settingsKey(provider, context);
  return provider.type === 'vertex' ? `${key}\u0000${vertexPublisher(modelId)}` : key;
}

function isProviderType(value: string): value is ProviderType {
  return (PROVIDER_TYPES as readonly string[]).includes(value);
}

/**
 * Builds and caches SDK clients (one per provider configuration's content,
 * so a reloaded policy with the same settings reuses them) and adapters (one
 * per provider configuration, model id and params), and resolves a policy's
 * model name to its adapter. Keys are read when a model is first used, so a
 * missing key fails that model's attempt, not start-up. A provider's SDK is
 * imported when its first adapter is asked for, so a missing SDK fails that
 * adapter's calls (a one-line error naming the package), nothing else.
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
  private readonly transport: 'fetch' | 'undici';
  /** `transport: 'undici'`: the fetch of providers without `max_connections`, over one shared agent. */
  private sharedFetch: Promise<FetchFunction> | null = null;
  private readonly credentials: CloudCredentials;
  private readonly byPolicy = new WeakMap<ProviderCatalog, Map<string, ProviderAdapter>>();
  private readonly clients = new Map<string, Promise<SdkClient>>();
  private readonly adapters = new Map<string, ProviderAdapter>();
  private readonly agents: Agent[] = [];
  private readonly knownModels = new Set<string>();
  /** Each Bedrock client's credential values (by settings key), scrubbed from its adapters' errors. */
  private readonly bedrockSecrets = new Map<string, readonly string[]>();
  private readonly aiSdkModels: Readonly<Record<string, AiSdkLanguageModel>>;
  private readonly aiSdkAdapters = new Map<string, ProviderAdapter>();

  constructor(options: SelfManagingFallbackFactoryOptions = {}) {
    this.env = options.env ?? process.env;
    this.baseUrlOverride = options.baseUrlOverride;
    this.apiKeyOverride = options.apiKeyOverride;
    this.fetch = options.fetch;
    this.aiSdkModels = options.models ?? {};
    this.transport = options.transport ?? 'fetch';
    this.credentials = options.credentials ?? {};
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
  getAdapter(policy: ProviderCatalog, modelName: string): ProviderAdapter {
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

  /**
   * The seed's `createClient`: the cached SDK client for one provider
   * configuration. A promise, because the SDK is imported on first use.
   *
   * @throws ProviderCallError kind `authentication` naming the missing variable
   *   (the promise rejects when the SDK is not installed).
   */
  createClient(provider: ProviderConfig): Promise<SdkClient> {
    return this.clientFor(provider, null, '');
  }

  /**
   * Import now the SDKs these policies' models need, rather than on their
   * first calls: for a process that would rather pay the imports at start-up
   * than on its first requests. Never rejects: resolves with the one-line
   * error of each SDK that is not installed (the error those models' attempts
   * will fail with).
   *
   * @example
   * const missing = await factory.preloadSdks(policySet.policies.values());
   * for (const error of missing) console.warn(error.fact.message);
   */
  async preloadSdks(policies: Iterable<ProviderCatalog>): Promise<readonly ProviderCallError[]> {
    const needed = new Map<SdkPackage, ProviderConfig>();
    for (const policy of policies) {
      for (const model of Object.values(policy.models)) {
        const provider = policy.providers[model.provider] ?? (isProviderType(model.provider) ? defaultProviderConfig(model.provider, model.provider) : null);
        if (provider === null || provider.type === 'ai_sdk') continue;
        const packageName = sdkPackageOf(provider.type, model.model);
        if (!needed.has(packageName)) needed.set(packageName, provider);
      }
    }
    const loads = [...needed].map(([packageName, provider]) => loadSdk(packageName, provider).then(() => null, (error: unknown) => error as ProviderCallError));
    return (await Promise.all(loads)).filter((error) => error !== null);
  }

  /** Catalog keys of every policy this factory was given or has served. */
  getAvailableModels(): readonly string[] {
    return [...this.knownModels];
  }

  /** Close the connection pools created for `max_connections`. */
  async close(): Promise<void> {
    await Promise.allSettled(this.clients.values());
    this.sharedFetch = null;
    const agents = this.agents.splice(0);
    await Promise.all(agents.map((agent) => agent.close().catch(() => undefined)));
  }

  private remember(policy: ProviderCatalog): void {
    for (const name of Object.keys(policy.models)) this.knownModels.add(name);
  }

  private modelConfig(policy: ProviderCatalog, modelName: string): ModelEndpoint {
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
    return { name: modelName, provider: guessed, model: modelName, params: {} };
  }

  private providerConfig(policy: ProviderCatalog, model: ModelEndpoint): ProviderConfig {
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

  /**
   * Starts building the client (its key, and a cloud provider's endpoint or
   * project, are checked now, synchronously); cached per configuration
   * content. `modelId` picks a Vertex model's client (Claude's or Gemini's).
   */
  private clientFor(provider: ProviderConfig, modelName: string | null, modelId: string): Promise<SdkClient> {
    const context = this.context(modelName);
    const key = clientKey(provider, context, modelId);
    const cached = this.clients.get(key);
    if (cached !== undefined) return cached;
    const client = provider.type === 'bedrock' ? this.buildBedrockClient(provider, context) : this.buildClient(provider, resolveSettings(provider, context), modelId);
    this.clients.set(key, client);
    // Not remembered when it fails (the SDK is missing): installing it lets a later call succeed.
    client.catch(() => {
      if (this.clients.get(key) === client) this.clients.delete(key);
    });
    return client;
  }

  private buildClient(provider: ProviderConfig, resolved: Omit<ClientSettings, 'fetch'>, modelId: string): Promise<SdkClient> {
    // Cloud settings are checked before anything is awaited, so a missing endpoint or project fails the call that needs it at once.
    switch (provider.type) {
      case 'azure_openai': {
        const { entraId, ...settings } = azureOpenAISettings(provider, resolved, this.env);
        return (async () =>
          createAzureOpenAIClient(await loadSdk('openai', provider), {
            ...(await this.withFetch(provider, settings)),
            endpoint: settings.endpoint,
            apiVersion: settings.apiVersion,
            azureADTokenProvider: entraId ? await azureADTokenProviderFor(provider, this.credentials.azureADTokenProvider) : null,
          }))();
      }
      case 'vertex': {
        const settings = vertexSettings(provider, resolved, this.env, this.credentials.googleAuthClient, this.apiKeyOverride);
        return (async () => {
          const withFetch = { ...settings, fetch: await this.fetchFor(provider) };
          return vertexPublisher(modelId) === 'anthropic'
            ? createVertexAnthropicClient(await loadSdk('@anthropic-ai/vertex-sdk', provider), withFetch)
            : createVertexGeminiClient(await loadSdk('@google/genai', provider), withFetch);
        })();
      }
      default:
        return this.buildVendorClient(provider, resolved);
    }
  }

  private async buildVendorClient(provider: ProviderConfig, resolved: Omit<ClientSettings, 'fetch'>): Promise<SdkClient> {
    switch (provider.type) {
      case 'ai_sdk':
        throw new TypeError('an ai_sdk provider has no SDK client: its models are registered instances');
      case 'openai':
        return createOpenAIClient(await loadSdk('openai', provider), await this.withFetch(provider, resolved));
      case 'anthropic':
        return createAnthropicClient(await loadSdk('@anthropic-ai/sdk', provider), await this.withFetch(provider, resolved));
      case 'google':
        return createGoogleClient(await loadSdk('@google/genai', provider), await this.withFetch(provider, resolved));
      case 'openai_compatible':
        return createOpenAICompatibleClient(await loadSdk('openai', provider), await this.withFetch(provider, resolved));
      default:
        throw new Error(`no vendor client for provider type ${provider.type}`);
    }
  }

  /** Settings are read now (a missing `api_key_env` variable throws here, synchronously); the SDK is imported on first use. */
  private buildBedrockClient(provider: ProviderConfig, context: SettingsContext): Promise<BedrockRuntimeClient> {
    const resolved = resolveBedrockSettings(provider, context);
    this.bedrockSecrets.set(settingsKey(provider, context), resolved.secrets);
    return (async () => createBedrockClient(await loadSdk('@aws-sdk/client-bedrock-runtime', provider), { ...resolved, fetch: await this.fetchFor(provider) }))();
  }

  private async withFetch<Settings extends object>(provider: ProviderConfig, resolved: Settings): Promise<Settings & { readonly fetch: FetchFunction | null }> {
    return { ...resolved, fetch: await this.fetchFor(provider) };
  }

  /** The caller's fetch, else a pooled one for `max_connections`, else the lean transport's shared one, else null (the global fetch). */
  private async fetchFor(provider: ProviderConfig): Promise<FetchFunction | null> {
    if (this.fetch !== undefined) return this.fetch;
    if (provider.maxConnections !== null && provider.maxConnections > 0) {
      const pool = await pooledFetch(provider.maxConnections, this.transport);
      this.agents.push(pool.agent);
      return pool.fetch;
    }
    if (this.transport === 'fetch') return null;
    this.sharedFetch ??= Promise.all([import('undici'), import('./request-fetch.js')]).then(([{ Agent }, { requestFetch }]) => {
      const agent = new Agent();
      this.agents.push(agent);
      return requestFetch(agent);
    });
    return this.sharedFetch;
  }

  private adapterFor(provider: ProviderConfig, model: ModelEndpoint): ProviderAdapter {
    if (provider.type === 'ai_sdk') return this.aiSdkAdapter(model);
    const key = `${provider.name}\u0000${clientKey(provider, this.context(model.name), model.model)}\u0000${model.model}\u0000${JSON.stringify(model.params)}`;
    const cached = this.adapters.get(key);
    if (cached !== undefined) return cached;
    // Checks the key now and starts importing the SDK while the session gets ready to call.
    void this.clientFor(provider, model.name, model.model);
    const baseUrl = this.baseUrlOverride === undefined ? provider.baseUrl : baseUrlFor(provider.type, this.baseUrlOverride);
    const adapter = new LazyAdapter({
      provider: provider.name,
      providerType: provider.type,
      modelId: model.model,
      baseUrl: requestBaseUrl(provider, baseUrl, this.env),
      build: async () => this.adapterOver(provider, model, baseUrl, await this.clientFor(provider, model.name, model.model)),
    });
    this.adapters.set(key, adapter);
    return adapter;
  }

  /** The registered AI SDK model a `provider: ai_sdk` entry names; one adapter per model and params. */
  private aiSdkAdapter(model: ModelEndpoint): ProviderAdapter {
    const instance = Object.hasOwn(this.aiSdkModels, model.model) ? this.aiSdkModels[model.model] : undefined;
    if (instance === undefined) throw unregisteredModel(model, Object.keys(this.aiSdkModels));
    if ((instance as { specificationVersion?: unknown }).specificationVersion !== 'v4') throw unsupportedSpecification(model, instance);
    const key = `${model.model}\u0000${JSON.stringify(model.params)}`;
    let adapter = this.aiSdkAdapters.get(key);
    if (adapter === undefined) {
      adapter = new AiSdkAdapter({ model: instance, params: model.params });
      this.aiSdkAdapters.set(key, adapter);
    }
    return adapter;
  }

  private async adapterOver(provider: ProviderConfig, model: ModelEndpoint, baseUrl: string | null, client: SdkClient): Promise<ProviderAdapter> {
    const common = { modelId: model.model, provider: provider.name, params: model.params };
    switch (provider.type) {
      case 'ai_sdk':
        return this.aiSdkAdapter(model);
      case 'openai':
        return new OpenAIAdapter({ client: client as OpenAI, ...common });
      case 'anthropic':
        return new AnthropicAdapter({ client: client as Anthropic, ...common });
      case 'google':
        return new GoogleAdapter({ client: client as GoogleGenAI, ...common, ...(baseUrl === null ? {} : { baseUrl }) });
      case 'openai_compatible':
        return createOpenAICompatibleAdapter({ client: client as OpenAI, ...common });
      case 'bedrock':
        return new BedrockAdapter({
          client: client as BedrockRuntimeClient,
          sdk: await loadSdk('@aws-sdk/client-bedrock-runtime', provider),
          ...common,
          baseUrl: bedrockBaseUrl(provider, baseUrl, this.env),
          secrets: this.bedrockSecrets.get(settingsKey(provider, this.context(model.name))) ?? [],
        });
      case 'azure_openai':
        return new OpenAIAdapter({ client: client as OpenAI, ...common, providerType: 'azure_openai' });
      case 'vertex':
        return vertexPublisher(model.model) === 'anthropic'
          ? new AnthropicAdapter({ client: client as unknown as Anthropic, ...common, providerType: 'vertex' })
          : new GoogleAdapter({ client: client as GoogleGenAI, ...common, providerType: 'vertex' });
    }
  }
}

/** A `provider: ai_sdk` model whose name the service did not register. */
function unregisteredModel(model: ModelEndpoint, registered: readonly string[]): ProviderCallError {
  const known = registered.length === 0 ? 'no AI SDK model is registered' : `registered: ${registered.join(', ')}`;
  return new ProviderCallError(
    detourFact('model_not_found', `model ${model.name} (provider ai_sdk) names \`${model.model}\`, which is not registered (${known}): pass it to createExecutor({ models: { '${model.model}': languageModel } })`, 'ai_sdk', {
      code: 'unregistered_model',
    }),
  );
}

/** A registered model of another specification than the one detour speaks (v4, `ai` 7's). */
function unsupportedSpecification(model: ModelEndpoint, instance: { readonly specificationVersion?: unknown }): ProviderCallError {
  return new ProviderCallError(
    detourFact('invalid_request', `model ${model.name} (provider ai_sdk): \`${model.model}\` implements the AI SDK language model specification ${String(instance.specificationVersion)}; detour takes v4 models (the provider packages of \`ai\` 7)`, 'ai_sdk', {
      code: 'unsupported_specification',
    }),
  );
}
