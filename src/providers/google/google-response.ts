/**
 * Reading a Gemini response (whole, or one streamed chunk): its content parts
 * (thoughts, text, function calls with generated ids), finish reason and usage.
 */
import { createHash } from 'node:crypto';
import type { GenerateContentResponse } from '@google/genai';
import type { ContentBuilder } from '../content-builder.js';
import type { FinishReason, StreamPart, Usage } from '../spec.js';
import { mapGoogleFinishReason } from './map-google-finish-reason.js';

/**
 * An id for a function call Gemini sent without one: stable (the same call in
 * the same response gets the same id) and unique across turns, in the
 * character set every provider accepts for tool ids.
 *
 * @example
 * googleCallId('resp-1', 0, 'get_weather', { city: 'Paris' }) // 'call_3f1c…'
 */
export function googleCallId(responseId: string | null, index: number, name: string, args: unknown): string {
  const digest = createHash('sha256').update(`${responseId ?? ''}\u0000${index}\u0000${name}\u0000${JSON.stringify(args ?? {})}`).digest('hex');
  return `call_${digest.slice(0, 24)}`;
}

/**
 * One response's (or chunk's) parts into `content`. `callIndex` numbers the
 * calls across a stream's chunks; returns the next index.
 */
export function readGoogleParts(response: GenerateContentResponse, content: ContentBuilder, out: StreamPart[] | null, callIndex: number, responseId: string | null): number {
  const parts = response.candidates?.[0]?.content?.parts;
  if (parts === undefined) return callIndex;
  let next = callIndex;
  for (const part of parts) {
    if (part.functionCall !== undefined) {
      const call = part.functionCall;
      const name = call.name ?? '';
      const id = call.id ?? googleCallId(responseId, next, name, call.args);
      content.toolCall(`google-${next}`, id, name, call.args ?? {}, out, part.thoughtSignature);
      next++;
    } else if (typeof part.text === 'string') {
      if (part.thought === true) {
        content.reasoning(part.text, out);
        if (part.thoughtSignature) content.reasoningSignature(part.thoughtSignature, out);
      } else content.text(part.text, out);
    }
  }
  return next;
}

/** A finish reason, or the prompt's block reason (a filtered prompt has no candidates). */
export function finishOf(response: GenerateContentResponse): FinishReason | null {
  const raw = response.candidates?.[0]?.finishReason;
  if (raw !== undefined && raw !== null) return mapGoogleFinishReason(raw);
  const blockReason = response.promptFeedback?.blockReason;
  if (blockReason !== undefined && blockReason !== null) return { unified: 'content_filter', raw: blockReason };
  return null;
}

/** Gemini says `STOP` after function calls too: detour says `tool_calls`, as the other providers do. */
export function withToolCalls(finishReason: FinishReason, toolCallCount: number): FinishReason {
  return toolCallCount > 0 && finishReason.unified === 'stop' ? { unified: 'tool_calls', raw: finishReason.raw } : finishReason;
}

/** Usage with thinking and cached tokens; output counts the thoughts, as the other providers' do. */
export function googleUsage(metadata: GenerateContentResponse['usageMetadata'], previous?: Usage): Usage {
  if (metadata === undefined) return previous ?? { inputTokens: null, outputTokens: null };
  const thoughts = metadata.thoughtsTokenCount;
  const cached = metadata.cachedContentTokenCount;
  const candidates = metadata.candidatesTokenCount ?? previous?.outputTokens ?? null;
  return {
    inputTokens: metadata.promptTokenCount ?? previous?.inputTokens ?? null,
    outputTokens: candidates === null ? null : candidates + (thoughts ?? 0),
    ...(typeof thoughts === 'number' && thoughts > 0 ? { reasoningTokens: thoughts } : {}),
    ...(typeof cached === 'number' && cached > 0 ? { cachedInputTokens: cached } : {}),
  };
}
