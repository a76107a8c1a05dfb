/**
 * Builds an ErrorFact: fills `type` and `retryable` from the kind (worked out
 * once, here) and redacts the message and the raw body.
 */
import { ERROR_TYPES, RETRYABLE_KINDS, type ErrorFact, type ErrorKind } from './kinds.js';
import { redactSecrets, redactValue } from './redact.js';

const MAX_MESSAGE_LENGTH = 2_000;

export interface FactFields {
  readonly status?: number | null | undefined;
  readonly code?: string | null | undefined;
  readonly message?: string | null | undefined;
  readonly retryAfterMs?: number | null | undefined;
  readonly provider?: string | null | undefined;
  readonly sdkError?: string | null | undefined;
  readonly raw?: unknown;
}

/**
 * An ErrorFact for `kind`, safe to log: no API key survives in `message` or `raw`.
 *
 * @example
 * makeFact('rate_limit', { status: 429, code: 'rate_limit_exceeded', message: 'Slow down', retryAfterMs: 2000 })
 */
export function makeFact(kind: ErrorKind, fields: FactFields = {}): ErrorFact {
  const message = redactSecrets((fields.message ?? '').slice(0, MAX_MESSAGE_LENGTH)) || ERROR_TYPES[kind];
  const fact: ErrorFact = {
    kind,
    type: ERROR_TYPES[kind],
    status: fields.status ?? null,
    code: fields.code ?? null,
    message,
    retryAfterMs: fields.retryAfterMs ?? null,
    retryable: RETRYABLE_KINDS.has(kind),
    provider: fields.provider ?? null,
    sdkError: fields.sdkError ?? null,
  };
  if (fields.raw === undefined) return fact;
  const raw = redactValue(fields.raw);
  return raw === undefined ? fact : { ...fact, raw };
}
