/**
 * What Anthropic's message stream events say: text, thinking (with its
 * signature) and tool-use deltas, the stop reason, usage and ids, and
 * whether `message_stop` came.
 */
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages/messages';
import { filteredResponseError, streamEndedError } from '../call-error.js';
import { ContentBuilder } from '../content-builder.js';
import { responseOf } from '../response.js';
import type { StreamReader } from '../run-stream.js';
import type { AnthropicProviderType } from './anthropic-request.js';
import type { GenerateResponse, StreamPart, Usage } from '../spec.js';
import { anthropicUsage, readAnthropicContentEvent } from './anthropic-response.js';
import { mapAnthropicFinishReason } from './map-anthropic-finish-reason.js';

/**
 * One streamed message's reading; `finish` throws when no `message_stop`
 * came, or when the stop reason says the answer was filtered.
 *
 * @example
 * runStream(protocol, request, options, new AnthropicStreamReader());
 */
export class AnthropicStreamReader implements StreamReader<RawMessageStreamEvent> {
  constructor(private readonly providerType: AnthropicProviderType = 'anthropic') {}

  private rawFinish: string | null = null;
  private stopped = false;
  private usage: Usage = { inputTokens: null, outputTokens: null };
  private responseModel: string | null = null;
  private responseId: string | null = null;
  private readonly content = new ContentBuilder();

  read(event: RawMessageStreamEvent, out: StreamPart[]): void {
    switch (event.type) {
      case 'message_start':
        this.responseId = event.message.id ?? null;
        this.responseModel = event.message.model ?? null;
        this.usage = anthropicUsage(event.message.usage);
        return;
      case 'message_delta':
        if (event.delta.stop_reason) this.rawFinish = event.delta.stop_reason;
        this.usage = anthropicUsage(event.usage, this.usage);
        return;
      case 'message_stop':
        this.stopped = true;
        return;
      default:
        readAnthropicContentEvent(event, this.content, out);
    }
  }

  finish(partialText: string, out: StreamPart[]): GenerateResponse {
    if (!this.stopped) throw streamEndedError(this.providerType, partialText, 'a message_stop event');
    const finishReason = mapAnthropicFinishReason(this.rawFinish);
    this.content.endTools(out);
    const response = responseOf({
      content: this.content.content(),
      finishReason,
      usage: this.usage,
      responseModel: this.responseModel,
      responseId: this.responseId,
    });
    if (finishReason.unified === 'content_filter') throw filteredResponseError(this.providerType, finishReason, partialText, null, response);
    return response;
  }
}
