/** detour's request as an Anthropic messages body (wire shapes stay in this folder). */
import type { MessageParam, TextBlockParam } from '@anthropic-ai/sdk/resources/messages/messages';
import { ProviderCallError } from '../../errors/ProviderCallError.js';
import { detourFact } from '../call-error.js';
import { messageText } from '../params.js';
import type { GenerateRequest } from '../spec.js';
import { requireTextOnly } from '../unsupported.js';

/** Anthropic requires `max_tokens`; this is sent when neither the caller nor the catalog gives one. */
export const DEFAULT_ANTHROPIC_MAX_TOKENS = 1024;

/**
 * The text of the user turn detour puts first when a conversation starts with
 * the assistant: the Messages API requires the first message to be the user's,
 * and rejects empty text.
 */
export const LEADING_USER_TEXT = '.';

export interface AnthropicMessages {
  readonly system: string | undefined;
  readonly messages: MessageParam[];
}

/**
 * Split out every system message into `system` (joined by blank lines), drop
 * empty messages (the API rejects empty text blocks), merge consecutive
 * same-role messages into one turn with one text block each so roles
 * alternate, put a user turn first when the conversation starts with the
 * assistant, and trim trailing whitespace from a final assistant turn (a
 * prefill), which the API also rejects.
 */
export function toAnthropicMessages(request: GenerateRequest): AnthropicMessages {
  let system: string | undefined;
  const messages: MessageParam[] = [];
  for (const message of request.messages) {
    const text = messageText(message);
    if (message.role === 'system') {
      if (text !== '') system = system === undefined ? text : `${system}\n\n${text}`;
      continue;
    }
    if (text === '') continue;
    const last = messages[messages.length - 1];
    if (last !== undefined && last.role === message.role) {
      const blocks: TextBlockParam[] = typeof last.content === 'string' ? [{ type: 'text', text: last.content }] : (last.content as TextBlockParam[]);
      blocks.push({ type: 'text', text });
      last.content = blocks;
    } else {
      messages.push({ role: message.role as 'user' | 'assistant', content: text });
    }
  }
  if (messages.length === 0) {
    throw new ProviderCallError(
      detourFact('invalid_request', 'Anthropic needs at least one non-empty user or assistant message; the request has none', 'anthropic'),
    );
  }
  if (messages[0]?.role === 'assistant') messages.unshift({ role: 'user', content: LEADING_USER_TEXT });
  const final = messages[messages.length - 1];
  if (final !== undefined && final.role === 'assistant' && messages.length > 1) {
    if (typeof final.content === 'string') {
      final.content = final.content.trimEnd();
      if (final.content === '') messages.pop();
    } else {
      const blocks = final.content as TextBlockParam[];
      const lastBlock = blocks[blocks.length - 1];
      if (lastBlock !== undefined) lastBlock.text = lastBlock.text.trimEnd();
      if (lastBlock?.text === '') blocks.pop();
    }
  }
  return { system, messages };
}

/** The body shared by plain and streaming calls; `extra` keys are copied last, as is. */
export function toAnthropicBody(request: GenerateRequest, modelId: string, defaultMaxTokens: number): Record<string, unknown> {
  requireTextOnly('anthropic', modelId, request);
  const { system, messages } = toAnthropicMessages(request);
  const body: Record<string, unknown> = {
    model: request.model === '' ? modelId : request.model,
    max_tokens: request.maxTokens ?? defaultMaxTokens,
    messages,
  };
  if (system !== undefined) body['system'] = system;
  if (request.temperature !== undefined) body['temperature'] = request.temperature;
  if (request.topP !== undefined) body['top_p'] = request.topP;
  if (request.stop !== undefined && request.stop.length > 0) body['stop_sequences'] = [...request.stop];
  if (request.extra !== undefined) Object.assign(body, request.extra);
  return body;
}
