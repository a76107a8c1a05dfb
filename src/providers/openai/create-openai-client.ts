import OpenAI from 'openai';
import type { ClientSettings } from '../client-settings.js';

/**
 * An `openai` client as detour uses it: retries off (detour alone retries),
 * nothing read from `OPENAI_*` environment variables behind the caller's back.
 *
 * @example
 * const client = createOpenAIClient({ apiKey, baseUrl: null, timeoutMs: 30_000, fetch: null, headers: {} });
 */
export function createOpenAIClient(settings: ClientSettings): OpenAI {
  return new OpenAI({
    apiKey: settings.apiKey,
    organization: null,
    project: null,
    maxRetries: 0,
    // The SDK's own logger prints raw stream chunks (model output) on parse errors, and request
    // bodies under OPENAI_LOG / ANTHROPIC_LOG=debug: detour reports through its logger and spans.
    logLevel: 'off' as const,
    ...(settings.baseUrl === null ? { baseURL: 'https://api.openai.com/v1' } : { baseURL: settings.baseUrl }),
    ...(settings.timeoutMs === null ? {} : { timeout: settings.timeoutMs }),
    ...(settings.fetch === null ? {} : { fetch: settings.fetch }),
    ...(Object.keys(settings.headers).length === 0 ? {} : { defaultHeaders: { ...settings.headers } }),
  });
}
