import type OpenAI from 'openai';
import { OpenAIAdapter } from '../openai/openai-adapter.js';
import type { MaxTokensField } from '../openai/openai-request.js';

export interface OpenAICompatibleAdapterOptions {
  /** A client from `createOpenAICompatibleClient` (or any `openai` client pointed at the server). */
  readonly client: OpenAI;
  readonly modelId: string;
  /** The provider's key in `provider_config`, e.g. `local`. @default 'openai_compatible' */
  readonly provider?: string;
  readonly params?: Readonly<Record<string, unknown>>;
  /** @default 'max_tokens' (what vLLM, Ollama and Groq read) */
  readonly maxTokensField?: MaxTokensField;
  /** Ask for usage in streams; turn off for servers that reject `stream_options`. @default true */
  readonly streamUsage?: boolean;
}

/**
 * The OpenAI adapter against any OpenAI-compatible server: the same wire
 * protocol, reported as provider type `openai_compatible`.
 *
 * @example
 * const client = createOpenAICompatibleClient({ apiKey: 'unused', baseUrl: 'http://127.0.0.1:11434/v1', timeoutMs: null, fetch: null, headers: {} });
 * const adapter = createOpenAICompatibleAdapter({ client, modelId: 'llama3.1', provider: 'local' });
 */
export function createOpenAICompatibleAdapter(options: OpenAICompatibleAdapterOptions): OpenAIAdapter {
  return new OpenAIAdapter({
    client: options.client,
    modelId: options.modelId,
    provider: options.provider ?? 'openai_compatible',
    providerType: 'openai_compatible',
    maxTokensField: options.maxTokensField ?? 'max_tokens',
    ...(options.params === undefined ? {} : { params: options.params }),
    ...(options.streamUsage === undefined ? {} : { streamUsage: options.streamUsage }),
  });
}
