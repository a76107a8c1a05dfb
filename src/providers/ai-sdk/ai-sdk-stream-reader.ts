/**
 * Reads an AI SDK model's stream parts into detour's: text and reasoning
 * deltas, tool calls (input deltas, then the complete call), then the finish.
 * An `error` part is thrown, and classified like any error of the model.
 */
import type { LanguageModelV4FinishReason, LanguageModelV4StreamPart, LanguageModelV4Usage } from '@ai-sdk/provider';
import { filteredResponseError, streamEndedError } from '../call-error.js';
import type { StreamReader } from '../run-stream.js';
import { ContentBuilder, parseToolArguments } from '../content-builder.js';
import type { GenerateResponse, StreamPart } from '../spec.js';
import { fromAiSdkFinishReason, fromAiSdkUsage } from './result.js';

export class AiSdkStreamReader implements StreamReader<LanguageModelV4StreamPart> {
  private readonly content = new ContentBuilder();
  private finishReason: LanguageModelV4FinishReason | null = null;
  private usage: LanguageModelV4Usage | undefined;
  private responseModel: string | null = null;
  private responseId: string | null = null;

  read(part: LanguageModelV4StreamPart, out: StreamPart[]): void {
    switch (part.type) {
      case 'text-delta':
        this.content.text(part.delta, out);
        return;
      case 'reasoning-delta':
        if (part.delta !== '') this.content.reasoning(part.delta, out);
        return;
      case 'tool-input-start':
        if (part.providerExecuted !== true) this.content.toolStart(part.id, part.id, part.toolName, out);
        return;
      case 'tool-input-delta':
        this.content.toolArguments(part.id, part.delta, out);
        return;
      case 'tool-call':
        if (part.providerExecuted === true) return;
        if (this.content.hasTool(part.toolCallId)) this.content.endTool(part.toolCallId, out);
        else this.content.toolCall(part.toolCallId, part.toolCallId, part.toolName, parseToolArguments(part.input), out);
        return;
      case 'response-metadata':
        this.responseModel = part.modelId ?? this.responseModel;
        this.responseId = part.id ?? this.responseId;
        return;
      case 'finish':
        this.finishReason = part.finishReason;
        this.usage = part.usage;
        return;
      case 'error':
        throw part.error;
      default:
        return;
    }
  }

  finish(partialText: string, out: StreamPart[]): GenerateResponse {
    if (this.finishReason === null) throw streamEndedError('ai_sdk', partialText, 'a finish part');
    this.content.endTools(out);
    const content = this.content.content();
    const reasoningParts = content.filter((part) => part.type === 'reasoning');
    const response: GenerateResponse = {
      text: partialText,
      content,
      toolCalls: content.flatMap((part) => (part.type === 'tool-call' ? [{ id: part.id, name: part.name, arguments: part.arguments }] : [])),
      reasoning: reasoningParts.length === 0 ? null : reasoningParts.map((part) => part.text).join(''),
      finishReason: fromAiSdkFinishReason(this.finishReason),
      usage: fromAiSdkUsage(this.usage),
      responseModel: this.responseModel,
      responseId: this.responseId,
    };
    if (response.finishReason.unified === 'content_filter') throw filteredResponseError('ai_sdk', response.finishReason, partialText, null, response);
    return response;
  }
}
