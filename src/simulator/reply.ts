/**
 * The deterministic reply to a request: `[<model>] reply to: <first 40
 * characters of the last user message>`, split into stream chunks, with
 * token counts estimated at four characters a token.
 */
import { mismatchFor, sampleFor } from './jsonAnswers.js';
import { reasoningSignature, type PlannedToolCall, type ReplyEnding, type ReplyPlan, type SimulatedRequest } from './protocols/types.js';
import type { ModelBehaviour } from './scenarioTypes.js';

export function estimateTokens(characters: number): number {
  return Math.max(1, Math.ceil(characters / 4));
}

/** Splits text into `count` pieces of near-equal length (fewer when the text is shorter). */
export function splitIntoChunks(text: string, count: number): string[] {
  if (text === '') return [];
  const size = Math.max(1, Math.ceil(text.length / count));
  const chunks: string[] = [];
  for (let start = 0; start < text.length; start += size) chunks.push(text.slice(start, start + size));
  return chunks;
}

/**
 * @param ending how the reply ends; `stop` becomes `length` when the request's
 *   max tokens cut the text short.
 * @param partialChunks for `filtered`: how many chunks of text come before the filter.
 */
export function planReply(
  request: SimulatedRequest,
  behaviour: ModelBehaviour,
  ending: ReplyEnding,
  id: string,
  partialChunks: number,
): ReplyPlan {
  const toolCalls = plannedToolCalls(request, behaviour, id);
  const refusal = behaviour.refusal ?? null;
  let text = refusal !== null || toolCalls.length > 0 ? (behaviour.reply ?? '') : (jsonAnswer(request, behaviour) ?? behaviour.reply ?? `[${request.model}] reply to: ${request.lastUserText.slice(0, 40)}`);
  let finalEnding = ending;
  if (request.maxTokens !== null && request.maxTokens >= 0 && estimateTokens(text.length) > request.maxTokens) {
    text = text.slice(0, request.maxTokens * 4);
    if (finalEnding === 'stop') finalEnding = 'length';
  }
  let chunks = splitIntoChunks(text, behaviour.chunks);
  if (finalEnding === 'filtered') {
    chunks = chunks.slice(0, partialChunks);
    text = chunks.join('');
  }
  const reasoning = behaviour.reasoning ?? null;
  let outputCharacters = text.length + (reasoning?.length ?? 0);
  for (const call of toolCalls) outputCharacters += call.name.length + call.arguments.length;
  return {
    id,
    model: request.model,
    text,
    chunks,
    inputTokens: estimateTokens(request.inputCharacters),
    outputTokens: outputCharacters === 0 ? 0 : estimateTokens(outputCharacters),
    ending: finalEnding,
    created: Math.floor(Date.now() / 1000),
    includeUsage: request.includeUsage,
    toolCalls,
    reasoning,
    reasoningChunks: reasoning === null ? [] : splitIntoChunks(reasoning, behaviour.chunks),
    reasoningSignature: reasoning === null ? null : reasoningSignature(reasoning),
    refusal,
  };
}

/** The scripted calls, when the request offers tools and is not answering earlier calls. */
function plannedToolCalls(request: SimulatedRequest, behaviour: ModelBehaviour, id: string): PlannedToolCall[] {
  const scripted = behaviour.toolCalls;
  if (scripted === undefined || request.tools.length === 0 || request.lastIsToolResult) return [];
  return scripted.map((call, index) => {
    const text = JSON.stringify(call.arguments ?? {});
    return { id: `${id.replace(/[^A-Za-z0-9]/g, '')}${index}`, name: call.name, arguments: text, argumentChunks: splitIntoChunks(text, behaviour.chunks) };
  });
}

/** The answer to a JSON request, as the scenario says (`json: valid | invalid | malformed`); null to answer as usual. */
function jsonAnswer(request: SimulatedRequest, behaviour: ModelBehaviour): string | null {
  if (!request.wantsJson || behaviour.json === undefined) return null;
  switch (behaviour.json) {
    case 'valid':
      return JSON.stringify(request.jsonSchema === null ? { answer: 'text' } : sampleFor(request.jsonSchema));
    case 'invalid':
      return JSON.stringify(request.jsonSchema === null ? ['not', 'an', 'object'] : mismatchFor(request.jsonSchema));
    case 'malformed':
      return '{"answer": "cut';
  }
}
