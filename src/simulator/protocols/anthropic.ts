/**
 * Anthropic messages (`POST /v1/messages`), as api.anthropic.com sends them:
 * a `message` object, or named SSE events from `message_start` to `message_stop`.
 */
import { countPartsOfType, isRecord, readTurns, reasoningSignature, sequenceId, textOfContent, type ReplyPlan, type StreamFrames, type TurnShape, type WireProtocol } from './types.js';

const STOP_REASON: Record<ReplyPlan['ending'], string | null> = {
  stop: 'end_turn',
  length: 'max_tokens',
  filtered: 'refusal',
  none: null,
};

function stopReasonOf(plan: ReplyPlan): string | null {
  if (plan.refusal !== null && plan.ending === 'stop') return 'refusal';
  return plan.toolCalls.length > 0 && plan.ending === 'stop' ? 'tool_use' : STOP_REASON[plan.ending];
}

/** Whole content blocks: thinking, text, tool calls. */
function contentBlocks(plan: ReplyPlan): object[] {
  const blocks: object[] = [];
  if (plan.reasoning !== null) blocks.push({ type: 'thinking', thinking: plan.reasoning, signature: plan.reasoningSignature });
  if (plan.text !== '') blocks.push({ type: 'text', text: plan.text });
  for (const call of plan.toolCalls) blocks.push({ type: 'tool_use', id: `toolu_${call.id}`, name: call.name, input: JSON.parse(call.arguments) as unknown });
  return blocks;
}

/** Stream frames for an answer with thinking or tool calls: each block's start and stop ride on its first and last delta. */
function blockFrames(plan: ReplyPlan): string[] {
  const frames: string[] = [];
  let index = 0;
  const block = (start: string, deltas: readonly string[], extra: readonly string[] = []): void => {
    const all = [...deltas, ...extra];
    if (all.length === 0) all.push('');
    all.forEach((delta, position) => {
      let frame = position === 0 ? event('content_block_start', `{"type":"content_block_start","index":${index},"content_block":${start}}`) : '';
      if (delta !== '') frame += event('content_block_delta', `{"type":"content_block_delta","index":${index},"delta":${delta}}`);
      if (position === all.length - 1) frame += event('content_block_stop', `{"type":"content_block_stop","index":${index}}`);
      frames.push(frame);
    });
    index += 1;
  };
  if (plan.reasoning !== null) {
    block(
      '{"type":"thinking","thinking":"","signature":""}',
      plan.reasoningChunks.map((chunk) => `{"type":"thinking_delta","thinking":${JSON.stringify(chunk)}}`),
      [`{"type":"signature_delta","signature":${JSON.stringify(plan.reasoningSignature)}}`],
    );
  }
  if (plan.chunks.length > 0) block('{"type":"text","text":""}', plan.chunks.map((chunk) => `{"type":"text_delta","text":${JSON.stringify(chunk)}}`));
  for (const call of plan.toolCalls) {
    block(
      `{"type":"tool_use","id":"toolu_${call.id}","name":${JSON.stringify(call.name)},"input":{}}`,
      call.argumentChunks.map((chunk) => `{"type":"input_json_delta","partial_json":${JSON.stringify(chunk)}}`),
    );
  }
  return frames;
}

/**
 * Thinking sent back must be the model's own, as Anthropic checks: a thinking
 * block in an assistant turn needs the signature the simulator gave it.
 */
function unsignedThinking(messages: readonly unknown[]): string | null {
  for (const [position, message] of messages.entries()) {
    if (!isRecord(message) || message['role'] !== 'assistant' || !Array.isArray(message['content'])) continue;
    for (const [index, block] of message['content'].entries()) {
      if (!isRecord(block) || block['type'] !== 'thinking') continue;
      const thinking = typeof block['thinking'] === 'string' ? block['thinking'] : '';
      if (block['signature'] !== reasoningSignature(thinking)) return `messages.${position}.content.${index}: Invalid \`signature\` in \`thinking\` block`;
    }
  }
  return null;
}

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

const ANTHROPIC_TURNS: TurnShape = {
  parts: 'content',
  images: (parts) => countPartsOfType(parts, 'image'),
  files: (parts) => countPartsOfType(parts, 'document'),
};

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
    const unsigned = unsignedThinking(messages);
    if (unsigned !== null) return unsigned;
    const systemText = textOfContent(body['system']);
    const turns = readTurns(messages, ANTHROPIC_TURNS, systemText);
    const tools = Array.isArray(body['tools']) ? body['tools'].flatMap((tool) => (isRecord(tool) && typeof tool['name'] === 'string' ? [tool['name']] : [])) : [];
    const last = messages[messages.length - 1];
    const outputConfig = body['output_config'];
    const format = isRecord(outputConfig) && isRecord(outputConfig['format']) ? outputConfig['format'] : null;
    return {
      model,
      stream: body['stream'] === true,
      ...turns,
      maxTokens,
      includeUsage: true,
      tools,
      lastIsToolResult: isRecord(last) && last['role'] === 'user' && countPartsOfType(last['content'], 'tool_result') > 0,
      jsonSchema: format?.['schema'] ?? null,
      wantsJson: format !== null || systemText.includes('JSON'),
    };
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
      content: contentBlocks(plan),
      stop_reason: stopReasonOf(plan),
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
    const stopReason = stopReasonOf(plan);
    const messageEnd =
      stopReason === null
        ? ''
        : event('message_delta', `{"type":"message_delta","delta":{"stop_reason":"${stopReason}","stop_sequence":null},"usage":{"output_tokens":${plan.outputTokens}}}`) +
          event('message_stop', '{"type":"message_stop"}');
    if (plan.reasoning !== null || plan.toolCalls.length > 0) {
      return { head: event('message_start', JSON.stringify(start)) + event('ping', '{"type": "ping"}'), content: blockFrames(plan), tail: messageEnd };
    }
    const head =
      event('message_start', JSON.stringify(start)) +
      event('content_block_start', '{"type":"content_block_start","index":0,"content_block":{"type":"text","text":""}}') +
      event('ping', '{"type": "ping"}');
    const content = plan.chunks.map((chunk) =>
      event('content_block_delta', `{"type":"content_block_delta","index":0,"delta":{"type":"text_delta","text":${JSON.stringify(chunk)}}}`),
    );
    return { head, content, tail: event('content_block_stop', '{"type":"content_block_stop","index":0}') + messageEnd };
  },

  malformedJson: (plan) => `{"id":"${plan.id}","type":"message","role":"assistant","content":[{"type":"text","text":"`,

  malformedStream: (plan) => event('message_start', `{"type":"message_start","message":{"id":"${plan.id}","type":"mess`),

  streamErrorFrame: (body) => event('error', body),
};
