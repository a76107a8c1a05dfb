/**
 * Turning whatever an SDK threw into the one error adapters throw:
 * `ProviderCallError` with a classified `ErrorFact`.
 */
import { classifyError } from '../errors/classify.js';
import { ERROR_TYPES, RETRYABLE_KINDS, type ErrorFact, type ErrorKind } from '../errors/kinds.js';
import { ProviderCallError } from '../errors/ProviderCallError.js';
import type { CallControl } from './call-control.js';
import type { FinishReason, ProviderType } from './spec.js';

export interface CallErrorContext {
  readonly provider: ProviderType;
  readonly control?: CallControl | undefined;
  /** The response had started: the error came while reading the stream body. */
  readonly duringStream?: boolean;
  readonly partialText?: string | null;
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
  let fact: ErrorFact;
  try {
    fact = classifyError(error, { provider: context.provider, timedOut, aborted, duringStream });
  } catch {
    const message = error instanceof Error ? error.message : String(error);
    fact = { ...detourFact('unknown', message, context.provider), sdkError: error instanceof Error ? error.constructor.name : null };
  }
  if (timedOut && fact.kind !== 'timeout') fact = withKind(fact, 'timeout');
  else if (aborted && fact.kind !== 'aborted') fact = withKind(fact, 'aborted');
  else if (duringStream && (fact.kind === 'connection' || fact.kind === 'unknown')) {
    fact = withKind(fact, 'stream_interrupted');
  }
  const partialText = context.partialText ?? null;
  return new ProviderCallError(fact, { cause: error, partialText: partialText === '' && !duringStream ? null : partialText });
}

/** A stream whose body ended without the provider's terminator. */
export function streamEndedError(provider: ProviderType, partialText: string, what: string): ProviderCallError {
  return new ProviderCallError(
    detourFact('stream_interrupted', `the stream ended without ${what}; ${partialText.length} characters received`, provider),
    { partialText },
  );
}

/** A 200 whose finish reason says the provider filtered the answer. */
export function filteredResponseError(
  provider: ProviderType,
  finishReason: FinishReason,
  partialText: string | null,
  raw?: unknown,
): ProviderCallError {
  return new ProviderCallError(
    detourFact('content_filter', `the response was filtered by the provider (finish reason ${finishReason.raw ?? 'unknown'})`, provider, {
      status: 200,
      code: finishReason.raw,
      raw,
    }),
    { partialText },
  );
}
