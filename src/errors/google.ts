/**
 * Maps errors from `@google/genai` (`ApiError`: `.status` and a `.message`
 * that is the raw JSON body, or "got status: …. {json}" inside a stream) and,
 * by name and shape only, from the retired `@google/generative-ai`
 * (`GoogleGenerativeAIFetchError`: `status`, `statusText`, `errorDetails`).
 */
import type { ClassifyContext } from './classify-context.js';
import { makeFact } from './fact.js';
import { kindFromHttp } from './http.js';
import type { ErrorFact } from './kinds.js';
import { retryAfterFromGoogleDetails, retryAfterFromGoogleMessage } from './retry-after.js';
import { causeChain, errorClassName, isRecord, parseJson, readCode, readNumber, readProperty, readString } from './shape.js';

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

/** Vertex AI names the quota in its message: `Quota exceeded for aiplatform.googleapis.com/…_per_minute_…`. */
const VERTEX_QUOTA_METRIC = /quota exceeded for (?:quota metric ')?([\w.-]+\/[\w-]+)/i;

function quotaIds(details: readonly unknown[], message = ''): string[] {
  const ids: string[] = [];
  const metric = VERTEX_QUOTA_METRIC.exec(message)?.[1];
  if (metric !== undefined) ids.push(metric);
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
  const kind = kindFromHttp({ status: httpStatus, codes, message: signals.message, quotaIds: quotaIds(signals.details, signals.message) });
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

/**
 * What a google.rpc error body (`{ error: { code, status, message, details } }`)
 * says, for errors other SDKs carry (Claude on Vertex AI through Anthropic's
 * SDK): its codes (status and details' reasons), quota ids and RetryInfo
 * delay. Null when the body is not one (a list of one such body counts).
 *
 * @example
 * googleRpcSignals({ error: { code: 429, status: 'RESOURCE_EXHAUSTED', message: 'Resource exhausted.' } })?.codes // ['RESOURCE_EXHAUSTED']
 */
export function googleRpcSignals(body: unknown): { readonly codes: string[]; readonly message: string; readonly quotaIds: string[]; readonly retryAfterMs: number | null } | null {
  const inner = readProperty(Array.isArray(body) ? body[0] : body, 'error');
  const status = readCode(inner, 'status');
  if (status === undefined) return null;
  const rawDetails = readProperty(inner, 'details');
  const details = Array.isArray(rawDetails) ? rawDetails : [];
  const message = readString(inner, 'message') ?? '';
  return {
    codes: [status, ...detailReasons(details)],
    message,
    quotaIds: quotaIds(details, message),
    retryAfterMs: retryAfterFromGoogleDetails(details),
  };
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

/** google-auth-library's words when application-default credentials are nowhere to be found, or their file cannot be read. */
const NO_DEFAULT_CREDENTIALS = /could not load the default credentials/i;
const UNREADABLE_CREDENTIALS = /unable to read the credential file specified by the GOOGLE_APPLICATION_CREDENTIALS environment variable: ([^\n]*?)(?: ENOENT| EACCES|$)/i;

/**
 * The one-line `authentication` fact for a Vertex AI call that found no
 * Google credentials (google-auth-library's "Could not load the default
 * credentials", or an unreadable GOOGLE_APPLICATION_CREDENTIALS file; bare or
 * inside Anthropic's Vertex SDK's connection error), naming the ways to
 * provide them; null for any other error.
 *
 * @example
 * missingGoogleCredentialsFact(new Error('Could not load the default credentials. Browse to …'), 'vertex')?.code // 'missing_credentials'
 */
export function missingGoogleCredentialsFact(error: unknown, provider: string): ErrorFact | null {
  for (const link of causeChain(error)) {
    const text = readString(link, 'message') ?? '';
    const unreadable = UNREADABLE_CREDENTIALS.exec(text);
    if (unreadable === null && !NO_DEFAULT_CREDENTIALS.test(text)) continue;
    return makeFact('authentication', {
      code: unreadable === null ? 'missing_credentials' : 'unreadable_credentials',
      message:
        unreadable === null
          ? 'no Google credentials for Vertex AI: set GOOGLE_APPLICATION_CREDENTIALS to a service account key file, run `gcloud auth application-default login`, or run on Google Cloud with a service account'
          : `GOOGLE_APPLICATION_CREDENTIALS names a file Vertex AI's sign-in cannot read: ${unreadable[1]?.trim() ?? ''}`,
      provider,
      sdkError: errorClassName(error),
    });
  }
  return null;
}
