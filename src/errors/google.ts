/**
 * Maps errors from `@google/genai` (`ApiError`: `.status` and a `.message`
 * that is the raw JSON body, or "got status: …. {json}" inside a stream) and,
 * by name and shape only, from the retired `@google/generative-ai`
 * (`GoogleGenerativeAIFetchError`: `status`, `statusText`, `errorDetails`).
 */
import type { ClassifyContext } from './classify.js';
import { makeFact } from './fact.js';
import { kindFromHttp } from './http.js';
import type { ErrorFact } from './kinds.js';
import { retryAfterFromGoogleDetails, retryAfterFromGoogleMessage } from './retry-after.js';
import { errorClassName, isRecord, parseJson, readCode, readNumber, readProperty, readString } from './shape.js';

/** True for `@google/genai`'s ApiError and `@google/generative-ai`'s errors (matched by name: both may be absent). */
export function isGoogleShaped(error: unknown): boolean {
  const name = errorClassName(error) ?? '';
  return name === 'ApiError' || name.startsWith('GoogleGenerativeAI');
}

/** The JSON body hidden in an ApiError message (plain JSON, or after a "got status: …. " prefix). */
function parseApiErrorMessage(message: string): unknown {
  const direct = parseJson(message);
  if (direct !== undefined) return direct;
  const start = message.indexOf('{');
  return start < 0 ? undefined : parseJson(message.slice(start));
}

interface GoogleSignals {
  readonly details: readonly unknown[];
  readonly status: string | undefined;
  readonly message: string;
}

function quotaIds(details: readonly unknown[]): string[] {
  const ids: string[] = [];
  for (const detail of details) {
    const violations = readProperty(detail, 'violations');
    if (!Array.isArray(violations)) continue;
    for (const violation of violations) {
      const id = readString(violation, 'quotaId') ?? readString(violation, 'subject');
      if (id !== undefined) ids.push(id);
    }
  }
  return ids;
}

function detailReasons(details: readonly unknown[]): string[] {
  return details.flatMap((detail) => {
    const reason = readString(detail, 'reason');
    return reason === undefined ? [] : [reason];
  });
}

function factFromSignals(
  httpStatus: number | null,
  signals: GoogleSignals,
  sdkError: string | null,
  raw: unknown,
): ErrorFact {
  const codes = [signals.status, ...detailReasons(signals.details)].filter((value): value is string => value !== undefined);
  const kind = kindFromHttp({ status: httpStatus, codes, message: signals.message, quotaIds: quotaIds(signals.details) });
  return makeFact(kind, {
    status: httpStatus,
    code: signals.status ?? null,
    message: signals.message,
    retryAfterMs: retryAfterFromGoogleDetails(signals.details) ?? retryAfterFromGoogleMessage(signals.message),
    provider: 'google',
    sdkError,
    raw,
  });
}

/** An ErrorFact for a Google SDK error with an HTTP status; null when it has none (not an API error). */
export function classifyGoogleError(error: unknown, context: ClassifyContext): ErrorFact | null {
  void context;
  const sdkError = errorClassName(error);
  const rawMessage = readString(error, 'message') ?? '';
  if (sdkError === 'ApiError') {
    const body = parseApiErrorMessage(rawMessage);
    const inner = readProperty(body, 'error');
    const details = readProperty(inner, 'details');
    const httpStatus = readNumber(error, 'status') ?? readNumber(inner, 'code') ?? null;
    return factFromSignals(
      httpStatus,
      {
        details: Array.isArray(details) ? details : [],
        status: readCode(inner, 'status'),
        message: readString(inner, 'message') ?? rawMessage,
      },
      sdkError,
      body ?? rawMessage,
    );
  }
  // @google/generative-ai: "[GoogleGenerativeAI Error]: Error fetching from <url>: [429 Too Many Requests] <message>"
  const httpStatus = readNumber(error, 'status') ?? null;
  const errorDetails = readProperty(error, 'errorDetails');
  if (httpStatus === null && !Array.isArray(errorDetails)) return null;
  const bracketed = /\[\d{3}[^\]]*\]\s*(.*)$/s.exec(rawMessage);
  const message = bracketed?.[1] ?? rawMessage.replace(/^\[GoogleGenerativeAI Error\]:\s*/, '');
  const statusText = readString(error, 'statusText');
  return factFromSignals(
    httpStatus,
    {
      details: Array.isArray(errorDetails) ? errorDetails : [],
      status: googleStatusFromHttp(httpStatus) ?? statusText,
      message,
    },
    sdkError,
    isRecord(error) ? { status: httpStatus, statusText, errorDetails, message } : rawMessage,
  );
}

/** The canonical google.rpc code an HTTP status stands for (the old SDK never shows the body's `status`). */
function googleStatusFromHttp(status: number | null): string | undefined {
  switch (status) {
    case 400:
      return 'INVALID_ARGUMENT';
    case 401:
      return 'UNAUTHENTICATED';
    case 403:
      return 'PERMISSION_DENIED';
    case 404:
      return 'NOT_FOUND';
    case 429:
      return 'RESOURCE_EXHAUSTED';
    case 500:
      return 'INTERNAL';
    case 503:
      return 'UNAVAILABLE';
    case 504:
      return 'DEADLINE_EXCEEDED';
    default:
      return undefined;
  }
}
