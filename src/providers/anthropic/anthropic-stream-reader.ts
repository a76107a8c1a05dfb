/**
 * What Anthropic's message stream events say: text deltas, the stop reason,
 * usage and ids, and whether `message_stop` came.
 */
import type { RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages/messages';
import { filteredResponseError, streamEndedError } from '../call-error.js';
import { responseOf, textContent } from '../response.js';
import type { StreamReader } from '../run-stream.js';
import type { GenerateResponse } from '../spec.js';
import { mapAnthropicFinishReason } from './map-anthropic-finish-reason.js';

/**
 * One streamed message's reading; `finish` throws when no `message_stop`
 * came, or when the stop reason says the answer was filtered.
 *
 * @example
 * runStream(protocol, request, options, new AnthropicStreamReader());
 */
export class AnthropicStreamReader implements StreamReader<RawMessageStreamEvent> {
  private rawFinish: string | null = null;
  private stopped = false;
  private inputTokens: number | null = null;
  private outputTokens: number | null = null;
  private responseModel: string | null = null;
  private responseId: string | null = null;

  read(event: RawMessageStreamEvent): string {
    switch (event.type) {
      case 'message_start':
        this.responseId = event.message.id ?? null;
        this.responseModel = event.message.model ?? null;
        this.inputTokens = event.message.usage?.input_tokens ?? null;
        this.outputTokens = event.message.usage?.output_tokens ?? null;
        return '';
      case 'content_block_delta':
        return event.delta.type === 'text_delta' ? event.delta.text : '';
      case 'message_delta':
        if (event.delta.stop_reason) this.rawFinish = event.delta.stop_reason;
        if (event.usage?.output_tokens !== undefined && event.usage.output_tokens !== null) this.outputTokens = event.usage.output_tokens;
        if (event.usage?.input_tokens !== undefined && event.usage.input_tokens !== null) this.inputTokens = event.usage.input_tokens;
        return '';
      case 'message_stop':
        this.stopped = true;
        return '';
      default:
        return '';
    }
  }

  finish(text: string): GenerateResponse {
    if (!this.stopped) throw streamEndedError('anthropic', text, 'a message_stop event');
    const finishReason = mapAnthropicFinishReason(this.rawFinish);
    if (finishReason.unified === 'content_filter') throw filteredResponseError('anthropic', finishReason, text);
    return responseOf({
      content: textContent(text),
      finishReason,
      usage: { inputTokens: this.inputTokens, outputTokens: this.outputTokens },
      responseModel: this.responseModel,
      responseId: this.responseId,
    });
  }
}
