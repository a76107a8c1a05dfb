/**
 * An AI SDK language model (`@ai-sdk/mistral`, `@ai-sdk/groq`, any
 * `LanguageModelV4`) as a detour backend: policies name it with
 * `provider: ai_sdk`. detour calls the model's `doGenerate` / `doStream`
 * directly, so the AI SDK's own retries never run: the policy is the only
 * retry logic.
 */
import type { LanguageModelV4, LanguageModelV4GenerateResult, LanguageModelV4StreamPart } from '@ai-sdk/provider';
import { CallControl } from '../call-control.js';
import { filteredResponseError, toCallError } from '../call-error.js';
import { catalogParams, mergeParams } from '../params.js';
import { runStream, type StreamProtocol } from '../run-stream.js';
import type { CallOptions, GenerateRequest, GenerateResponse, GenerationParams, ProviderAdapter, StreamPart } from '../spec.js';
import { toCallOptions } from './call-options.js';
import { fromAiSdkContent, fromAiSdkFinishReason, fromAiSdkUsage } from './result.js';
import { AiSdkStreamReader } from './ai-sdk-stream-reader.js';

/**
 * What detour needs of an AI SDK language model: the spec's fields and its
 * two `do*` methods. Every `LanguageModelV4` from the AI SDK's provider
 * packages (the line `ai` 7 uses) is one.
 */
export interface AiSdkLanguageModel {
  readonly specificationVersion: 'v4';
  readonly provider: string;
  readonly modelId: string;
  doGenerate(options: never): PromiseLike<unknown>;
  doStream(options: never): PromiseLike<unknown>;
}

export interface AiSdkAdapterOptions {
  readonly model: AiSdkLanguageModel;
  /** The catalog entry's `params`, merged over every request. */
  readonly params?: Readonly<Record<string, unknown>>;
}

/** `openai.chat` → `openai`: the key AI SDK providers read their `providerOptions` under. */
function providerOptionsKey(provider: string): string {
  return provider.split('.', 1)[0] ?? provider;
}

/**
 * @example
 * const adapter = new AiSdkAdapter({ model: createMistral()('mistral-large-latest') });
 * const answer = await adapter.generate({ model: adapter.modelId, messages: [{ role: 'user', content: 'Hi' }] });
 */
export class AiSdkAdapter implements ProviderAdapter {
  readonly specificationVersion = 'v2' as const;
  /** The AI SDK model's `provider` (e.g. `mistral.chat`): telemetry names the provider from it. */
  readonly provider: string;
  readonly providerType = 'ai_sdk' as const;
  readonly modelId: string;
  readonly serverAddress = null;
  readonly serverPort = null;
  private readonly model: LanguageModelV4;
  private readonly params: GenerationParams | null;
  private readonly optionsKey: string;
  private readonly streaming: StreamProtocol<GenerateRequest, LanguageModelV4StreamPart>;

  constructor(options: AiSdkAdapterOptions) {
    this.model = options.model as unknown as LanguageModelV4;
    this.provider = options.model.provider;
    this.modelId = options.model.modelId;
    this.params = catalogParams(options.params);
    this.optionsKey = providerOptionsKey(options.model.provider);
    const model = this.model;
    const key = this.optionsKey;
    this.streaming = {
      provider: 'ai_sdk',
      secrets: [],
      prepare: (request) => mergeParams(request, this.params),
      async open(request, control) {
        const result = await control.race(Promise.resolve(model.doStream(toCallOptions(request, key, control.signal))));
        return result.stream;
      },
    };
  }

  async generate(request: GenerateRequest, options?: CallOptions): Promise<GenerateResponse> {
    const control = CallControl.of(options) ?? new CallControl(undefined);
    const merged = mergeParams(request, this.params);
    let result: LanguageModelV4GenerateResult;
    try {
      result = await control.race(Promise.resolve(this.model.doGenerate(toCallOptions(merged, this.optionsKey, control.signal))));
    } catch (error) {
      throw toCallError(error, { provider: 'ai_sdk', control });
    } finally {
      control.dispose();
    }
    const content = fromAiSdkContent(result.content);
    const response: GenerateResponse = {
      ...content,
      finishReason: fromAiSdkFinishReason(result.finishReason),
      usage: fromAiSdkUsage(result.usage),
      responseModel: result.response?.modelId ?? null,
      responseId: result.response?.id ?? null,
    };
    if (response.finishReason.unified === 'content_filter') throw filteredResponseError('ai_sdk', response.finishReason, response.text, null, response);
    return response;
  }

  stream(request: GenerateRequest, options?: CallOptions): AsyncIterable<StreamPart> {
    return runStream(this.streaming, request, options, new AiSdkStreamReader());
  }
}
