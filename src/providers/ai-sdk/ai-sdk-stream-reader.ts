/**
 * Reads an AI SDK model's stream parts into detour's: text and reasoning
 * deltas, tool calls (input deltas, then the complete call), then the finish.
 * An `error` part is thrown, and classified like any error of the model.
 */
import type { LanguageModelV4FinishReason, LanguageModelV4StreamPart, LanguageModelV4Usage } from '@ai-sdk/provider';
import { filteredResponseError, streamEndedError } from '../call-error.js';
import type { StreamReader } from '../run-stream.js';
import type { ContentPart, GenerateResponse, StreamPart, ToolCall } from '../spec.js';
import { fromAiSdkFinishReason, fromAiSdkUsage, parseToolInput } from './result.js';

export class AiSdkStreamReader implements StreamReader<LanguageModelV4StreamPart> {
  private readonly content: ContentPart[] = [];
  private readonly toolCalls: ToolCall[] = [];
  private readonly toolNames = new Map<string, string>();
  private reasoning: string | null = null;
  private finishReason: LanguageModelV4FinishReason | null = null;
  private usage: LanguageModelV4Usage | undefined;
  private responseModel: string | null = null;
  private responseId: string | null = null;

  read(part: LanguageModelV4StreamPart, out: StreamPart[]): void {
    switch (part.type) {
      case 'text-delta':
        if (part.delta === '') return;
        this.appendText(part.delta);
        out.push({ type: 'text-delta', text: part.delta });
        return;
      case 'reasoning-delta':
        if (part.delta === '') return;
        this.reasoning = (this.reasoning ?? '') + part.delta;
        this.appendReasoning(part.delta);
        out.push({ type: 'reasoning-delta', text: part.delta });
        return;
      case 'tool-input-start':
        if (part.providerExecuted === true) return;
        this.toolNames.set(part.id, part.toolName);
        out.push({ type: 'tool-call-start', id: part.id, name: part.toolName });
        return;
      case 'tool-input-delta':
        if (this.toolNames.has(part.id)) out.push({ type: 'tool-call-delta', id: part.id, argumentsDelta: part.delta });
        return;
      case 'tool-call': {
        if (part.providerExecuted === true) return;
        const call = { id: part.toolCallId, name: part.toolName, arguments: parseToolInput(part.input) };
        if (!this.toolNames.has(part.toolCallId)) out.push({ type: 'tool-call-start', id: call.id, name: call.name });
        this.toolCalls.push(call);
        this.content.push({ type: 'tool-call', ...call });
        out.push({ type: 'tool-call', ...call });
        return;
      }
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

  finish(partialText: string): GenerateResponse {
    if (this.finishReason === null) throw streamEndedError('ai_sdk', partialText, 'a finish part');
    const response: GenerateResponse = {
      text: partialText,
      content: this.content,
      toolCalls: this.toolCalls,
      reasoning: this.reasoning,
      finishReason: fromAiSdkFinishReason(this.finishReason),
      usage: fromAiSdkUsage(this.usage),
      responseModel: this.responseModel,
      responseId: this.responseId,
    };
    if (response.finishReason.unified === 'content_filter') throw filteredResponseError('ai_sdk', response.finishReason, partialText, null, response);
    return response;
  }

  private appendText(delta: string): void {
    const last = this.content.at(-1);
    if (last?.type === 'text') this.content[this.content.length - 1] = { type: 'text', text: last.text + delta };
    else this.content.push({ type: 'text', text: delta });
  }

  private appendReasoning(delta: string): void {
    const last = this.content.at(-1);
    if (last?.type === 'reasoning') this.content[this.content.length - 1] = { type: 'reasoning', text: last.text + delta };
    else this.content.push({ type: 'reasoning', text: delta });
  }
}
