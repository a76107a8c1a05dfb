/**
 * Maps errors thrown by the `openai` SDK (OpenAI, Azure OpenAI and any
 * OpenAI-compatible server) onto ErrorFacts. The SDK's errors all have
 * `name === "Error"`, so the class is found from the class itself
 * (`sdk-error-classes.ts`: registered classes, else the prototype chain) and
 * by shape second. The SDK is an optional peer: nothing here imports it.
 */
import type { ClassifyContext } from './classify-context.js';
import { filteredCategories } from './azure-content-filter.js';
import type { ErrorFact } from './kinds.js';
import { LastFact } from './last-kind.js';
import { withKnownSecrets } from './redact.js';
import { retryAfterFromHeaders } from './retry-after.js';
import { sdkErrorClass } from './sdk-error-classes.js';
import { abortedFact, connectionFact, timedOutFact } from './sdk-transport.js';
import { errorClassName, isRecord, readCode, readNumber, readProperty, readString } from './shape.js';

/** The SDK class name of an `openai` error, or null when it is not one. */
export function openaiErrorName(error: unknown): string | null {
  const name = sdkErrorClass('openai', error);
  // The root class is no API error: the classifier knows it only by shape, as before.
  return name === 'OpenAIError' ? null : name;
}

/**
 * True for errors of the `openai` SDK, or shaped like them (a second copy of the
 * SDK): `status` + `headers` + `error`, with the class name as constructor name.
 */
export function isOpenAIShaped(error: unknown): boolean {
  if (openaiErrorName(error) !== null) return true;
  const name = errorClassName(error) ?? '';
  return /^(API(Connection|ConnectionTimeout|UserAbort)?Error|RateLimitError|InternalServerError|BadRequestError|AuthenticationError|PermissionDeniedError|NotFoundError|ConflictError|UnprocessableEntityError)$/.test(
    name,
  ) && 'headers' in (error as object);
}

/**
 * An ErrorFact for an `openai` SDK error (`provider` is `openai`, `openai_compatible`, or Azure's), free
 * of the context's known secrets; `sdkError`, its class name when the caller has it already.
 */
export function classifyOpenAIError(error: unknown, context: ClassifyContext, provider: string, sdkError = openaiErrorName(error) ?? errorClassName(error)): ErrorFact {
  if (sdkError === 'APIUserAbortError') {
    return withKnownSecrets(abortedFact(error, provider, sdkError), context.secrets);
  }
  if (sdkError === 'APIConnectionTimeoutError') {
    return withKnownSecrets(timedOutFact(error, provider, sdkError), context.secrets);
  }
  const status = readNumber(error, 'status') ?? null;
  if (sdkError === 'APIConnectionError' || (status === null && readProperty(error, 'error') === undefined)) {
    return withKnownSecrets(connectionFact(error, context, provider, sdkError), context.secrets);
  }
  // `error` is the body's inner `error` object for HTTP errors, or an SSE error event's payload.
  const body = readProperty(error, 'error');
  const inner = isRecord(body) && isRecord(readProperty(body, 'error')) ? readProperty(body, 'error') : body;
  const code = readCode(inner, 'code') ?? readCode(error, 'code');
  const type = readString(inner, 'type') ?? readString(error, 'type');
  const innerError = readProperty(inner, 'innererror') ?? readProperty(inner, 'inner_error');
  const innerCode = readCode(innerError, 'code');
  const categories = filteredCategories(readProperty(innerError, 'content_filter_result') ?? readProperty(innerError, 'content_filter_results'));
  const providerMessage = readString(inner, 'message') ?? readString(error, 'message') ?? '';
  // Azure's prompt filter: name the categories that blocked it (its message does not).
  const message = categories === null ? providerMessage : `${providerMessage} (filtered: ${categories})`;
  const headers = readProperty(error, 'headers');
  const fields = {
    // A string code is the provider's own; a numeric one (`502`) only repeats the status, so the type says more.
    code: code !== undefined && !/^\d+$/.test(code) ? code : (type ?? code ?? null),
    retryAfterMs: retryAfterFromHeaders(headers, context.now ?? Date.now()),
    headers,
    provider,
    sdkError,
    raw: body,
  };
  return lastFact.of(status, code, type, innerCode, message, fields, context.secrets);
}

/** The last HTTP error's fact, for an identical next one (an outage sends the same body over and over). */
const lastFact = new LastFact();
