import type * as AnthropicSdk from '@anthropic-ai/sdk';
import type Anthropic from '@anthropic-ai/sdk';
import type { ClientSettings } from '../client-settings.js';
import { controlledFetch, markControlled } from '../controlled-fetch.js';

/** Anthropic's public endpoint, used when no base URL is configured. */
export const ANTHROPIC_DEFAULT_BASE_URL = 'https://api.anthropic.com';

/**
 * An `@anthropic-ai/sdk` client as detour uses it: retries off, the SDK's own
 * OpenTelemetry spans off (detour records the attempt span), and no
 * credentials or base URL picked up from `ANTHROPIC_*` environment variables.
 *
 * @example
 * const client = createAnthropicClient(await import('@anthropic-ai/sdk'), { apiKey, baseUrl: null, timeoutMs: null, fetch: null, headers: {} });
 */
export function createAnthropicClient(sdk: typeof AnthropicSdk, settings: ClientSettings): Anthropic {
  return markControlled(
    new sdk.Anthropic({
      apiKey: settings.apiKey,
      authToken: null,
      maxRetries: 0,
      // The SDK's own logger prints raw stream chunks (model output) on parse errors, and request
      // bodies under OPENAI_LOG / ANTHROPIC_LOG=debug: detour reports through its logger and spans.
      logLevel: 'off' as const,
      openTelemetry: false,
      baseURL: settings.baseUrl ?? ANTHROPIC_DEFAULT_BASE_URL,
      ...(settings.timeoutMs === null ? {} : { timeout: settings.timeoutMs }),
      fetch: controlledFetch(settings.fetch),
      ...(Object.keys(settings.headers).length === 0 ? {} : { defaultHeaders: { ...settings.headers } }),
    }),
  );
}
