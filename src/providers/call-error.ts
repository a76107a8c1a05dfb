/**
 * Turning whatever an SDK threw into the one error adapters throw:
 * `ProviderCallError` with a classified `ErrorFact`.
 */
import { classifyResponse } from '../errors/classify.js';
import type { ClassifyContext } from '../errors/classify-context.js';
import { scrubCause, toProviderCallError } from '../errors/toProviderCallError.js';
import { ERROR_TYPES, RETRYABLE_KINDS, type ErrorFact, type ErrorKind } from '../errors/kinds.js';
import { ProviderCallError } from '../errors/ProviderCallError.js';
import { redactSecrets } from '../errors/redact.js';
import type { CallControl } from './call-control.js';
import { recordedSecrets } from './credential-secrets.js';
import type { FinishReason, GenerateResponse, ProviderType } from './spec.js';

export interface CallErrorContext {
  readonly provider: ProviderType;
  readonly control?: CallControl | undefined;
  /** The response had started: the error came while reading the stream body. */
  readonly duringStream?: boolean;
  readonly partialText?: string | null;
  /** The client's API key, scrubbed from the error even when it looks like no known key format. */
  readonly secrets?: readonly string[];
}

/**
 * The API key an SDK client was built with, so errors can scrub it wherever a
 * provider echoes it (Azure keys are 32 hex characters no pattern catches);
 * for the cloud clients, the live list of every key and token their requests
 * carried (`credential-secrets.ts`).
 */
export function clientSecrets(client: unknown): readonly string[] {
  const recorded = typeof client === 'object' && client !== null ? recordedSecrets(client) : null;
  if (recorded !== null) return recorded;
  const apiKey = typeof client === 'object' && client !== null ? (client as { apiKey?: unknown }).apiKey : undefined;
  return typeof apiKey === 'string' && apiKey.length > 0 ? [apiKey] : [];
}

/** A fact detour builds itself (no SDK error behind it). */
export function detourFact(
  kind: ErrorKind,
  message: string,
  provider: ProviderType | null,
  more: { readonly status?: number | null; readonly code?: string | null; readonly raw?: unknown } = {},
): ErrorFact {
  return {
    kind,
    type: ERROR_TYPES[kind],
    status: more.status ?? null,
    code: more.code ?? null,
    message,
    retryAfterMs: null,
    retryable: RETRYABLE_KINDS.has(kind),
    provider,
    sdkError: null,
    ...(more.raw === undefined ? {} : { raw: more.raw }),
  };
}

function withKind(fact: ErrorFact, kind: ErrorKind): ErrorFact {
  return { ...fact, kind, type: ERROR_TYPES[kind], retryable: RETRYABLE_KINDS.has(kind) };
}

/**
 * Classify `error` and wrap it. A `ProviderCallError` passes through untouched.
 * detour's own timer and the caller's signal win over whatever the SDK made of
 * the abort, and a broken body after the stream started is always
 * `stream_interrupted`, carrying the text received so far.
 *
 * @example
 * try { await client.chat.completions.create(body); }
 * catch (error) { throw toCallError(error, { provider: 'openai', control }); }
 */
export function toCallError(error: unknown, context: CallErrorContext): ProviderCallError {
  if (ProviderCallError.isInstance(error)) return error;
  const timedOut = context.control?.timedOut === true;
  const aborted = context.control?.aborted === true;
  const duringStream = context.duringStream === true;
  const partialText = context.partialText === '' && !duringStream ? null : (context.partialText ?? null);
  const classify: ClassifyContext =
    context.secrets === undefined ? { provider: context.provider, timedOut, aborted, duringStream } : { provider: context.provider, timedOut, aborted, duringStream, secrets: context.secrets };
  const wrapped = toProviderCallError(error, classify, { partialText, deferScrub: context.control?.deferScrub === true });
  const fact = wrapped.fact;
  let kind: ErrorKind = fact.kind;
  if (timedOut) kind = 'timeout';
  else if (aborted) kind = 'aborted';
  else if (duringStream && (kind === 'connection' || kind === 'unknown')) kind = 'stream_interrupted';
  if (kind === fact.kind) return wrapped;
  scrubCause(wrapped);
  return new ProviderCallError(withKind(fact, kind), { cause: error, partialText });
}

function describeBody(body: unknown, expected: string): string {
  if (body === undefined || body === '') return 'an empty body';
  if (body === null) return '`null`';
  if (Array.isArray(body)) return 'a list';
  if (typeof body === 'string') {
    const text = redactSecrets(body.replace(/\s+/g, ' ').trim());
    return `text: "${text.length > 60 ? `${text.slice(0, 60)}…` : text}"`;
  }
  if (typeof body === 'object') return `an object without \`${expected}\``;
  return `a ${typeof body}`;
}

/**
 * A 200 whose body is not the provider's response: empty, `null`, cut-off
 * JSON, an HTML page from a proxy, an object without the expected field. It
 * is the server's fault, like a 502 from a proxy, so it is a retryable
 * `service_unavailable` (code `malformed_response`) and the policy falls
 * back as it does for any server fault.
 *
 * @example
 * if (!Array.isArray(completion?.choices)) throw malformedResponseError('openai', completion, 'choices');
 */
export function malformedResponseError(provider: ProviderType, body: unknown, expected: string, cause?: unknown): ProviderCallError {
  const what = cause !== undefined ? 'JSON that does not parse' : describeBody(body, expected);
  const fact = detourFact(
    'service_unavailable',
    `${provider} answered 200 with a body that is not a response (${what}; expected an object with \`${expected}\`): treated as a server fault`,
    provider,
    { status: 200, code: 'malformed_response' },
  );
  return new ProviderCallError(fact, cause === undefined ? {} : { cause });
}

/**
 * True for the error an SDK throws when a 2xx body does not parse as JSON, or
 * (`@google/genai`) when it parsed to something that is not an object.
 */
export function isBodyParseError(error: unknown): boolean {
  return error instanceof SyntaxError || (error instanceof TypeError && error.message.includes('sdkHttpResponse'));
}

/** A stream whose body ended without the provider's terminator. */
export function streamEndedError(provider: ProviderType, partialText: string, what: string): ProviderCallError {
  return new ProviderCallError(
    detourFact('stream_interrupted', `the stream ended without ${what}; ${partialText.length} characters received`, provider),
    { partialText },
  );
}

/**
 * A 200 whose finish reason (or Google's prompt `blockReason`) says the
 * provider filtered the answer: kind `content_filter`, with any text received
 * and the answer as it stands (for policies that `accept: [content_filter]`);
 * Azure's `content_filter_results` name the categories in the message.
 */
export function filteredResponseError(
  provider: ProviderType,
  finishReason: FinishReason,
  partialText: string | null,
  blockReason?: string | null,
  response?: GenerateResponse,
  contentFilterResults?: unknown,
): ProviderCallError {
  const fact =
    classifyResponse(provider, {
      finishReasonRaw: blockReason === undefined || blockReason === null ? finishReason.raw : null,
      blockReason: blockReason ?? null,
      text: partialText,
      contentFilterResults,
    }) ??
    detourFact('content_filter', `The response was filtered (finish reason: ${finishReason.raw ?? 'unknown'}).`, provider, {
      code: finishReason.raw,
    });
  return new ProviderCallError(fact.kind === 'content_filter' ? fact : withKind(fact, 'content_filter'), {
    partialText: partialText === '' ? null : partialText,
    ...(response === undefined ? {} : { response }),
  });
}
