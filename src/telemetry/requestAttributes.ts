/**
 * The `gen_ai.request.*` attributes of an attempt: the generation parameters
 * it sent (the caller's, with the catalog entry's laid over), whether it
 * streamed, and the output format it asked for (`gen_ai.output.type`). Same
 * names in v1.41 and the latest conventions.
 */
import type { Attributes } from '@opentelemetry/api';
import type { AttemptStartInfo } from './hooks.js';
import { ATTRIBUTE } from './names.js';

/** Parameters passed through `extra` (YAML `params` keys other than the four typed ones) that have a conventions name. */
const EXTRA_PARAMETERS: readonly (readonly [keys: readonly string[], attribute: string])[] = [
  [['top_k', 'topK'], ATTRIBUTE.requestTopK],
  [['seed'], ATTRIBUTE.requestSeed],
  [['frequency_penalty', 'frequencyPenalty'], ATTRIBUTE.requestFrequencyPenalty],
  [['presence_penalty', 'presencePenalty'], ATTRIBUTE.requestPresencePenalty],
];

/** Keys for the number of choices (OpenAI `n`, Gemini `candidate_count`); recorded only when not 1, as the conventions ask. */
const CHOICE_COUNT_KEYS: readonly string[] = ['n', 'candidate_count', 'candidateCount'];

function finiteNumber(value: unknown): value is number {
  return typeof value === 'number' && Number.isFinite(value);
}

/**
 * Adds the request attributes of `info` to `attributes` (left untouched when there is nothing to add).
 *
 * @example
 * addRequestAttributes(attributes, { ...info, params: { maxTokens: 256, stop: ['END'], extra: { seed: 7 } }, outputType: 'json' }, true)
 * // gen_ai.request.max_tokens=256, gen_ai.request.stop_sequences=['END'], gen_ai.request.seed=7,
 * // gen_ai.output.type='json', gen_ai.request.stream=true
 */
export function addRequestAttributes(attributes: Attributes, info: AttemptStartInfo, stream: boolean): void {
  // The conventions: set only when the request streams; unset means it did not.
  if (stream) attributes[ATTRIBUTE.requestStream] = true;
  if (info.outputType !== undefined) attributes[ATTRIBUTE.outputType] = info.outputType;
  const params = info.params;
  if (params === undefined) return;
  if (finiteNumber(params.maxTokens)) attributes[ATTRIBUTE.requestMaxTokens] = params.maxTokens;
  if (finiteNumber(params.temperature)) attributes[ATTRIBUTE.requestTemperature] = params.temperature;
  if (finiteNumber(params.topP)) attributes[ATTRIBUTE.requestTopP] = params.topP;
  if (params.stop !== undefined && params.stop.length > 0) attributes[ATTRIBUTE.requestStopSequences] = [...params.stop];
  const extra = params.extra;
  if (extra === undefined) return;
  for (const [keys, attribute] of EXTRA_PARAMETERS) {
    for (const key of keys) {
      const value = extra[key];
      if (finiteNumber(value)) {
        attributes[attribute] = value;
        break;
      }
    }
  }
  for (const key of CHOICE_COUNT_KEYS) {
    const value = extra[key];
    if (finiteNumber(value)) {
      if (value !== 1) attributes[ATTRIBUTE.requestChoiceCount] = value;
      break;
    }
  }
}
