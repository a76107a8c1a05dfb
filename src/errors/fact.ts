/**
 * Builds an ErrorFact: fills `type` and `retryable` from the kind (worked out
 * once, here), the limit's `scope`, and redacts the message. The raw body is
 * copied and redacted only when something reads `raw` (a log, a span, the
 * final error): a failover that only needs the kind never pays for it.
 */
import { ERROR_TYPES, RETRYABLE_KINDS, type ErrorFact, type ErrorKind, type ErrorScope } from './kinds.js';
import { lazyRaw } from './lazyRaw.js';
import { redactSecrets, redactValue } from './redact.js';
import { limitScope } from './scope.js';

const MAX_MESSAGE_LENGTH = 2_000;

export interface FactFields {
  readonly status?: number | null | undefined;
  readonly code?: string | null | undefined;
  readonly message?: string | null | undefined;
  readonly retryAfterMs?: number | null | undefined;
  readonly provider?: string | null | undefined;
  readonly sdkError?: string | null | undefined;
  readonly raw?: unknown;
  /** The response's headers, read for the limit's scope (per-model rate-limit counters). */
  readonly headers?: unknown;
  /** @default worked out from the kind, message, headers and raw body (`limitScope`) */
  readonly scope?: ErrorScope | null | undefined;
}

/**
 * An ErrorFact for `kind`, safe to log: no API key survives in `message` or `raw`.
 *
 * @example
 * makeFact('rate_limit', { status: 429, code: 'rate_limit_exceeded', message: 'Slow down', retryAfterMs: 2000 })
 */
export function makeFact(kind: ErrorKind, fields: FactFields = {}): ErrorFact {
  return makeFactWithSafeMessage(kind, safeMessage(kind, fields.message), fields);
}

/** The message a fact of `kind` carries for `message`: cut to length, keys redacted, the kind's type when empty. */
export function safeMessage(kind: ErrorKind, message: string | null | undefined): string {
  return redactSecrets((message ?? '').slice(0, MAX_MESSAGE_LENGTH)) || ERROR_TYPES[kind];
}

/**
 * `makeFact` with the fact's message worked out already (`safeMessage(kind, fields.message)`), for a
 * classifier that has it from an identical error; `fields.message` is still read for the limit's scope.
 */
export function makeFactWithSafeMessage(kind: ErrorKind, message: string, fields: FactFields): ErrorFact {
  const scope = fields.scope !== undefined ? fields.scope : limitScope(kind, fields);
  const type = ERROR_TYPES[kind];
  const status = fields.status ?? null;
  const code = fields.code ?? null;
  const retryAfterMs = fields.retryAfterMs ?? null;
  const retryable = RETRYABLE_KINDS.has(kind);
  const provider = fields.provider ?? null;
  const sdkError = fields.sdkError ?? null;
  const fact: ErrorFact =
    scope === null
      ? { kind, type, status, code, message, retryAfterMs, retryable, provider, sdkError }
      : { kind, type, status, code, message, retryAfterMs, retryable, provider, sdkError, scope };
  const raw = fields.raw;
  if (raw === undefined) return fact;
  return lazyRaw(fact, () => redactValue(raw));
}
