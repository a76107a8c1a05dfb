/** detour's request as an OpenAI chat completions body (wire shapes stay in this folder). */
import type { ChatCompletionMessageParam } from 'openai/resources/chat/completions';
import { messageText } from '../params.js';
import type { GenerateRequest } from '../spec.js';
import { requireTextOnly } from '../unsupported.js';

/** Which body field carries the output limit: OpenAI's own API wants `max_completion_tokens`, most compatible servers `max_tokens`. */
export type MaxTokensField = 'max_tokens' | 'max_completion_tokens';

/**
 * Messages keep their roles; empty content is sent as an empty string, which
 * the chat completions API accepts.
 */
export function toOpenAIMessages(request: GenerateRequest): ChatCompletionMessageParam[] {
  const messages: ChatCompletionMessageParam[] = [];
  for (const message of request.messages) {
    messages.push({ role: message.role as 'user' | 'assistant' | 'system', content: messageText(message) });
  }
  return messages;
}

/** The body shared by plain and streaming calls; `extra` keys are copied last, as is. */
export function toOpenAIBody(request: GenerateRequest, modelId: string, maxTokensField: MaxTokensField): Record<string, unknown> {
  requireTextOnly('openai', modelId, request);
  const body: Record<string, unknown> = {
    model: request.model === '' ? modelId : request.model,
    messages: toOpenAIMessages(request),
  };
  if (request.maxTokens !== undefined) body[maxTokensField] = request.maxTokens;
  if (request.temperature !== undefined) body['temperature'] = request.temperature;
  if (request.topP !== undefined) body['top_p'] = request.topP;
  if (request.stop !== undefined && request.stop.length > 0) body['stop'] = [...request.stop];
  if (request.extra !== undefined) Object.assign(body, request.extra);
  return body;
}
