import type * as OpenAISdk from 'openai';
import type OpenAI from 'openai';
import type { ClientSettings } from '../client-settings.js';
import { controlledFetch, markControlled } from '../controlled-fetch.js';

/** OpenAI's public endpoint, used when no base URL is configured. */
export const OPENAI_DEFAULT_BASE_URL = 'https://api.openai.com/v1';

/**
 * An `openai` client as detour uses it: retries off (detour alone retries),
 * nothing read from `OPENAI_*` environment variables behind the caller's back.
 *
 * @example
 * const client = createOpenAIClient(await import('openai'), { apiKey, baseUrl: null, timeoutMs: 30_000, fetch: null, headers: {} });
 */
export function createOpenAIClient(sdk: typeof OpenAISdk, settings: ClientSettings): OpenAI {
  return markControlled(
    new sdk.OpenAI({
      apiKey: settings.apiKey,
      organization: null,
      project: null,
      maxRetries: 0,
      // The SDK's own logger prints raw stream chunks (model output) on parse errors, and request
      // bodies under OPENAI_LOG / ANTHROPIC_LOG=debug: detour reports through its logger and spans.
      logLevel: 'off' as const,
      baseURL: settings.baseUrl ?? OPENAI_DEFAULT_BASE_URL,
      ...(settings.timeoutMs === null ? {} : { timeout: settings.timeoutMs }),
      fetch: controlledFetch(settings.fetch),
      ...(Object.keys(settings.headers).length === 0 ? {} : { defaultHeaders: { ...settings.headers } }),
    }),
  );
}
