/**
 * The Anthropic Messages wire format: `POST /v1/messages` bodies in
 * (messagesRequest.ts), `message` objects or `message_start … message_stop`
 * events out, errors as `{ type: 'error', error: { type, message } }`.
 */
import type { ExecutorResult } from '../../executor/types.js';
import type { ContentPart, UnifiedFinishReason } from '../../providers/spec.js';
import type { GatewayProblem } from '../GatewayProblem.js';
import type { SseWriter } from '../SseWriter.js';
import { responseId, type StreamRenderer, type WireFormat } from '../wire.js';
import { parseMessagesRequest } from './messagesRequest.js';

const STOP_REASONS: Readonly<Record<UnifiedFinishReason, string>> = {
  stop: 'end_turn',
  length: 'max_tokens',
  content_filter: 'refusal',
  tool_calls: 'tool_use',
  error: 'end_turn',
  other: 'end_turn',
};

function usageOf(result: ExecutorResult): Record<string, number> {
  const usage = result.response.usage;
  return {
    input_tokens: usage.inputTokens ?? 0,
    output_tokens: usage.outputTokens ?? 0,
    ...(usage.cachedInputTokens === undefined ? {} : { cache_read_input_tokens: usage.cachedInputTokens }),
  };
}

function blockOf(part: ContentPart): unknown {
  switch (part.type) {
    case 'reasoning':
      return part.redactedData !== undefined
        ? { type: 'redacted_thinking', data: part.redactedData }
        : { type: 'thinking', thinking: part.text, signature: part.signature ?? '' };
    case 'tool-call':
      return { type: 'tool_use', id: part.id, name: part.name, input: typeof part.arguments === 'object' && part.arguments !== null ? part.arguments : {} };
    case 'text':
      return { type: 'text', text: part.text };
    default:
      return null;
  }
}

function answer(result: ExecutorResult): unknown {
  const response = result.response;
  const content = (response.content ?? [{ type: 'text', text: result.text }]).map(blockOf).filter((block) => block !== null);
  return {
    id: responseId('msg_'),
    type: 'message',
    role: 'assistant',
    model: result.model,
    content,
    stop_reason: STOP_REASONS[response.finishReason.unified],
    stop_sequence: null,
    usage: usageOf(result),
  };
}

function stream(sse: SseWriter): StreamRenderer {
  const id = responseId('msg_');
  let started = false;
  /**
   * The open content block: its kind; for tool use, the call's id and whether
   * its input was streamed; for thinking, its signature once it came (more
   * thinking then starts a new block; the signature goes out as one
   * `signature_delta` when the block closes, as Anthropic sends it).
   */
  let open: { kind: 'text' | 'thinking' | 'tool_use'; callId: string | null; streamed: boolean; signature: string | null } | null = null;
  let index = -1;
  const event = (type: string, data: Record<string, unknown>): Promise<void> | undefined => sse.send(JSON.stringify({ type, ...data }), type);
  const begin = (model: string): void => {
    if (started) return;
    started = true;
    void event('message_start', {
      message: { id, type: 'message', role: 'assistant', model, content: [], stop_reason: null, stop_sequence: null, usage: { input_tokens: 0, output_tokens: 0 } },
    });
  };
  const close = (): void => {
    if (open === null) return;
    if (open.signature !== null) void event('content_block_delta', { index, delta: { type: 'signature_delta', signature: open.signature } });
    void event('content_block_stop', { index });
    open = null;
  };
  const block = (kind: 'text' | 'thinking' | 'tool_use', contentBlock: Record<string, unknown>, callId: string | null = null): void => {
    if (open !== null && open.kind === kind && open.callId === callId && open.signature === null) return;
    close();
    index += 1;
    open = { kind, callId, streamed: false, signature: null };
    void event('content_block_start', { index, content_block: contentBlock });
  };
  return {
    event(output) {
      begin(output.model);
      switch (output.type) {
        case 'text-delta':
          block('text', { type: 'text', text: '' });
          return event('content_block_delta', { index, delta: { type: 'text_delta', text: output.text } });
        case 'reasoning-delta':
          if (output.redactedData !== undefined) {
            close();
            index += 1;
            void event('content_block_start', { index, content_block: { type: 'redacted_thinking', data: output.redactedData } });
            return event('content_block_stop', { index });
          }
          if (output.signature !== undefined) {
            if (open?.kind !== 'thinking') block('thinking', { type: 'thinking', thinking: '', signature: '' });
            open!.signature = output.signature;
            return undefined;
          }
          block('thinking', { type: 'thinking', thinking: '', signature: '' });
          return event('content_block_delta', { index, delta: { type: 'thinking_delta', thinking: output.text } });
        case 'tool-call-start':
          block('tool_use', { type: 'tool_use', id: output.id, name: output.name, input: {} }, output.id);
          return undefined;
        case 'tool-call-delta':
          if (open?.callId !== output.id) return undefined;
          open.streamed = true;
          return event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: output.argumentsDelta } });
        case 'tool-call': {
          block('tool_use', { type: 'tool_use', id: output.id, name: output.name, input: {} }, output.id);
          const current = open as { streamed: boolean } | null;
          if (current !== null && !current.streamed) {
            void event('content_block_delta', { index, delta: { type: 'input_json_delta', partial_json: JSON.stringify(output.arguments ?? {}) } });
          }
          close();
          return undefined;
        }
      }
    },
    restart(failedModel) {
      return event('content_block_delta', { index: Math.max(index, 0), delta: { type: 'text_delta', text: '' }, detour: { restart: true, failed_model: failedModel } });
    },
    finish(result) {
      begin(result.model);
      if (index < 0 && result.text !== '') {
        block('text', { type: 'text', text: '' });
        void event('content_block_delta', { index, delta: { type: 'text_delta', text: result.text } });
      }
      close();
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
  parse: parseMessagesRequest,
  answer,
  stream,
  // Anthropic's clients know 529 as "overloaded".
  status: (problem) => (problem.type === 'overloaded_error' ? 529 : problem.status),
  errorBody,
};
