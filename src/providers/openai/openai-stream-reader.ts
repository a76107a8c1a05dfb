/**
 * What OpenAI's chat completion chunks say: text, reasoning and tool-call
 * deltas, the finish reason, usage (the last chunk, with
 * `stream_options.include_usage`) and ids.
 */
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { filteredResponseError, streamEndedError } from '../call-error.js';
import { ContentBuilder } from '../content-builder.js';
import { responseOf } from '../response.js';
import type { StreamReader } from '../run-stream.js';
import type { GenerateResponse, StreamPart, Usage } from '../spec.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';
import type { OpenAIProviderType } from './openai-request.js';
import { openAIUsage, readOpenAIDelta } from './openai-response.js';

/**
 * One streamed chat completion's reading; `finish` throws when no chunk
 * carried a `finish_reason`, or when it says the answer was filtered.
 *
 * @example
 * runStream(protocol, request, options, new OpenAIStreamReader('openai'));
 */
export class OpenAIStreamReader implements StreamReader<ChatCompletionChunk> {
  private rawFinish: string | null = null;
  private usage: Usage = { inputTokens: null, outputTokens: null };
  private responseModel: string | null = null;
  private responseId: string | null = null;
  private refusal: string | null = null;
  private readonly content = new ContentBuilder();

  constructor(private readonly providerType: OpenAIProviderType) {}

  read(chunk: ChatCompletionChunk, out: StreamPart[]): void {
    this.responseId ??= chunk.id ?? null;
    this.responseModel ??= chunk.model ?? null;
    if (chunk.usage) this.usage = openAIUsage(chunk.usage);
    const choice = chunk.choices?.[0];
    if (choice === undefined) return;
    const delta = choice.delta;
    if (typeof delta?.refusal === 'string' && delta.refusal !== '') this.refusal = (this.refusal ?? '') + delta.refusal;
    readOpenAIDelta(delta, this.content, out);
    if (choice.finish_reason) {
      this.rawFinish = choice.finish_reason;
      this.content.endTools(out);
    }
  }

  finish(partialText: string, out: StreamPart[]): GenerateResponse {
    if (this.rawFinish === null) throw streamEndedError(this.providerType, partialText, 'a finish_reason');
    const finishReason = mapOpenAIFinishReason(this.rawFinish);
    this.content.endTools(out);
    const response = responseOf({
      content: this.content.content(),
      finishReason,
      usage: this.usage,
      responseModel: this.responseModel,
      responseId: this.responseId,
      refusal: this.refusal,
    });
    if (finishReason.unified === 'content_filter') throw filteredResponseError(this.providerType, finishReason, partialText, null, response);
    return response;
  }
}
