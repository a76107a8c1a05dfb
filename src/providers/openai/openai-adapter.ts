/**
 * The OpenAI chat completions adapter (also the engine of `openai_compatible`).
 */
import type OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { CallControl } from '../call-control.js';
import { clientSecrets, filteredResponseError, streamEndedError, toCallError } from '../call-error.js';
import { catalogParams, mergeParams } from '../params.js';
import { serverAddressOf } from '../server-address.js';
import type {
  CallOptions,
  GenerateRequest,
  GenerateResponse,
  GenerationParams,
  ProviderAdapter,
  StreamPart,
} from '../spec.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import { toOpenAIBody, type MaxTokensField } from './openai-request.js';

export interface OpenAIAdapterOptions {
  /** An `openai` client; detour's factory builds it with `maxRetries: 0`. */
  readonly client: OpenAI;
  /** The provider's model id, e.g. `gpt-4o`. */
  readonly modelId: string;
  /** The provider's key in `provider_config`. @default 'openai' */
  readonly provider?: string;
  /** @default 'openai' */
  readonly providerType?: 'openai' | 'openai_compatible';
  /** The catalog entry's `params` (snake_case keys), merged over every request. */
  readonly params?: Readonly<Record<string, unknown>>;
  /** @default 'max_completion_tokens' for openai, 'max_tokens' for openai_compatible */
  readonly maxTokensField?: MaxTokensField;
  /** Ask for usage in streams (`stream_options.include_usage`). @default true */
  readonly streamUsage?: boolean;
}

/**
 * A `ProviderAdapter` over `client.chat.completions.create`.
 *
 * @example
 * const adapter = new OpenAIAdapter({ client: new OpenAI({ apiKey, maxRetries: 0 }), modelId: 'gpt-4o' });
 * const response = await adapter.generate({ model: 'gpt-4o', messages: [{ role: 'user', content: 'Hi' }] });
 */
export class OpenAIAdapter implements ProviderAdapter {
  readonly specificationVersion = 'v1' as const;
  readonly provider: string;
  readonly providerType: 'openai' | 'openai_compatible';
  readonly modelId: string;
  readonly serverAddress: string | null;
  readonly serverPort: number | null;
  private readonly client: OpenAI;
  private readonly secrets: readonly string[];
  private readonly params: GenerationParams | null;
  private readonly maxTokensField: MaxTokensField;
  private readonly streamUsage: boolean;

  constructor(options: OpenAIAdapterOptions) {
    this.client = options.client;
    this.secrets = clientSecrets(options.client);
    this.modelId = options.modelId;
    this.providerType = options.providerType ?? 'openai';
    this.provider = options.provider ?? this.providerType;
    this.params = catalogParams(options.params);
    this.maxTokensField = options.maxTokensField ?? (this.providerType === 'openai' ? 'max_completion_tokens' : 'max_tokens');
    this.streamUsage = options.streamUsage ?? true;
    const address = serverAddressOf(this.client.baseURL);
    this.serverAddress = address.serverAddress;
    this.serverPort = address.serverPort;
  }

  async generate(request: GenerateRequest, options?: CallOptions): Promise<GenerateResponse> {
    const body = toOpenAIBody(mergeParams(request, this.params), this.modelId, this.maxTokensField);
    const control = CallControl.isNeeded(options) ? new CallControl(options) : undefined;
    let completion: ChatCompletion;
    try {
      const call = this.client.chat.completions.create(body as unknown as ChatCompletionCreateParamsNonStreaming, {
        maxRetries: 0,
        ...(control === undefined ? {} : { signal: control.signal }),
      });
      completion = await (control === undefined ? call : control.race(call));
    } catch (error) {
      throw toCallError(error, { provider: this.providerType, control, secrets: this.secrets });
    } finally {
      control?.dispose();
    }
    const choice = completion.choices?.[0];
    const finishReason = mapOpenAIFinishReason(choice?.finish_reason);
    const text = choice?.message?.content ?? '';
    if (finishReason.unified === 'content_filter') throw filteredResponseError(this.providerType, finishReason, text);
    return {
      text,
      finishReason,
      usage: {
        inputTokens: completion.usage?.prompt_tokens ?? null,
        outputTokens: completion.usage?.completion_tokens ?? null,
      },
      responseModel: completion.model ?? null,
      responseId: completion.id ?? null,
    };
  }

  async *stream(request: GenerateRequest, options?: CallOptions): AsyncGenerator<StreamPart, void, undefined> {
    const body = toOpenAIBody(mergeParams(request, this.params), this.modelId, this.maxTokensField);
    body['stream'] = true;
    if (this.streamUsage) body['stream_options'] = { include_usage: true };
    const control = new CallControl(options);
    let partialText = '';
    let started = false;
    let finished = false;
    try {
      const call = this.client.chat.completions.create(body as unknown as ChatCompletionCreateParamsStreaming, {
        maxRetries: 0,
        signal: control.signal,
      });
      const chunks = await control.race(call);
      started = true;
      let rawFinish: string | null = null;
      let inputTokens: number | null = null;
      let outputTokens: number | null = null;
      let responseModel: string | null = null;
      let responseId: string | null = null;
      for await (const chunk of chunks as AsyncIterable<ChatCompletionChunk>) {
        responseId ??= chunk.id ?? null;
        responseModel ??= chunk.model ?? null;
        if (chunk.usage) {
          inputTokens = chunk.usage.prompt_tokens ?? null;
          outputTokens = chunk.usage.completion_tokens ?? null;
        }
        const choice = chunk.choices?.[0];
        if (choice === undefined) continue;
        const delta = choice.delta?.content;
        if (delta) {
          partialText += delta;
          yield { type: 'text-delta', text: delta };
        }
        if (choice.finish_reason) rawFinish = choice.finish_reason;
      }
      control.throwIfAborted();
      if (rawFinish === null) throw streamEndedError(this.providerType, partialText, 'a finish_reason');
      const finishReason = mapOpenAIFinishReason(rawFinish);
      if (finishReason.unified === 'content_filter') throw filteredResponseError(this.providerType, finishReason, partialText);
      finished = true;
      yield {
        type: 'finish',
        response: { text: partialText, finishReason, usage: { inputTokens, outputTokens }, responseModel, responseId },
      };
    } catch (error) {
      finished = true;
      throw toCallError(error, { provider: this.providerType, control, duringStream: started, partialText, secrets: this.secrets });
    } finally {
      if (!finished) control.cancel();
      control.dispose();
    }
  }
}
