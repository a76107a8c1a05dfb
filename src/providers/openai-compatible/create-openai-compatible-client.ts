import type * as OpenAISdk from 'openai';
import type OpenAI from 'openai';
import type { ClientSettings } from '../client-settings.js';
import { controlledFetch, markControlled } from '../controlled-fetch.js';

/**
 * A client for any server that speaks OpenAI's chat completions (vLLM, Ollama,
 * Groq, LM Studio, Azure OpenAI). Retries off, nothing read from `OPENAI_*`
 * environment variables, so an OpenAI key never leaks to a third-party server.
 *
 * Azure-style endpoints: give the API version in the base URL's query,
 * `https://my-resource.openai.azure.com/openai?api-version=2024-10-21`. detour
 * then sends the key in an `api-key` header and `api-version` on every request,
 * and calls `/deployments/{model}/chat/completions` (the catalog's `model` is
 * the deployment name), through the SDK's `AzureOpenAI`.
 *
 * @example
 * createOpenAICompatibleClient(await import('openai'), { apiKey: 'unused', baseUrl: 'http://127.0.0.1:11434/v1', timeoutMs: null, fetch: null, headers: {} });
 */
export function createOpenAICompatibleClient(sdk: typeof OpenAISdk, settings: ClientSettings): OpenAI {
  const common = {
    apiKey: settings.apiKey,
    organization: null,
    project: null,
    maxRetries: 0,
    // The SDK's own logger prints raw stream chunks (model output) on parse errors, and request
    // bodies under OPENAI_LOG / ANTHROPIC_LOG=debug: detour reports through its logger and spans.
    logLevel: 'off' as const,
    ...(settings.timeoutMs === null ? {} : { timeout: settings.timeoutMs }),
    fetch: controlledFetch(settings.fetch),
    ...(Object.keys(settings.headers).length === 0 ? {} : { defaultHeaders: { ...settings.headers } }),
  };
  const azure = azureEndpoint(settings.baseUrl);
  if (azure !== null) return markControlled(new sdk.AzureOpenAI({ ...common, baseURL: azure.baseUrl, apiVersion: azure.apiVersion }));
  return markControlled(new sdk.OpenAI({ ...common, baseURL: openAICompatibleBaseUrl(settings.baseUrl) }));
}

/** Where an OpenAI-compatible client sends requests: the Azure endpoint without its query, else the base URL. */
export function openAICompatibleBaseUrl(baseUrl: string | null): string {
  return azureEndpoint(baseUrl)?.baseUrl ?? baseUrl ?? 'http://127.0.0.1:8000/v1';
}

/** The base URL without its query, and the `api-version` it names; null when it names none. */
export function azureEndpoint(baseUrl: string | null): { readonly baseUrl: string; readonly apiVersion: string } | null {
  if (baseUrl === null || !baseUrl.includes('api-version=')) return null;
  try {
    const url = new URL(baseUrl);
    const apiVersion = url.searchParams.get('api-version');
    if (apiVersion === null || apiVersion === '') return null;
    url.search = '';
    return { baseUrl: url.toString().replace(/\/$/, ''), apiVersion };
  } catch {
    return null;
  }
}
