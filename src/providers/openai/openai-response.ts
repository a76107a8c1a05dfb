/** Reading a chat completion (whole or streamed) into detour's content parts and usage. */
import type { ChatCompletion, ChatCompletionChunk } from 'openai/resources/chat/completions';
import { ContentBuilder } from '../content-builder.js';
import type { StreamPart, Usage } from '../spec.js';

type CompletionUsage = NonNullable<ChatCompletion['usage']>;

/** Usage with reasoning and cached tokens where the server reports them. */
export function openAIUsage(usage: CompletionUsage | null | undefined): Usage {
  if (usage === null || usage === undefined) return { inputTokens: null, outputTokens: null };
  const reasoningTokens = usage.completion_tokens_details?.reasoning_tokens;
  const cachedInputTokens = usage.prompt_tokens_details?.cached_tokens;
  return {
    inputTokens: usage.prompt_tokens ?? null,
    outputTokens: usage.completion_tokens ?? null,
    ...(typeof reasoningTokens === 'number' && reasoningTokens > 0 ? { reasoningTokens } : {}),
    ...(typeof cachedInputTokens === 'number' && cachedInputTokens > 0 ? { cachedInputTokens } : {}),
  };
}

/** OpenAI-compatible servers (DeepSeek, vLLM, Ollama) put thinking in `reasoning_content` (some in `reasoning`). */
function reasoningTextOf(value: unknown): string {
  if (typeof value !== 'object' || value === null) return '';
  const record = value as { reasoning_content?: unknown; reasoning?: unknown };
  if (typeof record.reasoning_content === 'string') return record.reasoning_content;
  return typeof record.reasoning === 'string' ? record.reasoning : '';
}

/** The content of a whole completion's first choice: reasoning, text, tool calls. */
export function openAIContent(message: ChatCompletion.Choice['message'] | undefined): ContentBuilder {
  const content = new ContentBuilder();
  if (message === undefined) return content;
  const reasoning = reasoningTextOf(message);
  if (reasoning !== '') content.reasoning(reasoning, null);
  if (typeof message.content === 'string') content.text(message.content, null);
  for (const [index, call] of (message.tool_calls ?? []).entries()) {
    if (call.type !== 'function') continue;
    content.toolStart(index, call.id, call.function.name, null);
    content.toolArguments(index, call.function.arguments ?? '', null);
  }
  return content;
}

/** One chunk's delta into `content`, with the stream parts it makes. */
export function readOpenAIDelta(delta: ChatCompletionChunk.Choice['delta'] | undefined, content: ContentBuilder, out: StreamPart[]): void {
  if (delta === undefined || delta === null) return;
  const reasoning = reasoningTextOf(delta);
  if (reasoning !== '') content.reasoning(reasoning, out);
  if (typeof delta.content === 'string' && delta.content !== '') content.text(delta.content, out);
  const calls = delta.tool_calls;
  if (calls === undefined || calls === null) return;
  for (const call of calls) {
    const key = call.index ?? 0;
    if (!content.hasTool(key)) content.toolStart(key, call.id ?? `call_${key}`, call.function?.name ?? '', out);
    const piece = call.function?.arguments;
    if (typeof piece === 'string') content.toolArguments(key, piece, out);
  }
}
