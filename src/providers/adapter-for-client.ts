/**
 * Wrapping a user's own SDK client (the seed's `FallbackClientWrapper({ primaryClient })`).
 */
import type Anthropic from '@anthropic-ai/sdk';
import type { GoogleGenAI } from '@google/genai';
import type OpenAI from 'openai';
import { registerSdkErrorClasses } from '../errors/sdk-error-classes.js';
import { AnthropicAdapter } from './anthropic/anthropic-adapter.js';
import { GoogleAdapter } from './google/google-adapter.js';
import { OpenAIAdapter } from './openai/openai-adapter.js';
import type { ProviderAdapter, ProviderType } from './spec.js';

/** Any client of the three SDKs. */
export type SupportedClient = OpenAI | Anthropic | GoogleGenAI;

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
}

/**
 * Which SDK a client comes from, by its shape: detour does not import the
 * SDKs to compare classes (they are optional), and a client from a second
 * copy of an SDK package is recognised the same way.
 *
 * @example
 * detectClientType(new OpenAI({ apiKey })) // → 'openai'
 */
export function detectClientType(client: unknown): 'openai' | 'anthropic' | 'google' | null {
  if (typeof client !== 'object' || client === null) return null;
  const shaped = client as Shaped;
  if (typeof shaped.chat?.completions?.create === 'function') return 'openai';
  if (typeof shaped.messages?.create === 'function') return 'anthropic';
  if (typeof shaped.models?.generateContent === 'function') return 'google';
  return null;
}

function withOptions<T>(client: T, options: Record<string, unknown>): T {
  const copy = (client as { withOptions?: (options: Record<string, unknown>) => T }).withOptions;
  return typeof copy === 'function' ? copy.call(client, options) : client;
}

/**
 * An adapter over a client the caller built. detour does not trust its retry
 * settings: it uses a copy with `maxRetries: 0` (Anthropic: and its own spans
 * off) and also turns retries off on every call (Google: `retryOptions: { attempts: 1 }`).
 *
 * @example
 * const adapter = adapterForClient(new OpenAI({ apiKey }), 'gpt-4o');
 * await adapter.generate({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] });
 * @throws TypeError when the client is from none of the three SDKs.
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
    default:
      throw new TypeError('adapterForClient: expected an OpenAI, Anthropic or GoogleGenAI client');
  }
}
