/**
 * Finish reasons, usage and answer content between detour and the AI SDK's
 * language-model spec, both ways.
 */
import type { LanguageModelV4Content, LanguageModelV4FinishReason, LanguageModelV4Usage } from '@ai-sdk/provider';
import { parseToolArguments } from '../content-builder.js';
import type { ContentPart, FinishReason, ToolCall, UnifiedFinishReason, Usage } from '../spec.js';

const TO_AI_SDK: Readonly<Record<UnifiedFinishReason, LanguageModelV4FinishReason['unified']>> = {
  stop: 'stop',
  length: 'length',
  content_filter: 'content-filter',
  tool_calls: 'tool-calls',
  error: 'error',
  other: 'other',
};

/** detour's finish reason in the AI SDK's words; the provider's raw reason kept. */
export function toAiSdkFinishReason(reason: FinishReason): LanguageModelV4FinishReason {
  return { unified: TO_AI_SDK[reason.unified], raw: reason.raw ?? undefined };
}

/** The AI SDK's finish reason in detour's words (`interrupted` is `other`: the answer may be incomplete). */
export function fromAiSdkFinishReason(reason: LanguageModelV4FinishReason | string | undefined): FinishReason {
  // Spec v2 models report a bare string.
  const unified = typeof reason === 'string' ? reason : reason?.unified;
  const raw = typeof reason === 'string' ? reason : (reason?.raw ?? unified ?? null);
  switch (unified) {
    case 'stop':
    case 'length':
    case 'error':
      return { unified, raw };
    case 'content-filter':
      return { unified: 'content_filter', raw };
    case 'tool-calls':
      return { unified: 'tool_calls', raw };
    default:
      return { unified: 'other', raw };
  }
}

/** detour's usage as the AI SDK's (input and output totals, cached input, reasoning output). */
export function toAiSdkUsage(usage: Usage): LanguageModelV4Usage {
  const input = usage.inputTokens ?? undefined;
  const output = usage.outputTokens ?? undefined;
  const cached = usage.cachedInputTokens;
  const reasoning = usage.reasoningTokens;
  return {
    inputTokens: { total: input, noCache: input !== undefined && cached !== undefined ? input - cached : input, cacheRead: cached, cacheWrite: undefined },
    outputTokens: { total: output, text: output !== undefined && reasoning !== undefined ? output - reasoning : output, reasoning },
  };
}

/** The AI SDK's usage as detour's (spec v2's flat numbers read too). */
export function fromAiSdkUsage(usage: LanguageModelV4Usage | Record<string, unknown> | undefined): Usage {
  const input = (usage as LanguageModelV4Usage | undefined)?.inputTokens;
  const output = (usage as LanguageModelV4Usage | undefined)?.outputTokens;
  const flat = (value: unknown): number | null => (typeof value === 'number' ? value : null);
  const inputTokens = typeof input === 'object' && input !== null ? (input.total ?? null) : flat(input);
  const outputTokens = typeof output === 'object' && output !== null ? (output.total ?? null) : flat(output);
  const cached = typeof input === 'object' && input !== null ? input.cacheRead : undefined;
  const reasoning = typeof output === 'object' && output !== null ? output.reasoning : undefined;
  return { inputTokens, outputTokens, ...(cached === undefined ? {} : { cachedInputTokens: cached }), ...(reasoning === undefined ? {} : { reasoningTokens: reasoning }) };
}

/** A tool call's arguments as the AI SDK's JSON text. */
export function toolInputText(argumentsValue: unknown): string {
  return typeof argumentsValue === 'string' ? argumentsValue : (JSON.stringify(argumentsValue ?? {}) ?? '{}');
}

/** An answer's content parts in the AI SDK's shape (text, reasoning, tool calls). */
export function toAiSdkContent(content: readonly ContentPart[]): LanguageModelV4Content[] {
  const out: LanguageModelV4Content[] = [];
  for (const part of content) {
    if (part.type === 'text') out.push({ type: 'text', text: part.text });
    else if (part.type === 'reasoning') out.push({ type: 'reasoning', text: part.text, ...(part.signature === undefined ? {} : { providerMetadata: { detour: { signature: part.signature } } }) });
    else if (part.type === 'tool-call') out.push({ type: 'tool-call', toolCallId: part.id, toolName: part.name, input: toolInputText(part.arguments) });
  }
  return out;
}

/** The AI SDK's answer content as detour's parts and tool calls; other parts (sources, files) are not carried. */
export function fromAiSdkContent(content: readonly LanguageModelV4Content[]): { content: ContentPart[]; toolCalls: ToolCall[]; text: string; reasoning: string | null } {
  const parts: ContentPart[] = [];
  const toolCalls: ToolCall[] = [];
  let text = '';
  let reasoning: string | null = null;
  for (const part of content) {
    if (part.type === 'text') {
      parts.push({ type: 'text', text: part.text });
      text += part.text;
    } else if (part.type === 'reasoning') {
      parts.push({ type: 'reasoning', text: part.text });
      reasoning = (reasoning ?? '') + part.text;
    } else if (part.type === 'tool-call' && part.providerExecuted !== true) {
      const call = { id: part.toolCallId, name: part.toolName, arguments: parseToolArguments(part.input) };
      parts.push({ type: 'tool-call', ...call });
      toolCalls.push(call);
    }
  }
  return { content: parts, toolCalls, text, reasoning };
}
