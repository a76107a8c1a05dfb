/**
 * Maps errors thrown by `@anthropic-ai/sdk` onto ErrorFacts. The SDK keeps
 * the whole body on `.error` (`{ type: 'error', error: { type, message,
 * details? } }`); its classes carry real names (`OverloadedError`). The SDK is
 * an optional peer: its classes are known through `sdk-error-classes.ts`.
 */
import type { ClassifyContext } from './classify-context.js';
import { makeFact } from './fact.js';
import { googleRpcSignals } from './google.js';
import { kindFromHttp } from './http.js';
import type { ErrorFact } from './kinds.js';
import { LastFact } from './last-kind.js';
import { withKnownSecrets } from './redact.js';
import { retryAfterFromHeaders } from './retry-after.js';
import { sdkErrorClass } from './sdk-error-classes.js';
import { abortedFact, connectionFact, timedOutFact } from './sdk-transport.js';
import { errorClassName, isRecord, readNumber, readProperty, readString } from './shape.js';

/** True for `@anthropic-ai/sdk` errors, by class or (for another copy of the SDK) by name and body shape. */
export function isAnthropicShaped(error: unknown): boolean {
  if (sdkErrorClass('anthropic', error) !== null) return true;
  const body = readProperty(error, 'error');
  // The SDK has dozens of subclasses (EnforcedSpendLimitReachedError, …): match the body, not a name list.
  return /Error$/.test(errorClassName(error) ?? '') && (readString(body, 'type') === 'error' || readProperty(error, 'apiMessage') !== undefined);
}

/**
 * An ErrorFact for an `@anthropic-ai/sdk` error (also Anthropic's Vertex SDK,
 * whose errors are the same classes: `provider` is then the context's `vertex`),
 * free of the context's known secrets.
 */
export function classifyAnthropicError(error: unknown, context: ClassifyContext): ErrorFact {
  const provider = context.provider === 'vertex' ? 'vertex' : 'anthropic';
  const sdkError = errorClassName(error);
  const sdkClass = sdkErrorClass('anthropic', error);
  if (sdkClass === 'APIUserAbortError' || sdkError === 'APIUserAbortError') {
    return withKnownSecrets(abortedFact(error, provider, sdkError), context.secrets);
  }
  if (sdkClass === 'APIConnectionTimeoutError' || sdkError === 'APIConnectionTimeoutError') {
    return withKnownSecrets(timedOutFact(error, provider, sdkError), context.secrets);
  }
  const status = readNumber(error, 'status') ?? null;
  const body = readProperty(error, 'error');
  // The SDK refuses, before sending anything, a non-streamed call whose max_tokens could run past
  // ten minutes: a request to change (stream, or ask for fewer tokens), not a network failure to retry.
  const ownMessage = readString(error, 'message') ?? '';
  if (status === null && sdkError === 'AnthropicError' && /streaming is required/i.test(ownMessage)) {
    return withKnownSecrets(makeFact('invalid_request', { code: 'streaming_required', message: ownMessage, provider, sdkError }), context.secrets);
  }
  if (sdkClass === 'APIConnectionError' || sdkError === 'APIConnectionError' || (status === null && !isRecord(body) && !Array.isArray(body))) {
    return withKnownSecrets(connectionFact(error, context, provider, sdkError), context.secrets);
  }
  const headers = readProperty(error, 'headers');
  // Vertex AI's front answers Claude's calls in google.rpc shape (quotas, IAM, billing).
  const google = googleRpcSignals(body);
  if (google !== null) {
    const fact = makeFact(kindFromHttp({ status, codes: google.codes, message: google.message, quotaIds: google.quotaIds }), {
      status,
      code: google.codes[0] ?? null,
      message: google.message,
      retryAfterMs: google.retryAfterMs ?? retryAfterFromHeaders(headers, context.now ?? Date.now()),
      headers,
      provider,
      sdkError: sdkError ?? 'APIError',
      raw: body,
    });
    return withKnownSecrets(fact, context.secrets);
  }
  const inner = readProperty(body, 'error');
  const type = readString(inner, 'type') ?? readString(error, 'type');
  const detailCode = readString(readProperty(inner, 'details'), 'error_code') ?? readString(error, 'errorCode');
  const message = readString(inner, 'message') ?? readString(error, 'apiMessage') ?? readString(error, 'message') ?? '';
  const fields = {
    // Anthropic's 529 overloaded_error is the whole API's ("temporarily overloaded"), not one model's.
    ...(type === 'overloaded_error' || status === 529 ? { providerWide: 'overloaded' as const } : {}),
    code: detailCode ?? type ?? null,
    retryAfterMs: retryAfterFromHeaders(headers, context.now ?? Date.now()),
    headers,
    provider,
    sdkError: sdkError ?? 'APIError',
    raw: body,
  };
  return lastFact.of(status, type, detailCode, undefined, message, fields, context.secrets);
}

/** The last HTTP error's fact, for an identical next one (an overloaded API answers 529 over and over). */
const lastFact = new LastFact();
