/**
 * What Gemini's streamed responses say: text, thoughts and function calls
 * (whole, one chunk each), the finish reason or the prompt's block reason,
 * usage and ids.
 */
import type { GenerateContentResponse } from '@google/genai';
import { filteredResponseError, streamEndedError } from '../call-error.js';
import { ContentBuilder } from '../content-builder.js';
import { responseOf } from '../response.js';
import type { StreamReader } from '../run-stream.js';
import type { GoogleProviderType } from './google-request.js';
import type { FinishReason, GenerateResponse, StreamPart, Usage } from '../spec.js';
import { finishOf, googleUsage, readGoogleParts, withToolCalls } from './google-response.js';

/**
 * One streamed generation's reading; `finish` throws when no chunk carried a
 * finish reason, or when it (or the prompt's block reason) says the answer
 * was filtered.
 *
 * @example
 * runStream(protocol, request, options, new GoogleStreamReader());
 */
export class GoogleStreamReader implements StreamReader<GenerateContentResponse> {
  constructor(private readonly providerType: GoogleProviderType = 'google') {}

  private finishReason: FinishReason | null = null;
  private blockReason: string | null = null;
  private usage: Usage = { inputTokens: null, outputTokens: null };
  private responseModel: string | null = null;
  private responseId: string | null = null;
  private callIndex = 0;
  private readonly content = new ContentBuilder();

  read(chunk: GenerateContentResponse, out: StreamPart[]): void {
    this.responseId ??= chunk.responseId ?? null;
    this.responseModel ??= chunk.modelVersion ?? null;
    if (chunk.usageMetadata) this.usage = googleUsage(chunk.usageMetadata, this.usage);
    this.finishReason = finishOf(chunk) ?? this.finishReason;
    this.blockReason = chunk.promptFeedback?.blockReason ?? this.blockReason;
    this.callIndex = readGoogleParts(chunk, this.content, out, this.callIndex, this.responseId);
  }

  finish(partialText: string): GenerateResponse {
    const finishReason = this.finishReason;
    if (finishReason === null) throw streamEndedError(this.providerType, partialText, 'a finishReason');
    const response = responseOf({
      content: this.content.content(),
      finishReason: withToolCalls(finishReason, this.content.toolCallCount),
      usage: this.usage,
      responseModel: this.responseModel,
      responseId: this.responseId,
    });
    if (finishReason.unified === 'content_filter') throw filteredResponseError(this.providerType, finishReason, partialText, this.blockReason, response);
    return response;
  }
}
