/**
 * The OpenAI chat completions adapter (also the engine of `openai_compatible`).
 */
import type OpenAI from 'openai';
import type { ChatCompletion, ChatCompletionChunk, ChatCompletionCreateParamsNonStreaming, ChatCompletionCreateParamsStreaming } from 'openai/resources/chat/completions';
import { CallControl } from '../call-control.js';
import { filteredResponseError, isBodyParseError, malformedResponseError, toCallError } from '../call-error.js';
import { mergeParams } from '../params.js';
import { responseOf } from '../response.js';
import { runStream, type StreamProtocol } from '../run-stream.js';
import { SdkAdapter } from '../sdk-adapter.js';
import type {
  CallOptions,
  GenerateRequest,
  GenerateResponse,
  ProviderAdapter,
  StreamPart,
} from '../spec.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import { toOpenAIBody, type MaxTokensField, type OpenAIProviderType } from './openai-request.js';
import { openAIContent, openAIUsage } from './openai-response.js';
import { OpenAIStreamReader } from './openai-stream-reader.js';

export interface OpenAIAdapterOptions {
  /** An `openai` client; detour's factory builds it with `maxRetries: 0`. */
  readonly client: OpenAI;
  /** The provider's model id, e.g. `gpt-4o`. */
  readonly modelId: string;
  /** The provider's key in `provider_config`. @default 'openai' */
  readonly provider?: string;
  /** @default 'openai' */
  readonly providerType?: OpenAIProviderType;
  /** The catalog entry's `params` (snake_case keys), merged over every request. */
  readonly params?: Readonly<Record<string, unknown>>;
  /** @default 'max_completion_tokens' for openai and azure_openai, 'max_tokens' for openai_compatible */
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
export class OpenAIAdapter extends SdkAdapter<OpenAI> implements ProviderAdapter {
  readonly providerType: OpenAIProviderType;
  private readonly maxTokensField: MaxTokensField;
  private readonly streamUsage: boolean;
  private readonly streaming: StreamProtocol<Record<string, unknown>, ChatCompletionChunk>;

  constructor(options: OpenAIAdapterOptions) {
    const providerType = options.providerType ?? 'openai';
    super(options, options.provider ?? providerType, options.client.baseURL);
    this.providerType = providerType;
    this.maxTokensField = options.maxTokensField ?? (this.providerType === 'openai_compatible' ? 'max_tokens' : 'max_completion_tokens');
    this.streamUsage = options.streamUsage ?? true;
    this.streaming = {
      provider: this.providerType,
      secrets: this.secrets,
      prepare: (request) => {
        const body = toOpenAIBody(mergeParams(request, this.params), this, this.maxTokensField);
        body['stream'] = true;
        if (this.streamUsage) body['stream_options'] = { include_usage: true };
        return body;
      },
      open: (body, control) =>
        control.race(
          this.client.chat.completions.create(body as unknown as ChatCompletionCreateParamsStreaming, {
            maxRetries: 0,
            signal: control.signal,
          }),
        ),
    };
  }

  async generate(request: GenerateRequest, options?: CallOptions): Promise<GenerateResponse> {
    const body = toOpenAIBody(mergeParams(request, this.params), this, this.maxTokensField);
    const control = CallControl.of(options);
    let completion: ChatCompletion;
    try {
      const call = this.client.chat.completions.create(body as unknown as ChatCompletionCreateParamsNonStreaming, this.requestOptions(control));
      completion = await (control === undefined ? call : control.race(call));
    } catch (error) {
      if (isBodyParseError(error) && control?.aborted !== true && control?.timedOut !== true) throw malformedResponseError(this.providerType, undefined, 'choices', error);
      throw toCallError(error, { provider: this.providerType, control, secrets: this.secrets });
    } finally {
      control?.dispose();
    }
    if (!Array.isArray((completion as { choices?: unknown } | null | undefined)?.choices)) throw malformedResponseError(this.providerType, completion, 'choices');
    const choice = completion.choices?.[0];
    const finishReason = mapOpenAIFinishReason(choice?.finish_reason);
    const response = responseOf({
      content: openAIContent(choice?.message).content(),
      finishReason,
      usage: openAIUsage(completion.usage),
      responseModel: completion.model ?? null,
      responseId: completion.id ?? null,
      refusal: choice?.message?.refusal ?? null,
    });
    if (finishReason.unified === 'content_filter') {
      // Azure says which categories filtered the answer.
      const results = (choice as { content_filter_results?: unknown } | undefined)?.content_filter_results;
      throw filteredResponseError(this.providerType, finishReason, response.text, null, response, results);
    }
    return response;
  }

  stream(request: GenerateRequest, options?: CallOptions): AsyncGenerator<StreamPart, void, undefined> {
    return runStream(this.streaming, request, options, new OpenAIStreamReader(this.providerType));
  }
}
