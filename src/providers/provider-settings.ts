/**
 * From a policy's provider configuration to the settings an SDK client is
 * built with: the key read from the environment, the base URL (or the
 * override), the connection pool.
 */
import { ProviderCallError } from '../errors/ProviderCallError.js';
import type { ProviderConfig } from './catalog.js';
import { detourFact } from './call-error.js';
import type { ClientSettings, FetchFunction } from './client-settings.js';
import type { ProviderType } from './spec.js';

/** Where each provider's key is looked for when `api_key_env` is not set, in order. */
export const DEFAULT_API_KEY_ENV: Readonly<Record<ProviderType, readonly string[]>> = {
  openai: ['OPENAI_API_KEY'],
  anthropic: ['ANTHROPIC_API_KEY'],
  google: ['GEMINI_API_KEY', 'GOOGLE_API_KEY'],
  openai_compatible: [],
  bedrock: [],
  ai_sdk: [],
  azure_openai: ['AZURE_OPENAI_API_KEY'],
  // Vertex AI signs in with Google credentials (application-default credentials), not a key.
  vertex: [],
};

/**
 * Sent as the key to an OpenAI-compatible server that needs none (Ollama,
 * vLLM without `--api-key`): the SDK requires some value, and detour must not
 * fall back to `OPENAI_API_KEY` and leak it to a third-party server.
 */
export const NO_API_KEY = 'no-key-configured';

/** The configuration detour assumes for a provider a model names but `provider_config` leaves out. */
export function defaultProviderConfig(name: string, type: ProviderType): ProviderConfig {
  return { name, type, apiKeyEnv: null, baseUrl: null, timeoutMs: null, maxConnections: null, headers: {} };
}

/**
 * The base URL each SDK wants for one server root: OpenAI's SDK appends paths
 * to `…/v1`, Anthropic's and Google's add their own version segment.
 *
 * @example
 * baseUrlFor('openai', 'http://127.0.0.1:4010')    // → 'http://127.0.0.1:4010/v1'
 * baseUrlFor('anthropic', 'http://127.0.0.1:4010') // → 'http://127.0.0.1:4010'
 * baseUrlFor('azure_openai', 'http://127.0.0.1:4010') // → 'http://127.0.0.1:4010/openai'
 */
export function baseUrlFor(type: ProviderType, serverRoot: string): string {
  const root = serverRoot.replace(/\/+$/, '').replace(/\/v1$/, '');
  if (type === 'azure_openai') return `${root}/openai`;
  return type === 'openai' || type === 'openai_compatible' ? `${root}/v1` : root;
}

export interface SettingsContext {
  readonly env: Readonly<Record<string, string | undefined>>;
  readonly baseUrlOverride: string | undefined;
  readonly apiKeyOverride: string | undefined;
  readonly fetch: FetchFunction | undefined;
  /** For the error message: which model needed this provider. */
  readonly modelName: string | null;
}

function missingKey(provider: ProviderConfig, names: readonly string[], modelName: string | null): ProviderCallError {
  const variable = names.length === 1 ? names[0] : `${names[0]} (or ${names.slice(1).join(', ')})`;
  const neededBy = modelName === null ? `provider ${provider.name}` : `model ${modelName}, provider ${provider.name}`;
  return new ProviderCallError(
    detourFact('authentication', `${variable} is not set (needed by ${neededBy})`, provider.type, { code: 'missing_api_key' }),
  );
}

/** The API key for a provider, or a ProviderCallError of kind `authentication` naming the variable. */
export function resolveApiKey(provider: ProviderConfig, context: SettingsContext): string {
  if (context.apiKeyOverride !== undefined) return context.apiKeyOverride;
  // Entra ID sign-in takes a token provider, not a key.
  if (provider.azure?.auth === 'entra_id') return '';
  const defaults = DEFAULT_API_KEY_ENV[provider.type];
  // The loader fills in the first default name; the others (GOOGLE_API_KEY) still count then.
  const names = provider.apiKeyEnv === null || provider.apiKeyEnv === defaults[0] ? defaults : [provider.apiKeyEnv];
  for (const name of names) {
    const value = context.env[name];
    if (value !== undefined && value !== '') return value;
  }
  if (names.length === 0) return NO_API_KEY;
  throw missingKey(provider, names, context.modelName);
}

/** Client settings without the key and fetch: the part a cached client is keyed by. */
export function settingsKey(provider: ProviderConfig, context: SettingsContext): string {
  return JSON.stringify([
    provider.type,
    provider.apiKeyEnv,
    context.baseUrlOverride ?? provider.baseUrl,
    provider.timeoutMs,
    provider.maxConnections,
    provider.headers,
    provider.region ?? null,
    provider.profile ?? null,
    provider.azure ?? null,
    provider.vertex ?? null,
  ]);
}

/** Everything but `fetch`, which the factory adds (it owns the connection pools). */
export function resolveSettings(provider: ProviderConfig, context: SettingsContext): Omit<ClientSettings, 'fetch'> {
  const apiKey = resolveApiKey(provider, context);
  let baseUrl = provider.baseUrl;
  if (context.baseUrlOverride !== undefined) baseUrl = baseUrlFor(provider.type, context.baseUrlOverride);
  if (baseUrl === null && provider.type === 'openai_compatible') {
    throw new ProviderCallError(
      detourFact('invalid_request', `provider ${provider.name} is openai_compatible and needs a base_url`, provider.type, {
        code: 'missing_base_url',
      }),
    );
  }
  return { apiKey, baseUrl, timeoutMs: provider.timeoutMs, headers: provider.headers };
}
