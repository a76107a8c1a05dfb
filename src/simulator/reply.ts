/**
 * The deterministic reply to a request: `[<model>] reply to: <first 40
 * characters of the last user message>`, split into stream chunks, with
 * token counts estimated at four characters a token.
 */
import type { ReplyEnding, ReplyPlan, SimulatedRequest } from './protocols/types.js';
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
  let text = behaviour.reply ?? `[${request.model}] reply to: ${request.lastUserText.slice(0, 40)}`;
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
  return {
    id,
    model: request.model,
    text,
    chunks,
    inputTokens: estimateTokens(request.inputCharacters),
    outputTokens: text === '' ? 0 : estimateTokens(text.length),
    ending: finalEnding,
    created: Math.floor(Date.now() / 1000),
    includeUsage: request.includeUsage,
  };
}
