/**
 * Wrapping a user's own SDK client (the seed's `FallbackClientWrapper({ primaryClient })`).
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { GoogleGenAI } from '@google/genai';
import type OpenAI from 'openai';
import { registerSdkErrorClasses } from '../errors/sdk-error-classes.js';
import { AnthropicAdapter } from './anthropic/anthropic-adapter.js';
import { BedrockAdapter } from './bedrock/bedrock-adapter.js';
import { GoogleAdapter } from './google/google-adapter.js';
import { LazyAdapter } from './lazy-adapter.js';
import { loadSdk } from './load-sdk.js';
import { OpenAIAdapter } from './openai/openai-adapter.js';
import type { ProviderAdapter, ProviderType } from './spec.js';

/** Any client of the four SDKs. */
export type SupportedClient = OpenAI | Anthropic | GoogleGenAI | BedrockRuntimeClient;

export interface AdapterForClientOptions {
  /** The provider key reported in telemetry. @default the detected provider type */
  readonly provider?: string;
  /** `openai_compatible` for an `openai` client pointed at another server. @default detected */
  readonly providerType?: ProviderType;
  /** Catalog-style params (snake_case keys) merged over every request. */
  readonly params?: Readonly<Record<string, unknown>>;
}

interface Shaped {
  readonly chat?: { readonly completions?: { readonly create?: unknown } };
  readonly messages?: { readonly create?: unknown };
  readonly models?: { readonly generateContent?: unknown };
  readonly send?: unknown;
  readonly config?: { readonly serviceId?: unknown };
}

/**
 * Which SDK a client comes from, by its shape: detour does not import the
 * SDKs to compare classes (they are optional), and a client from a second
 * copy of an SDK package is recognised the same way.
 *
 * @example
 * detectClientType(new OpenAI({ apiKey })) // → 'openai'
 */
export function detectClientType(client: unknown): 'openai' | 'anthropic' | 'google' | 'bedrock' | null {
  if (typeof client !== 'object' || client === null) return null;
  const shaped = client as Shaped;
  if (typeof shaped.chat?.completions?.create === 'function') return 'openai';
  if (typeof shaped.messages?.create === 'function') return 'anthropic';
  if (typeof shaped.models?.generateContent === 'function') return 'google';
  if (typeof shaped.send === 'function' && shaped.config?.serviceId === 'Bedrock Runtime') return 'bedrock';
  return null;
}

function withOptions<T>(client: T, options: Record<string, unknown>): T {
  const copy = (client as { withOptions?: (options: Record<string, unknown>) => T }).withOptions;
  return typeof copy === 'function' ? copy.call(client, options) : client;
}

/** The client's credential values, to scrub from errors; none when they cannot be read yet (the call then fails on its own). */
async function bedrockSecrets(client: BedrockRuntimeClient): Promise<string[]> {
  const config = client.config as { credentials?: () => Promise<{ secretAccessKey?: string; sessionToken?: string }>; token?: () => Promise<{ token?: string }> };
  const credentials = await config.credentials?.().catch(() => undefined);
  const token = await config.token?.().catch(() => undefined);
  return [credentials?.secretAccessKey, credentials?.sessionToken, token?.token].filter((secret): secret is string => typeof secret === 'string' && secret !== '');
}

interface BedrockClientConfig {
  readonly isCustomEndpoint?: boolean;
  readonly endpoint?: () => Promise<{ readonly protocol: string; readonly hostname: string; readonly port?: number; readonly path?: string }>;
  readonly region?: () => Promise<string>;
  readonly useFipsEndpoint?: () => Promise<boolean>;
  readonly useDualstackEndpoint?: () => Promise<boolean>;
  readonly endpointProvider?: (params: Record<string, unknown>) => { readonly url: URL };
}

/**
 * Where the caller's client sends requests, for `server.address`: its own
 * `endpoint`, else the one its region (FIPS, dual-stack) resolves to, as the
 * SDK itself resolves it; null when the client cannot say (no region yet: its
 * calls fail on their own).
 *
 * @example
 * await bedrockEndpointOf(new BedrockRuntimeClient({ region: 'eu-west-3' })) // → 'https://bedrock-runtime.eu-west-3.amazonaws.com/'
 */
async function bedrockEndpointOf(client: BedrockRuntimeClient): Promise<string | null> {
  const config = client.config as BedrockClientConfig;
  try {
    if (config.isCustomEndpoint === true && config.endpoint !== undefined) {
      const { protocol, hostname, port } = await config.endpoint();
      return `${protocol}//${hostname}${port === undefined ? '' : `:${port}`}`;
    }
    if (config.region === undefined || config.endpointProvider === undefined) return null;
    const [region, fips, dualStack] = await Promise.all([config.region(), config.useFipsEndpoint?.() ?? false, config.useDualstackEndpoint?.() ?? false]);
    return config.endpointProvider({ Region: region, UseFIPS: fips, UseDualStack: dualStack }).url.href;
  } catch {
    return null;
  }
}

/**
 * A Bedrock adapter over the caller's client. The commands come from the
 * `@aws-sdk/client-bedrock-runtime` detour imports, on the first call.
 */
function bedrockAdapterFor(client: BedrockRuntimeClient, modelId: string, provider: string, params: { readonly params?: Readonly<Record<string, unknown>> }): ProviderAdapter {
  const baseUrl = bedrockEndpointOf(client);
  return new LazyAdapter({
    provider,
    providerType: 'bedrock',
    modelId,
    baseUrl,
    build: async () => {
      const sdk = await loadSdk('@aws-sdk/client-bedrock-runtime', { name: provider, type: 'bedrock' });
      const endpoint = await baseUrl;
      return new BedrockAdapter({
        client,
        sdk,
        modelId,
        provider,
        secrets: await bedrockSecrets(client),
        retriesOffPerCall: true,
        ...(endpoint === null ? {} : { baseUrl: endpoint }),
        ...params,
      });
    },
  });
}

/**
 * An adapter over a client the caller built. detour does not trust its retry
 * settings: it uses a copy with `maxRetries: 0` (Anthropic: and its own spans
 * off) and also turns retries off on every call (Google: `retryOptions: { attempts: 1 }`;
 * Bedrock: each command is sent once, whatever the client's `maxAttempts`).
 *
 * @example
 * const adapter = adapterForClient(new OpenAI({ apiKey }), 'gpt-4o');
 * await adapter.generate({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] });
 * @throws TypeError when the client is from none of the four SDKs.
 */
export function adapterForClient(client: SupportedClient, modelId: string, options: AdapterForClientOptions = {}): ProviderAdapter {
  const detected = detectClientType(client);
  // The client's class carries its SDK's error classes: the errors it throws classify by class.
  if (detected === 'openai' || detected === 'anthropic') registerSdkErrorClasses(detected, (client as object).constructor);
  const params = options.params === undefined ? {} : { params: options.params };
  switch (detected) {
    case 'openai': {
      const providerType = options.providerType === 'openai_compatible' ? 'openai_compatible' : 'openai';
      return new OpenAIAdapter({
        client: withOptions(client as OpenAI, { maxRetries: 0 }),
        modelId,
        providerType,
        provider: options.provider ?? providerType,
        ...params,
      });
    }
    case 'anthropic':
      return new AnthropicAdapter({
        client: withOptions(client as Anthropic, { maxRetries: 0, openTelemetry: false }),
        modelId,
        provider: options.provider ?? 'anthropic',
        ...params,
      });
    case 'google':
      return new GoogleAdapter({ client: client as GoogleGenAI, modelId, provider: options.provider ?? 'google', retriesOffPerCall: true, ...params });
    case 'bedrock':
      return bedrockAdapterFor(client as BedrockRuntimeClient, modelId, options.provider ?? 'bedrock', params);
    default:
      throw new TypeError('adapterForClient: expected an OpenAI, Anthropic, GoogleGenAI or BedrockRuntimeClient client');
  }
}
