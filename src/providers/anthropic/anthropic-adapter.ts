/**
 * The Anthropic messages adapter.
 */
import type Anthropic from '@anthropic-ai/sdk';
import type {
  Message as AnthropicMessage,
  MessageCreateParamsNonStreaming,
  MessageCreateParamsStreaming,
  RawMessageStreamEvent,
} from '@anthropic-ai/sdk/resources/messages/messages';
import { CallControl } from '../call-control.js';
import { filteredResponseError, isBodyParseError, malformedResponseError, toCallError } from '../call-error.js';
import { mergeParams } from '../params.js';
import { responseOf } from '../response.js';
import { runStream, type StreamProtocol } from '../run-stream.js';
import { SdkAdapter } from '../sdk-adapter.js';
import type { CallOptions, GenerateRequest, GenerateResponse, ProviderAdapter, StreamPart } from '../spec.js';
import { DEFAULT_ANTHROPIC_MAX_TOKENS, toAnthropicBody, type AnthropicProviderType } from './anthropic-request.js';
import { anthropicContent, anthropicUsage } from './anthropic-response.js';
import { AnthropicStreamReader } from './anthropic-stream-reader.js';
import { mapAnthropicFinishReason } from './map-anthropic-finish-reason.js';

export interface AnthropicAdapterOptions {
  /** An `@anthropic-ai/sdk` client; detour's factory builds it with `maxRetries: 0, openTelemetry: false`. */
  readonly client: Anthropic;
  /** The provider's model id, e.g. `claude-3-5-haiku-latest`. */
  readonly modelId: string;
  /** The provider's key in `provider_config`. @default 'anthropic' */
  readonly provider?: string;
  /** The catalog entry's `params` (snake_case keys), merged over every request. */
  readonly params?: Readonly<Record<string, unknown>>;
  /** `max_tokens` when neither the request nor the catalog sets one. @default 1024 */
  readonly defaultMaxTokens?: number;
  /** `vertex` for Claude on Vertex AI (an `AnthropicVertex` client). @default 'anthropic' */
  readonly providerType?: AnthropicProviderType;
}

/**
 * A `ProviderAdapter` over `client.messages.create`.
 *
 * @example
 * const adapter = new AnthropicAdapter({ client: new Anthropic({ apiKey, maxRetries: 0, openTelemetry: false }), modelId: 'claude-3-5-haiku-latest' });
 * const response = await adapter.generate({ model: 'claude-3-5-haiku-latest', messages: [{ role: 'user', content: 'Hi' }] });
 */
export class AnthropicAdapter extends SdkAdapter<Anthropic> implements ProviderAdapter {
  readonly providerType: AnthropicProviderType;
  private readonly defaultMaxTokens: number;
  private readonly streaming: StreamProtocol<Record<string, unknown>, RawMessageStreamEvent>;

  constructor(options: AnthropicAdapterOptions) {
    const providerType = options.providerType ?? 'anthropic';
    super(options, options.provider ?? providerType, options.client.baseURL);
    this.providerType = providerType;
    this.defaultMaxTokens = options.defaultMaxTokens ?? DEFAULT_ANTHROPIC_MAX_TOKENS;
    this.streaming = {
      provider: providerType,
      secrets: this.secrets,
      prepare: (request) => {
        const body = toAnthropicBody(mergeParams(request, this.params), this.modelId, this.defaultMaxTokens, providerType);
        body['stream'] = true;
        return body;
      },
      open: (body, control) =>
        control.race(
          this.client.messages.create(body as unknown as MessageCreateParamsStreaming, {
            maxRetries: 0,
            signal: control.signal,
          }),
        ),
    };
  }

  async generate(request: GenerateRequest, options?: CallOptions): Promise<GenerateResponse> {
    const body = toAnthropicBody(mergeParams(request, this.params), this.modelId, this.defaultMaxTokens, this.providerType);
    const control = CallControl.of(options);
    let message: AnthropicMessage;
    try {
      const call = this.client.messages.create(body as unknown as MessageCreateParamsNonStreaming, this.requestOptions(control));
      message = await (control === undefined ? call : control.race(call));
    } catch (error) {
      if (isBodyParseError(error) && control?.aborted !== true && control?.timedOut !== true) throw malformedResponseError(this.providerType, undefined, 'content', error);
      throw toCallError(error, { provider: this.providerType, control, secrets: this.secrets });
    } finally {
      control?.dispose();
    }
    if (!Array.isArray((message as { content?: unknown } | null | undefined)?.content)) throw malformedResponseError(this.providerType, message, 'content');
    const content = anthropicContent(message).content();
    const finishReason = mapAnthropicFinishReason(message.stop_reason);
    const response = responseOf({
      content,
      finishReason,
      usage: anthropicUsage(message.usage),
      responseModel: message.model ?? null,
      responseId: message.id ?? null,
    });
    if (finishReason.unified === 'content_filter') throw filteredResponseError(this.providerType, finishReason, response.text, null, response);
    return response;
  }

  stream(request: GenerateRequest, options?: CallOptions): AsyncGenerator<StreamPart, void, undefined> {
    return runStream(this.streaming, request, options, new AnthropicStreamReader(this.providerType));
  }
}
