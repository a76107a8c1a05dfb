/**
 * Anthropic messages (`POST /v1/messages`), as api.anthropic.com sends them:
 * a `message` object, or named SSE events from `message_start` to `message_stop`.
 */
import { isRecord, sequenceId, textOfContent, type ReplyPlan, type StreamFrames, type WireProtocol } from './types.js';

const STOP_REASON: Record<ReplyPlan['ending'], string | null> = {
  stop: 'end_turn',
  length: 'max_tokens',
  filtered: 'refusal',
  none: null,
};

function event(name: string, data: string): string {
  return `event: ${name}\ndata: ${data}\n\n`;
}

function headers(requestId: string, contentType: string): Record<string, string> {
  return {
    'content-type': contentType,
    'request-id': requestId,
    'anthropic-organization-id': '00000000-0000-4000-8000-00000000de70',
  };
}

export const anthropicProtocol: WireProtocol = {
  provider: 'anthropic',

  readRequest(body) {
    if (!isRecord(body)) return 'the request body must be a JSON object';
    const model = body['model'];
    if (typeof model !== 'string' || model === '') return 'model: Field required';
    const messages = body['messages'];
    if (!Array.isArray(messages)) return 'messages: Field required';
    const maxTokens = body['max_tokens'];
    if (typeof maxTokens !== 'number') return 'max_tokens: Field required';
    let lastUserText = '';
    let inputCharacters = textOfContent(body['system']).length;
    for (const message of messages) {
      if (!isRecord(message)) continue;
      const text = textOfContent(message['content']);
      inputCharacters += text.length;
      if (message['role'] === 'user') lastUserText = text;
    }
    return { model, stream: body['stream'] === true, lastUserText, inputCharacters, maxTokens, includeUsage: true };
  },

  newId: (sequence) => sequenceId('msg_01DTR', sequence, 19),

  jsonHeaders: (requestId) => headers(requestId, 'application/json'),

  streamHeaders: (requestId) => ({ ...headers(requestId, 'text/event-stream; charset=utf-8'), 'cache-control': 'no-cache' }),

  jsonBody(plan) {
    return JSON.stringify({
      id: plan.id,
      type: 'message',
      role: 'assistant',
      model: plan.model,
      content: plan.text === '' ? [] : [{ type: 'text', text: plan.text }],
      stop_reason: STOP_REASON[plan.ending],
      stop_sequence: null,
      usage: {
        input_tokens: plan.inputTokens,
        cache_creation_input_tokens: 0,
        cache_read_input_tokens: 0,
        output_tokens: plan.outputTokens,
        service_tier: 'standard',
      },
    });
  },

  streamFrames(plan): StreamFrames {
    const start = {
      type: 'message_start',
      message: {
        id: plan.id,
        type: 'message',
        role: 'assistant',
        model: plan.model,
        content: [],
        stop_reason: null,
        stop_sequence: null,
        usage: {
          input_tokens: plan.inputTokens,
          cache_creation_input_tokens: 0,
          cache_read_input_tokens: 0,
          output_tokens: 1,
          service_tier: 'standard',
        },
      },
    };
    const head =
      event('message_start', JSON.stringify(start)) +
      event('content_block_start', '{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}') +
      event('ping', '{"type": "ping"}');
    const content = plan.chunks.map((chunk) =>
      event('content_block_delta', `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":${JSON.stringify(chunk)}}}`),
    );
    const stopReason = STOP_REASON[plan.ending];
    let tail = event('content_block_stop', '{"type":"content_block_stop","index":0}');
    if (stopReason !== null) {
      tail +=
        event(
          'message_delta',
          `{"type":"message_delta","delta":{"stop_reason":"${stopReason}","stop_sequence":null},"usage":{"output_tokens":${plan.outputTokens}}}`,
        ) + event('message_stop', '{"type":"message_stop"}');
    }
    return { head, content, tail };
  },

  malformedJson: (plan) => `{"id":"${plan.id}","type":"message","role":"assistant","content":[{"type":"text","text":"`,

  malformedStream: (plan) => event('message_start', `{"type":"message_start","message":{"id":"${plan.id}","type":"mess`),

  streamErrorFrame: (body) => event('error', body),
};
