/**
 * What ConverseStream's events say: text, reasoning (with its signature) and
 * tool-use deltas, the stop reason (`messageStop`, the stream's terminator),
 * and usage (`metadata`, after it). The SDK throws the stream's exception
 * events itself.
 */
import type { ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { filteredResponseError, streamEndedError } from '../call-error.js';
import { ContentBuilder } from '../content-builder.js';
import { responseOf } from '../response.js';
import type { StreamReader } from '../run-stream.js';
import type { GenerateResponse, StreamPart, Usage } from '../spec.js';
import { bedrockUsage, readBlockDelta, readBlockStart } from './bedrock-response.js';
import { mapBedrockFinishReason } from './map-bedrock-finish-reason.js';

/**
 * One streamed answer's reading; `finish` throws when no `messageStop` came,
 * or when the stop reason says the answer was filtered.
 *
 * @example
 * runStream(protocol, request, options, new BedrockStreamReader(modelId, () => requestId));
 */
export class BedrockStreamReader implements StreamReader<ConverseStreamOutput> {
  private rawFinish: string | null = null;
  private stopped = false;
  private usage: Usage = { inputTokens: null, outputTokens: null };
  private reasoningBlock: number | null = null;
  private readonly content = new ContentBuilder();

  constructor(
    private readonly modelId: string,
    private readonly requestId: () => string | null,
  ) {}

  read(event: ConverseStreamOutput, out: StreamPart[]): void {
    if (event.contentBlockDelta !== undefined) {
      const index = event.contentBlockDelta.contentBlockIndex ?? 0;
      const newBlock = event.contentBlockDelta.delta?.reasoningContent !== undefined && this.reasoningBlock !== index;
      if (event.contentBlockDelta.delta?.reasoningContent !== undefined) this.reasoningBlock = index;
      readBlockDelta(event.contentBlockDelta, this.content, out, newBlock);
    } else if (event.contentBlockStart !== undefined) readBlockStart(event.contentBlockStart, this.content, out);
    else if (event.contentBlockStop !== undefined) this.content.endTool(event.contentBlockStop.contentBlockIndex ?? 0, out);
    else if (event.messageStop !== undefined) {
      this.rawFinish = event.messageStop.stopReason ?? null;
      this.stopped = true;
    } else if (event.metadata !== undefined) this.usage = bedrockUsage(event.metadata.usage);
  }

  finish(partialText: string, out: StreamPart[]): GenerateResponse {
    if (!this.stopped) throw streamEndedError('bedrock', partialText, 'a messageStop event');
    const finishReason = mapBedrockFinishReason(this.rawFinish);
    this.content.endTools(out);
    const response = responseOf({
      content: this.content.content(),
      finishReason,
      usage: this.usage,
      responseModel: this.modelId,
      responseId: this.requestId(),
    });
    if (finishReason.unified === 'content_filter') throw filteredResponseError('bedrock', finishReason, partialText, null, response);
    return response;
  }
}
