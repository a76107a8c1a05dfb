/**
 * Maps the errors an AI SDK language model throws (`@ai-sdk/provider`'s
 * `APICallError`, `RetryError`, `LoadAPIKeyError`, `TypeValidationError`,
 * `JSONParseError`, …) onto ErrorFacts. They are told by the AI SDK's own
 * brand (`Symbol.for('vercel.ai.error.AI_…')`), which survives two copies of
 * the package, so detour never imports it.
 */
import type { ClassifyContext } from './classify-context.js';
import { makeFact } from './fact.js';
import { kindFromHttp } from './http.js';
import type { ErrorFact } from './kinds.js';
import { classifyNetworkError } from './network.js';
import { retryAfterFromHeaders } from './retry-after.js';
import { isRecord, readCode, readNumber, readProperty, readString } from './shape.js';

const BRAND = Symbol.for('vercel.ai.error');

/** The AI SDK error's name (`AI_APICallError`), or null when `error` is not one. */
export function aiSdkErrorName(error: unknown): string | null {
  if (typeof error !== 'object' || error === null || (error as Record<symbol, unknown>)[BRAND] !== true) return null;
  return readString(error, 'name') ?? null;
}

function parsedBody(error: unknown): unknown {
  const data = readProperty(error, 'data');
  if (data !== undefined && data !== null) return data;
  const body = readString(error, 'responseBody');
  if (body === undefined || body === '') return undefined;
  try {
    return JSON.parse(body) as unknown;
  } catch {
    return body;
  }
}

function malformedFact(error: unknown, provider: string, sdkError: string, status: number): ErrorFact {
  const what = (readString(error, 'message') ?? '').split('\n', 1)[0];
  return makeFact('service_unavailable', { status, code: 'malformed_response', message: `the model answered ${status} with a body that is not a response (${what}): treated as a server fault`, provider, sdkError });
}

function apiCallFact(error: unknown, context: ClassifyContext, provider: string, sdkError: string): ErrorFact {
  const status = readNumber(error, 'statusCode') ?? null;
  if (status === null) {
    const network = classifyNetworkError(readProperty(error, 'cause') ?? error, context);
    return makeFact(network?.kind ?? 'connection', { code: network?.code ?? null, message: readString(error, 'message') ?? network?.message ?? 'Connection error.', provider, sdkError });
  }
  // A 2xx the AI SDK could not read ("Invalid JSON response"): the server's fault, like a proxy's 502.
  if (status < 400) return malformedFact(error, provider, sdkError, status);
  const body = parsedBody(error);
  const inner = isRecord(readProperty(body, 'error')) ? readProperty(body, 'error') : body;
  const code = readCode(inner, 'code');
  const type = readString(inner, 'type') ?? readString(inner, 'status');
  const message = readString(inner, 'message') ?? (typeof inner === 'string' ? inner : undefined) ?? readString(error, 'message') ?? '';
  const headers = readProperty(error, 'responseHeaders');
  return makeFact(kindFromHttp({ status, codes: [code, type].filter((value): value is string => value !== undefined), message }), {
    status,
    code: code !== undefined && !/^\d+$/.test(code) ? code : (type ?? code ?? null),
    message,
    retryAfterMs: retryAfterFromHeaders(headers, context.now ?? Date.now()),
    headers,
    provider,
    sdkError,
    raw: body,
  });
}

/**
 * An ErrorFact for an AI SDK error, or null when `error` is not one.
 * `APICallError` reads like any HTTP error (status, the body's code and
 * message, `retry-after`); a `RetryError` is its last error; a missing key is
 * `authentication`; a body that does not parse or fit the provider's schema
 * is a server fault (`service_unavailable`, code `malformed_response`).
 *
 * @example
 * classifyAiSdkError(apiCallError429, {}, 'ai_sdk')?.kind // 'rate_limit'
 */
export function classifyAiSdkError(error: unknown, context: ClassifyContext, provider: string): ErrorFact | null {
  const name = aiSdkErrorName(error);
  if (name === null) return null;
  const sdkError = name.replace(/^AI_/, '');
  switch (name) {
    case 'AI_APICallError':
      return apiCallFact(error, context, provider, sdkError);
    case 'AI_RetryError': {
      const last = readProperty(error, 'lastError');
      return (last === undefined ? null : classifyAiSdkError(last, context, provider)) ?? makeFact('unknown', { message: readString(error, 'message') ?? '', provider, sdkError });
    }
    case 'AI_LoadAPIKeyError':
    case 'AI_LoadSettingError':
      return makeFact('authentication', { code: 'missing_api_key', message: readString(error, 'message') ?? '', provider, sdkError });
    case 'AI_TypeValidationError':
    case 'AI_JSONParseError':
    case 'AI_EmptyResponseBodyError':
      return malformedFact(error, provider, sdkError, 200);
    case 'AI_NoContentGeneratedError':
      return makeFact('empty_response', { message: readString(error, 'message') ?? '', provider, sdkError });
    case 'AI_UnsupportedFunctionalityError':
    case 'AI_InvalidPromptError':
    case 'AI_InvalidArgumentError':
      return makeFact('invalid_request', { code: 'unsupported', message: readString(error, 'message') ?? '', provider, sdkError });
    default:
      return makeFact('unknown', { message: readString(error, 'message') ?? '', provider, sdkError });
  }
}
