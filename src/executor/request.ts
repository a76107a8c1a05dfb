/**
 * Request helpers for the session: the request's facts for the rules, token
 * estimates for the context-window pre-check, and synthesized error facts for
 * failures detour itself detects.
 */
import { ERROR_TYPES, RETRYABLE_KINDS } from '../errors/kinds.js';
import type { ErrorFact, ErrorKind } from '../errors/kinds.js';
import type { ModelConfig } from '../policy/types.js';
import { catalogParams, mergeParams } from '../providers/params.js';
import type { ContentPart, GenerateRequest, GenerationParams, Message } from '../providers/spec.js';
import type { RequestShape } from '../providers/capabilities.js';
import type { RequestFactsInput } from '../rules/facts.js';
import type { GenerateOptions } from './types.js';

/** The `request.*` facts of a call (metadata, requested model, stream). */
export function requestFactsOf(options: GenerateOptions, stream: boolean, shape: RequestShape): RequestFactsInput {
  return {
    ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
    model: options.model ?? null,
    stream,
    shape,
    params: options.params ?? null,
  };
}

/**
 * What an attempt sends its adapter: the caller's params and features
 * (tools, tool choice, response format, reasoning), the model's id, the
 * messages. A plain text request gets no feature fields at all.
 */
export function adapterRequest(options: GenerateOptions, modelId: string): GenerateRequest {
  const { params, tools, toolChoice, responseFormat, reasoning, parallelToolCalls } = options;
  // Built from an empty object, not spread copies: see `mergeParams` (the body builders read many absent keys).
  const request: { -readonly [Key in keyof GenerateRequest]: GenerateRequest[Key] } =
    params === undefined ? { model: modelId, messages: options.messages } : Object.assign({}, params, { model: modelId, messages: options.messages });
  if (tools !== undefined) request.tools = tools;
  if (toolChoice !== undefined) request.toolChoice = toolChoice;
  if (responseFormat !== undefined) request.responseFormat = responseFormat;
  if (reasoning !== undefined) request.reasoning = reasoning;
  if (parallelToolCalls !== undefined) request.parallelToolCalls = parallelToolCalls;
  return request;
}

/**
 * Input tokens, estimated as characters / 4 (OpenAI's rule of thumb for
 * English). Cheap and provider-neutral; it only has to be right about
 * prompts that are clearly too long.
 */
export function estimateInputTokens(messages: readonly Message[]): number {
  let characters = 0;
  for (const message of messages) {
    const content = message.content;
    if (typeof content === 'string') characters += content.length;
    else for (const part of content) characters += partCharacters(part);
  }
  return Math.ceil(characters / 4);
}

/** Characters a part adds to the prompt; an image or file counts as a fixed share, since its tokens are the provider's to count. */
function partCharacters(part: ContentPart): number {
  switch (part.type) {
    case 'text':
    case 'reasoning':
      return part.text.length;
    case 'tool-call':
      return part.name.length + jsonLength(part.arguments);
    case 'tool-result':
      return part.name.length + (typeof part.result === 'string' ? part.result.length : jsonLength(part.result));
    case 'image':
      return IMAGE_CHARACTERS;
    case 'file':
      return typeof part.data === 'string' ? Math.ceil(part.data.length * 0.75) : part.data.byteLength;
  }
}

/** About 1,000 tokens: a mid-sized image at OpenAI's and Anthropic's rates. */
const IMAGE_CHARACTERS = 4_000;

function jsonLength(value: unknown): number {
  try {
    return JSON.stringify(value)?.length ?? 0;
  } catch {
    return 0;
  }
}

const catalogParamsCache = new WeakMap<ModelConfig, GenerationParams | null>();

/** A catalog entry's `params` as generation parameters, read once per entry. */
function catalogParamsOf(model: ModelConfig): GenerationParams | null {
  let params = catalogParamsCache.get(model);
  if (params === undefined) {
    params = catalogParams(model.params);
    catalogParamsCache.set(model, params);
  }
  return params;
}

/** The `max_tokens` a call to this model will ask for: the catalog's, else the caller's, else 0. */
export function requestedMaxTokens(model: ModelConfig, params: GenerationParams | undefined): number {
  return catalogParamsOf(model)?.maxTokens ?? params?.maxTokens ?? 0;
}

/** The generation parameters a call to this model sends: the caller's with the catalog's laid over, as the adapter lays them. */
export function sentParams(model: ModelConfig | undefined, params: GenerationParams | undefined): GenerationParams | undefined {
  const fromCatalog = model === undefined ? null : catalogParamsOf(model);
  if (fromCatalog === null) return params;
  return params === undefined ? fromCatalog : mergeParams(params, fromCatalog);
}

/** An ErrorFact for a failure detour detected itself (timers, pre-checks, aborts). */
export function syntheticFact(kind: ErrorKind, message: string, provider: string | null = null): ErrorFact {
  return {
    kind,
    type: ERROR_TYPES[kind],
    status: null,
    code: null,
    message,
    retryAfterMs: null,
    retryable: RETRYABLE_KINDS.has(kind),
    provider,
    sdkError: null,
  };
}

/** A mid-stream break is a `stream_interrupted`, whatever cut it (a timeout, a reset). */
export function asStreamInterrupted(fact: ErrorFact): ErrorFact {
  if (fact.kind === 'stream_interrupted' || fact.kind === 'aborted') return fact;
  return { ...fact, kind: 'stream_interrupted', type: ERROR_TYPES.stream_interrupted, retryable: true };
}
