/**
 * The Anthropic Messages wire format: `POST /v1/messages` bodies in,
 * `message` objects or `message_start … message_stop` events out, errors as
 * `{ type: 'error', error: { type, message } }`.
 */
import type { ExecutorResult } from '../../executor/types.js';
import type { ContentPart, Message, UnifiedFinishReason } from '../../providers/spec.js';
import type { GatewayProblem } from '../GatewayProblem.js';
import type { SseWriter } from '../SseWriter.js';
import {
  invalidField,
  isRecord,
  metadataOf,
  optionalNumber,
  optionalStop,
  responseId,
  type ParsedRequest,
  type StreamRenderer,
  type WireFormat,
} from '../wire.js';

const STOP_REASONS: Readonly<Record<UnifiedFinishReason, string>> = {
  stop: 'end_turn',
  length: 'max_tokens',
  content_filter: 'refusal',
  tool_calls: 'tool_use',
  error: 'end_turn',
  other: 'end_turn',
};

function blocksOf(value: unknown, where: string): string | ContentPart[] {
  if (typeof value === 'string') return value;
  if (!Array.isArray(value)) throw invalidField('must be a string or a list of content blocks', where);
  return value.map((block, index) => {
    if (!isRecord(block)) throw invalidField('must be an object', `${where}[${index}]`);
    if (block.type === 'text' && typeof block.text === 'string') return { type: 'text', text: block.text };
    throw invalidField(`content blocks of type ${JSON.stringify(block.type)} are not supported by this gateway yet`, `${where}[${index}].type`);
  });
}

function messagesOf(system: unknown, value: unknown): Message[] {
  if (!Array.isArray(value) || value.length === 0) throw invalidField('must be a non-empty list of messages', 'messages');
  const messages: Message[] = [];
  if (system !== undefined && system !== null) messages.push({ role: 'system', content: blocksOf(system, 'system') });
  value.forEach((message, index) => {
    const where = `messages[${index}]`;
    if (!isRecord(message)) throw invalidField('must be an object', where);
    if (message.role !== 'user' && message.role !== 'assistant') throw invalidField('must be user or assistant', `${where}.role`);
    messages.push({ role: message.role, content: blocksOf(message.content, `${where}.content`) });
  });
  return messages;
}

function parse(body: unknown): ParsedRequest {
  if (!isRecord(body)) throw invalidField('the request body must be a JSON object');
  if (typeof body.model !== 'string' || body.model === '') throw invalidField('must name a policy', 'model');
  const maxTokens = optionalNumber(body, 'max_tokens');
  const temperature = optionalNumber(body, 'temperature');
  const topP = optionalNumber(body, 'top_p');
  const stop = optionalStop(body, 'stop_sequences');
  return {
    model: body.model,
    messages: messagesOf(body.system, body.messages),
    params: {
      ...(maxTokens === undefined ? {} : { maxTokens }),
      ...(temperature === undefined ? {} : { temperature }),
      ...(topP === undefined ? {} : { topP }),
      ...(stop === undefined ? {} : { stop }),
    },
    // Anthropic's own `metadata.user_id` is the fact routes and sticky groups read.
    metadata: metadataOf(body.metadata, 'metadata'),
    stream: body.stream === true,
    includeUsage: true,
  };
}

function usageOf(result: ExecutorResult): { input_tokens: number; output_tokens: number } {
  return { input_tokens: result.response.usage.inputTokens ?? 0, output_tokens: result.response.usage.outputTokens ?? 0 };
}

function answer(result: ExecutorResult): unknown {
  return {
    id: responseId('msg_'),
    type: 'message',
    role: 'assistant',
    model: result.model,
    content: [{ type: 'text', text: result.text }],
    stop_reason: STOP_REASONS[result.response.finishReason.unified],
    stop_sequence: null,
    usage: usageOf(result),
  };
}

function stream(sse: SseWriter): StreamRenderer {
  const id = responseId('msg_');
  let started = false;
  const event = (type: string, data: Record<string, unknown>): Promise<void> | undefined => sse.send(JSON.stringify({ type, ...data }), type);
  const open = (model: string): void => {
    if (started) return;
    started = true;
    void event('message_start', {
      message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 0, output_tokens: 0 } },
    });
    void event('content_block_start', { index: 0, content_block: { type: 'text', text: '' } });
  };
  return {
    textDelta(text, model) {
      open(model);
      return event('content_block_delta', { index: 0, delta: { type: 'text_delta', text } });
    },
    restart(failedModel) {
      return event('content_block_delta', { index: 0, delta: { type: 'text_delta', text: '' }, detour: { restart: true, failed_model: failedModel } });
    },
    finish(result) {
      open(result.model);
      void event('content_block_stop', { index: 0 });
      void event('message_delta', { delta: { stop_reason: STOP_REASONS[result.response.finishReason.unified], stop_sequence: null }, usage: usageOf(result) });
      void event('message_stop', {});
      sse.end();
    },
    fail(problem) {
      void sse.send(JSON.stringify(errorBody(problem)), 'error');
      sse.end();
    },
  };
}

function errorBody(problem: GatewayProblem): unknown {
  return {
    type: 'error',
    error: { type: problem.type, message: problem.message, ...(problem.session === null ? {} : { detour: problem.session }) },
  };
}

/**
 * The Anthropic Messages format.
 *
 * @example
 * const request = anthropicMessages.parse({ model: 'default', max_tokens: 256, messages: [{ role: 'user', content: 'Hi' }] })
 */
export const anthropicMessages: WireFormat = {
  name: 'anthropic',
  parse,
  answer,
  stream,
  // Anthropic's clients know 529 as "overloaded".
  status: (problem) => (problem.type === 'overloaded_error' ? 529 : problem.status),
  errorBody,
};
