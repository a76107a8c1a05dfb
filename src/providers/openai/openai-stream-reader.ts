/**
 * What OpenAI's chat completion chunks say: text deltas, the finish reason,
 * usage (the last chunk, with `stream_options.include_usage`) and ids.
 */
import type { ChatCompletionChunk } from 'openai/resources/chat/completions';
import { filteredResponseError, streamEndedError } from '../call-error.js';
import { responseOf, textContent } from '../response.js';
import type { StreamReader } from '../run-stream.js';
import type { GenerateResponse } from '../spec.js';
import { mapOpenAIFinishReason } from './map-openai-finish-reason.js';

/**
 * One streamed chat completion's reading; `finish` throws when no chunk
 * carried a `finish_reason`, or when it says the answer was filtered.
 *
 * @example
 * runStream(protocol, request, options, new OpenAIStreamReader('openai'));
 */
export class OpenAIStreamReader implements StreamReader<ChatCompletionChunk> {
  private rawFinish: string | null = null;
  private inputTokens: number | null = null;
  private outputTokens: number | null = null;
  private responseModel: string | null = null;
  private responseId: string | null = null;

  constructor(private readonly providerType: 'openai' | 'openai_compatible') {}

  read(chunk: ChatCompletionChunk): string {
    this.responseId ??= chunk.id ?? null;
    this.responseModel ??= chunk.model ?? null;
    if (chunk.usage) {
      this.inputTokens = chunk.usage.prompt_tokens ?? null;
      this.outputTokens = chunk.usage.completion_tokens ?? null;
    }
    const choice = chunk.choices?.[0];
    if (choice === undefined) return '';
    if (choice.finish_reason) this.rawFinish = choice.finish_reason;
    return choice.delta?.content || '';
  }

  finish(text: string): GenerateResponse {
    if (this.rawFinish === null) throw streamEndedError(this.providerType, text, 'a finish_reason');
    const finishReason = mapOpenAIFinishReason(this.rawFinish);
    if (finishReason.unified === 'content_filter') throw filteredResponseError(this.providerType, finishReason, text);
    return responseOf({
      content: textContent(text),
      finishReason,
      usage: { inputTokens: this.inputTokens, outputTokens: this.outputTokens },
      responseModel: this.responseModel,
      responseId: this.responseId,
    });
  }
}
