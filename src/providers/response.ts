/**
 * Building a `GenerateResponse` from its content parts: the joined text, the
 * tool calls and the reasoning are derived from `content` in one place, so
 * every adapter reports them the same way.
 */
import type { ContentPart, FinishReason, GenerateResponse, ToolCall, Usage } from './spec.js';

export interface ResponseFields {
  readonly content: readonly ContentPart[];
  readonly finishReason: FinishReason;
  readonly usage: Usage;
  readonly responseModel: string | null;
  readonly responseId: string | null;
  readonly refusal?: string | null;
}

/**
 * The response with `text`, `toolCalls` and `reasoning` read off `content`.
 *
 * @example
 * responseOf({ content: [{ type: 'text', text: 'Hi' }], finishReason: { unified: 'stop', raw: 'stop' }, usage, responseModel: 'gpt-4o', responseId: 'chatcmpl-1' }).text // 'Hi'
 */
export function responseOf(fields: ResponseFields): GenerateResponse {
  let text = '';
  let reasoning: string | null = null;
  let toolCalls: ToolCall[] | null = null;
  for (const part of fields.content) {
    switch (part.type) {
      case 'text':
        text += part.text;
        break;
      case 'reasoning':
        reasoning = reasoning === null ? part.text : reasoning + part.text;
        break;
      case 'tool-call':
        (toolCalls ??= []).push({ id: part.id, name: part.name, arguments: part.arguments });
        break;
      default:
        break;
    }
  }
  return {
    text,
    content: fields.content,
    toolCalls: toolCalls ?? NO_TOOL_CALLS,
    reasoning,
    ...(fields.refusal === undefined || fields.refusal === null ? {} : { refusal: fields.refusal }),
    finishReason: fields.finishReason,
    usage: fields.usage,
    responseModel: fields.responseModel,
    responseId: fields.responseId,
  };
}

const NO_TOOL_CALLS: readonly ToolCall[] = Object.freeze([]);

