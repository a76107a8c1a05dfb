import type * as OpenAISdk from 'openai';
import type { AzureOpenAI } from 'openai';
import type { ClientSettings } from '../client-settings.js';
import { controlledFetch, markControlled } from '../controlled-fetch.js';
import { credentialRecordingFetch, rememberClientSecrets } from '../credential-secrets.js';

/** Microsoft Entra ID's scope for Azure OpenAI (Cognitive Services) tokens. */
export const AZURE_COGNITIVE_SERVICES_SCOPE = 'https://cognitiveservices.azure.com/.default';

/** A function that returns a fresh Microsoft Entra ID bearer token (what `@azure/identity`'s `getBearerTokenProvider` makes). */
export type AzureADTokenProvider = () => Promise<string>;

export interface AzureOpenAIClientSettings extends ClientSettings {
  /** `https://{resource}.openai.azure.com`; ignored when `baseUrl` is set (a gateway, the simulator). */
  readonly endpoint: string;
  readonly apiVersion: string;
  /** Entra ID sign-in instead of `apiKey`. */
  readonly azureADTokenProvider: AzureADTokenProvider | null;
}

/**
 * The `openai` SDK's `AzureOpenAI` client as detour uses it: retries off,
 * nothing read from `AZURE_OPENAI_*` / `OPENAI_*` environment variables
 * behind the caller's back (detour resolved them already), the key in an
 * `api-key` header or an Entra ID token as a bearer, `api-version` on every
 * request, `/deployments/{model}/…` paths (a model id is its deployment name).
 *
 * @example
 * const client = createAzureOpenAIClient(await import('openai'), {
 *   apiKey, endpoint: 'https://my-resource.openai.azure.com', apiVersion: '2024-10-21', azureADTokenProvider: null,
 *   baseUrl: null, timeoutMs: null, fetch: null, headers: {},
 * });
 */
export function createAzureOpenAIClient(sdk: typeof OpenAISdk, settings: AzureOpenAIClientSettings): AzureOpenAI {
  // Entra ID tokens exist only once a request is signed: the fetch remembers them (and the key) for scrubbing.
  const secrets = settings.azureADTokenProvider === null && settings.apiKey !== '' ? [settings.apiKey] : [];
  const client = new sdk.AzureOpenAI({
    // Explicit values, so the SDK's defaults (AZURE_OPENAI_API_KEY, OPENAI_BASE_URL) never join in.
    ...(settings.azureADTokenProvider === null ? { apiKey: settings.apiKey } : { apiKey: '', azureADTokenProvider: settings.azureADTokenProvider }),
    apiVersion: settings.apiVersion,
    ...(settings.baseUrl === null ? { baseURL: null, endpoint: settings.endpoint } : { baseURL: settings.baseUrl }),
    organization: null,
    project: null,
    maxRetries: 0,
    // The SDK's own logger prints raw stream chunks (model output) on parse errors: detour reports through its logger and spans.
    logLevel: 'off' as const,
    ...(settings.timeoutMs === null ? {} : { timeout: settings.timeoutMs }),
    fetch: credentialRecordingFetch(controlledFetch(settings.fetch), secrets),
    ...(Object.keys(settings.headers).length === 0 ? {} : { defaultHeaders: { ...settings.headers } }),
  });
  rememberClientSecrets(client, secrets);
  return markControlled(client);
}

/** Where an Azure OpenAI client sends requests, for telemetry: `{endpoint}/openai`, or the base URL given. */
export function azureOpenAIBaseUrl(endpoint: string | null, baseUrl: string | null): string | null {
  if (baseUrl !== null) return baseUrl;
  return endpoint === null ? null : `${endpoint.replace(/\/+$/, '')}/openai`;
}
