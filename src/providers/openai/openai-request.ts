/** detour's request as an OpenAI chat completions body (wire shapes stay in this folder). */
import type {
  ChatCompletionContentPart,
  ChatCompletionMessageFunctionToolCall,
  ChatCompletionMessageParam,
} from 'openai/resources/chat/completions';
import { dataUrl, mediaOf, toolResultText } from '../media.js';
import { messageText } from '../params.js';
import type { ContentPart, GenerateRequest, Message, ProviderType, ReasoningOptions, ResponseFormat, ToolChoice } from '../spec.js';
import { unsupportedInput } from '../unsupported.js';

/** Which body field carries the output limit: OpenAI's own API wants `max_completion_tokens`, most compatible servers `max_tokens`. */
export type MaxTokensField = 'max_tokens' | 'max_completion_tokens';

/** The provider types that speak OpenAI's chat completions through the `openai` SDK. */
export type OpenAIProviderType = Extract<ProviderType, 'openai' | 'openai_compatible' | 'azure_openai'>;

/** Who the body is for: refusals name the provider type and the model. */
export interface OpenAITarget {
  readonly providerType: OpenAIProviderType;
  readonly modelId: string;
}

function isTextOnly(content: string | readonly ContentPart[]): boolean {
  if (typeof content === 'string') return true;
  for (const part of content) if (part.type !== 'text') return false;
  return true;
}

function userPart(part: ContentPart, target: OpenAITarget): ChatCompletionContentPart | null {
  switch (part.type) {
    case 'text':
      return { type: 'text', text: part.text };
    case 'image': {
      const media = mediaOf(part);
      if (media.kind === 'url') return { type: 'image_url', image_url: { url: media.url } };
      if (media.mediaType === null) throw unsupportedInput(target.providerType, target.modelId, 'an image part given as base64 needs its mediaType');
      return { type: 'image_url', image_url: { url: dataUrl(media.mediaType, media.data) } };
    }
    case 'file': {
      if (part.mediaType !== 'application/pdf') {
        throw unsupportedInput(target.providerType, target.modelId, `file parts of type ${part.mediaType} are not supported (chat completions take PDF files)`);
      }
      const media = mediaOf(part);
      if (media.kind === 'url') throw unsupportedInput(target.providerType, target.modelId, 'file parts given as URLs are not supported (send the bytes or base64)');
      return { type: 'file', file: { file_data: dataUrl('application/pdf', media.data), ...(part.filename === undefined ? {} : { filename: part.filename }) } };
    }
    case 'reasoning':
      return null;
    default:
      throw unsupportedInput(target.providerType, target.modelId, `${part.type} parts belong in ${part.type === 'tool-call' ? 'assistant' : 'tool'} messages, not user messages`);
  }
}

function assistantMessage(message: Message, target: OpenAITarget): ChatCompletionMessageParam {
  if (typeof message.content === 'string') return { role: 'assistant', content: message.content };
  let text = '';
  let toolCalls: ChatCompletionMessageFunctionToolCall[] | null = null;
  for (const part of message.content) {
    if (part.type === 'text') text += part.text;
    else if (part.type === 'tool-call') {
      (toolCalls ??= []).push({ id: part.id, type: 'function', function: { name: part.name, arguments: toolResultText(part.arguments ?? {}) } });
    } else if (part.type !== 'reasoning') {
      throw unsupportedInput(target.providerType, target.modelId, `${part.type} parts are not supported in assistant messages`);
    }
  }
  // Reasoning is not sent back: chat completions take no thinking in the history.
  if (toolCalls === null) return { role: 'assistant', content: text };
  return { role: 'assistant', content: text === '' ? null : text, tool_calls: toolCalls };
}

/**
 * Messages keep their roles; a `tool` message becomes one chat completions
 * `tool` message per result (ids kept); empty content is sent as an empty
 * string, which the API accepts.
 */
export function toOpenAIMessages(request: GenerateRequest, target: OpenAITarget): ChatCompletionMessageParam[] {
  const messages: ChatCompletionMessageParam[] = [];
  for (const message of request.messages) {
    switch (message.role) {
      case 'system':
        if (!isTextOnly(message.content)) throw unsupportedInput(target.providerType, target.modelId, 'system messages take text only');
        messages.push({ role: 'system', content: messageText(message) });
        break;
      case 'user':
        if (isTextOnly(message.content)) messages.push({ role: 'user', content: messageText(message) });
        else {
          const parts: ChatCompletionContentPart[] = [];
          for (const part of message.content as readonly ContentPart[]) {
            const translated = userPart(part, target);
            if (translated !== null) parts.push(translated);
          }
          messages.push({ role: 'user', content: parts });
        }
        break;
      case 'assistant':
        messages.push(assistantMessage(message, target));
        break;
      case 'tool':
        if (typeof message.content === 'string') throw unsupportedInput(target.providerType, target.modelId, 'tool messages need tool-result parts (with the call id)');
        for (const part of message.content) {
          if (part.type !== 'tool-result') throw unsupportedInput(target.providerType, target.modelId, `tool messages take tool-result parts only, not ${part.type}`);
          messages.push({ role: 'tool', tool_call_id: part.id, content: toolResultText(part.result) });
        }
        break;
    }
  }
  return messages;
}

function toolChoiceOf(choice: ToolChoice): unknown {
  return typeof choice === 'string' ? choice : { type: 'function', function: { name: choice.name } };
}

function responseFormatOf(format: ResponseFormat): unknown {
  if (format.type === 'text') return { type: 'text' };
  if (format.schema === undefined) return { type: 'json_object' };
  return { type: 'json_schema', json_schema: { name: format.name ?? 'response', schema: format.schema, strict: false } };
}

/** OpenAI's `reasoning_effort`; a bare budget picks the effort it is closest to. */
export function reasoningEffortOf(reasoning: ReasoningOptions): 'low' | 'medium' | 'high' {
  if (reasoning.effort !== undefined) return reasoning.effort;
  const budget = reasoning.budgetTokens ?? 0;
  return budget <= 2_048 ? 'low' : budget <= 8_192 ? 'medium' : 'high';
}

/** The body shared by plain and streaming calls; `extra` keys are copied last, as is. */
export function toOpenAIBody(request: GenerateRequest, target: OpenAITarget, maxTokensField: MaxTokensField): Record<string, unknown> {
  const body: Record<string, unknown> = {
    model: request.model === '' ? target.modelId : request.model,
    messages: toOpenAIMessages(request, target),
  };
  if (request.maxTokens !== undefined) body[maxTokensField] = request.maxTokens;
  if (request.temperature !== undefined) body['temperature'] = request.temperature;
  if (request.topP !== undefined) body['top_p'] = request.topP;
  if (request.stop !== undefined && request.stop.length > 0) body['stop'] = [...request.stop];
  if (request.tools !== undefined && request.tools.length > 0) {
    body['tools'] = request.tools.map((tool) => ({
      type: 'function',
      function: { name: tool.name, ...(tool.description === undefined ? {} : { description: tool.description }), parameters: tool.parameters },
    }));
    if (request.toolChoice !== undefined) body['tool_choice'] = toolChoiceOf(request.toolChoice);
    if (request.parallelToolCalls !== undefined) body['parallel_tool_calls'] = request.parallelToolCalls;
  } else if (request.toolChoice !== undefined && request.toolChoice !== 'none' && request.toolChoice !== 'auto') {
    throw unsupportedInput(target.providerType, target.modelId, 'toolChoice names a tool but the request has no tools');
  }
  if (request.responseFormat !== undefined) body['response_format'] = responseFormatOf(request.responseFormat);
  if (request.reasoning !== undefined) body['reasoning_effort'] = reasoningEffortOf(request.reasoning);
  if (request.extra !== undefined) Object.assign(body, request.extra);
  return body;
}
