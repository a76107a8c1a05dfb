import type * as AnthropicVertexSdk from '@anthropic-ai/vertex-sdk';
import type { AnthropicVertex } from '@anthropic-ai/vertex-sdk';
import type * as GoogleSdk from '@google/genai';
import type { GoogleGenAI, HttpOptions } from '@google/genai';
import type { ClientSettings } from '../client-settings.js';
import { credentialRecordingFetch, rememberClientSecrets } from '../credential-secrets.js';
import type { GoogleAuthClient } from './google-auth-client.js';
import { vertexEndpoint, type ResolvedVertex } from './vertex-settings.js';

/** What a Vertex AI client is built from: the usual settings (the key unused), the project and location, the credentials. */
export interface VertexClientSettings extends Omit<ClientSettings, 'apiKey'>, ResolvedVertex {
  /** null: Google application-default credentials, found by the SDK. */
  readonly authClient: GoogleAuthClient | null;
}

/**
 * `@google/genai` in Vertex mode as detour uses it: one attempt per call, the
 * project and location given (so no API key from the environment joins in),
 * Google credentials signing every request.
 *
 * @example
 * createVertexGeminiClient(await import('@google/genai'), { project: 'acme', location: 'us-central1', authClient: null, baseUrl: null, timeoutMs: null, fetch: null, headers: {} });
 */
export function createVertexGeminiClient(sdk: typeof GoogleSdk, settings: VertexClientSettings): GoogleGenAI {
  const httpOptions: HttpOptions = { apiVersion: 'v1', retryOptions: { attempts: 1 } };
  if (settings.baseUrl !== null) httpOptions.baseUrl = settings.baseUrl;
  if (settings.timeoutMs !== null) httpOptions.timeout = settings.timeoutMs;
  // Access tokens exist only once a request is signed: the fetch remembers them for scrubbing.
  const secrets: string[] = [];
  httpOptions.fetch = credentialRecordingFetch(settings.fetch, secrets);
  if (Object.keys(settings.headers).length > 0) httpOptions.headers = { ...settings.headers };
  const client = new sdk.GoogleGenAI({
    vertexai: true,
    project: settings.project,
    location: settings.location,
    ...(settings.authClient === null ? {} : { googleAuthOptions: { authClient: settings.authClient as never } }),
    httpOptions,
  });
  rememberClientSecrets(client, secrets);
  return client;
}

/**
 * Anthropic's Vertex SDK (`AnthropicVertex`) as detour uses it: retries and
 * the SDK's own spans off, the project and region given, the endpoint set
 * here (so `ANTHROPIC_VERTEX_BASE_URL` never joins in), Google credentials
 * signing every request.
 *
 * @example
 * createVertexAnthropicClient(await import('@anthropic-ai/vertex-sdk'), { project: 'acme', location: 'us-east5', authClient: null, baseUrl: null, timeoutMs: null, fetch: null, headers: {} });
 */
export function createVertexAnthropicClient(sdk: typeof AnthropicVertexSdk, settings: VertexClientSettings): AnthropicVertex {
  const secrets: string[] = [];
  const client = new sdk.AnthropicVertex({
    projectId: settings.project,
    region: settings.location,
    baseURL: `${(settings.baseUrl ?? vertexEndpoint(settings.location)).replace(/\/+$/, '')}/v1`,
    ...(settings.authClient === null ? {} : { authClient: settings.authClient as never }),
    maxRetries: 0,
    logLevel: 'off' as const,
    openTelemetry: false,
    ...(settings.timeoutMs === null ? {} : { timeout: settings.timeoutMs }),
    fetch: credentialRecordingFetch(settings.fetch, secrets),
    ...(Object.keys(settings.headers).length === 0 ? {} : { defaultHeaders: { ...settings.headers } }),
  });
  rememberClientSecrets(client, secrets);
  return client;
}
