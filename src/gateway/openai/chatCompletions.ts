/**
 * The OpenAI Chat Completions wire format: `POST /v1/chat/completions`
 * bodies in (chatRequest.ts), `chat.completion` objects or
 * `chat.completion.chunk` events out, errors as `{ error: { message, type, param, code } }`.
 */
import type { ExecutorResult } from '../../executor/types.js';
import type { ToolCall, UnifiedFinishReason } from '../../providers/spec.js';
import type { GatewayProblem } from '../GatewayProblem.js';
import type { SseWriter } from '../SseWriter.js';
import { responseId, type ParsedRequest, type StreamRenderer, type WireFormat } from '../wire.js';
import { parseChatRequest } from './chatRequest.js';

const FINISH_REASONS: Readonly<Record<UnifiedFinishReason, string>> = {
  stop: 'stop',
  length: 'length',
  content_filter: 'content_filter',
  tool_calls: 'tool_calls',
  error: 'stop',
  other: 'stop',
};

const argumentsText = (value: unknown): string => (typeof value === 'string' ? value : JSON.stringify(value ?? {}));

function usageOf(result: ExecutorResult): Record<string, unknown> {
  const usage = result.response.usage;
  const input = usage.inputTokens ?? 0;
  const output = usage.outputTokens ?? 0;
  return {
    prompt_tokens: input,
    completion_tokens: output,
    total_tokens: input + output,
    ...(usage.cachedInputTokens === undefined ? {} : { prompt_tokens_details: { cached_tokens: usage.cachedInputTokens } }),
    ...(usage.reasoningTokens === undefined ? {} : { completion_tokens_details: { reasoning_tokens: usage.reasoningTokens } }),
  };
}

function toolCallsOf(calls: readonly ToolCall[]): unknown[] {
  return calls.map((call) => ({ id: call.id, type: 'function', function: { name: call.name, arguments: argumentsText(call.arguments) } }));
}

function answer(result: ExecutorResult): unknown {
  const response = result.response;
  const toolCalls = response.toolCalls ?? [];
  return {
    id: responseId('chatcmpl-'),
    object: 'chat.completion',
    created: Math.floor(Date.now() / 1000),
    model: result.model,
    choices: [
      {
        index: 0,
        message: {
          role: 'assistant',
          content: result.text === '' && toolCalls.length > 0 ? null : result.text,
          refusal: response.refusal ?? null,
          ...(toolCalls.length === 0 ? {} : { tool_calls: toolCallsOf(toolCalls) }),
          // Not in OpenAI's schema; the name DeepSeek and OpenRouter use for thinking text.
          ...(response.reasoning === null || response.reasoning === undefined ? {} : { reasoning_content: response.reasoning }),
        },
        logprobs: null,
        finish_reason: FINISH_REASONS[response.finishReason.unified],
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
  /** Each tool call's index in `delta.tool_calls`, and whether its arguments were streamed. */
  const calls = new Map<string, { index: number; streamed: boolean }>();
  const chunk = (delta: unknown, finishReason: string | null = null, extra: Record<string, unknown> = {}): Promise<void> | undefined =>
    sse.send(JSON.stringify({ id, object: 'chat.completion.chunk', created, model, choices: [{ index: 0, delta, logprobs: null, finish_reason: finishReason }], ...usageField, ...extra }));
  const open = (answering: string): void => {
    if (started) return;
    started = true;
    model = answering;
    void chunk({ role: 'assistant', content: '' });
  };
  const startCall = (callId: string, name: string): { index: number; streamed: boolean } => {
    let call = calls.get(callId);
    if (call === undefined) {
      call = { index: calls.size, streamed: false };
      calls.set(callId, call);
      void chunk({ tool_calls: [{ index: call.index, id: callId, type: 'function', function: { name, arguments: '' } }] });
    }
    return call;
  };
  return {
    event(event) {
      open(event.model);
      switch (event.type) {
        case 'text-delta':
          return chunk({ content: event.text });
        case 'reasoning-delta':
          // Signatures and redacted thinking have no place in Chat Completions.
          return event.text === '' ? undefined : chunk({ reasoning_content: event.text });
        case 'tool-call-start':
          startCall(event.id, event.name);
          return undefined;
        case 'tool-call-delta': {
          const call = calls.get(event.id);
          if (call === undefined) return undefined;
          call.streamed = true;
          return chunk({ tool_calls: [{ index: call.index, function: { arguments: event.argumentsDelta } }] });
        }
        case 'tool-call': {
          const call = startCall(event.id, event.name);
          if (call.streamed) return undefined;
          call.streamed = true;
          return chunk({ tool_calls: [{ index: call.index, function: { arguments: argumentsText(event.arguments) } }] });
        }
      }
    },
    restart(failedModel) {
      // Chat Completions has no way to take text back: say so in a field clients may read.
      return chunk({}, null, { detour: { restart: true, failed_model: failedModel } });
    },
    finish(result) {
      open(result.model);
      void chunk({}, FINISH_REASONS[result.response.finishReason.unified]);
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
  parse: parseChatRequest,
  answer,
  stream,
  status: (problem) => problem.status,
  errorBody,
};
