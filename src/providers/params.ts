/**
 * Per-model `params` from the catalog (YAML snake_case keys) as generation
 * parameters, and their merge over the caller's request.
 */
import type { GenerateRequest, GenerationParams, Message } from './spec.js';

function toStopList(value: unknown): readonly string[] | undefined {
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  return undefined;
}

function toNumber(value: unknown): number | undefined {
  return typeof value === 'number' && Number.isFinite(value) ? value : undefined;
}

/**
 * Read a catalog entry's `params`: `max_tokens`, `temperature`, `top_p`, `stop`
 * (camelCase spellings accepted too) become typed fields; any other key is kept
 * in `extra` and passed to the provider's request body as is.
 *
 * @example
 * catalogParams({ max_tokens: 1024, top_p: 0.9, seed: 7 })
 * // → { maxTokens: 1024, topP: 0.9, extra: { seed: 7 } }
 */
export function catalogParams(params: Readonly<Record<string, unknown>> | undefined): GenerationParams | null {
  if (params === undefined) return null;
  const keys = Object.keys(params);
  if (keys.length === 0) return null;
  let maxTokens: number | undefined;
  let temperature: number | undefined;
  let topP: number | undefined;
  let stop: readonly string[] | undefined;
  const extra: Record<string, unknown> = {};
  let hasExtra = false;
  for (const key of keys) {
    const value = params[key];
    switch (key) {
      case 'max_tokens':
      case 'maxTokens':
        maxTokens = toNumber(value);
        break;
      case 'temperature':
        temperature = toNumber(value);
        break;
      case 'top_p':
      case 'topP':
        topP = toNumber(value);
        break;
      case 'stop':
      case 'stop_sequences':
        stop = toStopList(value);
        break;
      default:
        extra[key] = value;
        hasExtra = true;
    }
  }
  return {
    ...(maxTokens === undefined ? {} : { maxTokens }),
    ...(temperature === undefined ? {} : { temperature }),
    ...(topP === undefined ? {} : { topP }),
    ...(stop === undefined ? {} : { stop }),
    ...(hasExtra ? { extra } : {}),
  };
}

/**
 * The request with the catalog's params laid over it (the catalog wins, key by
 * key; `extra` maps are merged). Returns the request itself when there is
 * nothing to merge, so the common path allocates nothing.
 */
export function mergeParams<Request extends GenerationParams = GenerateRequest>(request: Request, params: GenerationParams | null): Request {
  if (params === null) return request;
  // Not `{ ...request, ...params }`: V8 gives an object copied by a spread and then given more keys a shape on
  // which each read of an absent key misses its cache (~0.3 µs each, and the body builders test a dozen).
  const merged: Request & { extra?: Readonly<Record<string, unknown>> } = Object.assign({}, request, params);
  if (params.extra !== undefined && request.extra !== undefined) merged.extra = Object.assign({}, request.extra, params.extra);
  return merged;
}

/** The text of a message: its string, or its text parts joined. */
export function messageText(message: Message): string {
  const content = message.content;
  if (typeof content === 'string') return content;
  if (content.length === 1) {
    const only = content[0];
    return only?.type === 'text' ? only.text : '';
  }
  let text = '';
  for (const part of content) if (part.type === 'text') text += part.text;
  return text;
}
