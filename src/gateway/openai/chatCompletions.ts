/**
 * The OpenAI Chat Completions wire format: `POST /v1/chat/completions`
 * bodies in, `chat.completion` objects or `chat.completion.chunk` events out,
 * errors as `{ error: { message, type, param, code } }`.
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

const FINISH_REASONS: Readonly<Record<UnifiedFinishReason, string>> = {
  stop: 'stop',
  length: 'length',
  content_filter: 'content_filter',
  tool_calls: 'tool_calls',
  error: 'stop',
  other: 'stop',
};

function contentOf(value: unknown, where: string): string | ContentPart[] {
  if (typeof value === 'string') return value;
  if (value === null || value === undefined) return '';
  if (!Array.isArray(value)) throw invalidField('must be a string or a list of content parts', where);
  return value.map((part, index) => {
    if (!isRecord(part)) throw invalidField('must be an object', `${where}[${index}]`);
    if (part.type === 'text' && typeof part.text === 'string') return { type: 'text', text: part.text };
    throw invalidField(`content parts of type ${JSON.stringify(part.type)} are not supported by this gateway yet`, `${where}[${index}].type`);
  });
}

function messagesOf(value: unknown): Message[] {
  if (!Array.isArray(value) || value.length === 0) throw invalidField('must be a non-empty list of messages', 'messages');
  return value.map((message, index) => {
    const where = `messages[${index}]`;
    if (!isRecord(message)) throw invalidField('must be an object', where);
    const role = message.role === 'developer' ? 'system' : message.role;
    if (role !== 'system' && role !== 'user' && role !== 'assistant') {
      throw invalidField(`role ${JSON.stringify(message.role)} is not supported (system, developer, user, assistant)`, `${where}.role`);
    }
    return { role, content: contentOf(message.content, `${where}.content`) };
  });
}

function parse(body: unknown): ParsedRequest {
  if (!isRecord(body)) throw invalidField('the request body must be a JSON object');
  if (typeof body.model !== 'string' || body.model === '') throw invalidField('must name a policy', 'model');
  const n = optionalNumber(body, 'n');
  if (n !== undefined && n !== 1) throw invalidField('only 1 choice is supported', 'n');
  const maxTokens = optionalNumber(body, 'max_completion_tokens') ?? optionalNumber(body, 'max_tokens');
  const temperature = optionalNumber(body, 'temperature');
  const topP = optionalNumber(body, 'top_p');
  const stop = optionalStop(body, 'stop');
  const metadata = metadataOf(body.metadata, 'metadata');
  if (typeof body.user === 'string' && metadata.user_id === undefined) metadata.user_id = body.user;
  const streamOptions = isRecord(body.stream_options) ? body.stream_options : {};
  return {
    model: body.model,
    messages: messagesOf(body.messages),
    params: {
      ...(maxTokens === undefined ? {} : { maxTokens }),
      ...(temperature === undefined ? {} : { temperature }),
      ...(topP === undefined ? {} : { topP }),
      ...(stop === undefined ? {} : { stop }),
    },
    metadata,
    stream: body.stream === true,
    includeUsage: streamOptions.include_usage === true,
  };
}

function usageOf(result: ExecutorResult): { prompt_tokens: number; completion_tokens: number; total_tokens: number } {
  const input = result.response.usage.inputTokens ?? 0;
  const output = result.response.usage.outputTokens ?? 0;
  return { prompt_tokens: input, completion_tokens: output, total_tokens: input + output };
}

function answer(result: ExecutorResult): unknown {
  return {
    id: responseId('chatcmpl-'),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: result.model,
    choices: [
      {
        index: 0,
        message: { role: 'assistant', content: result.text, refusal: null },
        logprobs: null,
        finish_reason: FINISH_REASONS[result.response.finishReason.unified],
      },
    ],
    usage: usageOf(result),
  };
}

function stream(sse: SseWriter, request: ParsedRequest): StreamRenderer {
  const id = responseId('chatcmpl-');
  const created = Math.floor(Date.now() / 1000);
  let started = false;
  let model = request.model;
  const usageField = request.includeUsage ? { usage: null } : {};
  const chunk = (delta: unknown, finishReason: string | null, extra: Record<string, unknown> = {}): string =>
    JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }], ...usageField, ...extra });
  const open = (answering: string): void => {
    if (started) return;
    started = true;
    model = answering;
    void sse.send(chunk({ role: 'assistant', content: '' }, null));
  };
  return {
    textDelta(text, answering) {
      open(answering);
      return sse.send(chunk({ content: text }, null));
    },
    restart(failedModel) {
      // Chat Completions has no way to take text back: say so in a field clients may read.
      return sse.send(chunk({}, null, { detour: { restart: true, failed_model: failedModel } }));
    },
    finish(result) {
      open(result.model);
      void sse.send(chunk({}, FINISH_REASONS[result.response.finishReason.unified]));
      if (request.includeUsage) {
        void sse.send(JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [], usage: usageOf(result) }));
      }
      void sse.send('[DONE]');
      sse.end();
    },
    fail(problem) {
      // The openai SDKs raise an APIError for an event that carries `error`.
      void sse.send(JSON.stringify(errorBody(problem)));
      sse.end();
    },
  };
}

function errorBody(problem: GatewayProblem): unknown {
  return {
    error: {
      message: problem.message,
      type: problem.type,
      param: null,
      code: problem.code,
      ...(problem.session === null ? {} : { detour: problem.session }),
    },
  };
}

/**
 * The OpenAI Chat Completions format.
 *
 * @example
 * const request = openAIChatCompletions.parse({ model: 'default', messages: [{ role: 'user', content: 'Hi' }] })
 */
export const openAIChatCompletions: WireFormat = {
  name: 'openai',
  parse,
  answer,
  stream,
  status: (problem) => problem.status,
  errorBody,
};
