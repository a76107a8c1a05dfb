/**
 * What Gemini's streamed responses say: text (thoughts left out), the finish
 * reason or the prompt's block reason, usage and ids.
 */
import type { GenerateContentResponse } from '@google/genai';
import { filteredResponseError, streamEndedError } from '../call-error.js';
import { responseOf, textContent } from '../response.js';
import type { StreamReader } from '../run-stream.js';
import type { FinishReason, GenerateResponse } from '../spec.js';
import { finishOf, textOf } from './google-response.js';

/**
 * One streamed generation's reading; `finish` throws when no chunk carried a
 * finish reason, or when it (or the prompt's block reason) says the answer
 * was filtered.
 *
 * @example
 * runStream(protocol, request, options, new GoogleStreamReader());
 */
export class GoogleStreamReader implements StreamReader<GenerateContentResponse> {
  private finishReason: FinishReason | null = null;
  private blockReason: string | null = null;
  private inputTokens: number | null = null;
  private outputTokens: number | null = null;
  private responseModel: string | null = null;
  private responseId: string | null = null;

  read(chunk: GenerateContentResponse): string {
    this.responseId ??= chunk.responseId ?? null;
    this.responseModel ??= chunk.modelVersion ?? null;
    if (chunk.usageMetadata) {
      this.inputTokens = chunk.usageMetadata.promptTokenCount ?? this.inputTokens;
      this.outputTokens = chunk.usageMetadata.candidatesTokenCount ?? this.outputTokens;
    }
    this.finishReason = finishOf(chunk) ?? this.finishReason;
    this.blockReason = chunk.promptFeedback?.blockReason ?? this.blockReason;
    return textOf(chunk);
  }

  finish(text: string): GenerateResponse {
    const finishReason = this.finishReason;
    if (finishReason === null) throw streamEndedError('google', text, 'a finishReason');
    if (finishReason.unified === 'content_filter') throw filteredResponseError('google', finishReason, text, this.blockReason);
    return responseOf({
      content: textContent(text),
      finishReason,
      usage: { inputTokens: this.inputTokens, outputTokens: this.outputTokens },
      responseModel: this.responseModel,
      responseId: this.responseId,
    });
  }
}
