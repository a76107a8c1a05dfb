import type * as GoogleSdk from '@google/genai';
import type { GoogleGenAI, HttpOptions } from '@google/genai';
import type { ClientSettings } from '../client-settings.js';

/**
 * A `@google/genai` client for the Gemini API as detour uses it: one attempt
 * per call (`retryOptions: { attempts: 1 }`), never Vertex AI because of an
 * environment variable, and the pooled fetch when `max_connections` is set
 * (`httpOptions.fetch`).
 *
 * @example
 * const client = createGoogleClient(await import('@google/genai'), { apiKey, baseUrl: null, timeoutMs: null, fetch: null, headers: {} });
 */
export function createGoogleClient(sdk: typeof GoogleSdk, settings: ClientSettings): GoogleGenAI {
  const httpOptions: HttpOptions = { apiVersion: 'v1beta', retryOptions: { attempts: 1 } };
  if (settings.baseUrl !== null) httpOptions.baseUrl = settings.baseUrl;
  if (settings.timeoutMs !== null) httpOptions.timeout = settings.timeoutMs;
  if (settings.fetch !== null) httpOptions.fetch = settings.fetch;
  if (Object.keys(settings.headers).length > 0) httpOptions.headers = { ...settings.headers };
  return new sdk.GoogleGenAI({ apiKey: settings.apiKey, vertexai: false, httpOptions });
}
