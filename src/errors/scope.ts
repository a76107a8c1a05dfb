/**
 * How far a rate limit or quota reaches on the provider's side (`error.scope`):
 * `model` when it is one model's or deployment's own limit, so another model
 * of the same provider is not held back by it; `provider` when it covers the
 * whole account, organisation or project, so every model of that provider is.
 * Null when the error does not say, or is not a limit at all.
 *
 * Besides limits, a provider's classifier may mark a failure it documents as
 * API-wide: Anthropic's 529 `overloaded_error` ("the API is temporarily
 * overloaded") is `provider` (src/errors/anthropic.ts).
 *
 * The rule, first match wins:
 * 1. kinds other than `rate_limit` and `quota_exceeded`: null;
 * 2. the limit names the model: `model` — an exhausted per-model counter in the
 *    headers (OpenAI `x-ratelimit-remaining-requests|tokens: 0`, Anthropic
 *    `anthropic-ratelimit-*-remaining: 0`), a Google quota with a `model`
 *    dimension or a `…PerModel…` quota id, or OpenAI's
 *    "Rate limit reached for <model> in organization …";
 * 3. the limit is the account's: `provider` — kind `quota_exceeded` (a spent
 *    quota, credit or spend limit), or a message that puts the limit on the
 *    organisation, account, project or billing;
 * 4. otherwise null.
 */
import type { ErrorKind, ErrorScope } from './kinds.js';
import { isRecord, readHeader, readProperty } from './shape.js';

const MODEL_COUNTERS = [
  'x-ratelimit-remaining-requests',
  'x-ratelimit-remaining-tokens',
  'anthropic-ratelimit-requests-remaining',
  'anthropic-ratelimit-tokens-remaining',
  'anthropic-ratelimit-input-tokens-remaining',
  'anthropic-ratelimit-output-tokens-remaining',
];

const MODEL_IN_MESSAGE = /\blimit reached for \S+ in (?:organi[sz]ation|project)\b/i;
const ACCOUNT_IN_MESSAGE = /\b(?:organi[sz]ation|account|project|billing|credit balance|spend(?:ing)? limit|usage limits?)\b/i;

function exhaustedCounter(headers: unknown): boolean {
  if (headers === undefined || headers === null) return false;
  for (const name of MODEL_COUNTERS) if (readHeader(headers, name)?.trim() === '0') return true;
  return false;
}

/** A Google QuotaFailure whose quota is per model (a `model` dimension, or `…PerModel…` in its id). */
function perModelQuota(raw: unknown): boolean {
  const details = readProperty(raw, 'details') ?? readProperty(readProperty(raw, 'error'), 'details');
  if (!Array.isArray(details)) return false;
  for (const detail of details) {
    const violations = readProperty(detail, 'violations');
    if (!Array.isArray(violations)) continue;
    for (const violation of violations) {
      const id = readProperty(violation, 'quotaId');
      if (typeof id === 'string' && /PerModel/i.test(id)) return true;
      if (isRecord(readProperty(violation, 'quotaDimensions')) && readProperty(readProperty(violation, 'quotaDimensions'), 'model') !== undefined) return true;
    }
  }
  return false;
}

/**
 * The scope of a failure, from what the provider sent (see the module comment).
 *
 * @example
 * limitScope('quota_exceeded', { message: 'You exceeded your current quota' }) // 'provider'
 * limitScope('rate_limit', { message: 'Rate limit reached for gpt-4o in organization org-1 on tokens per min' }) // 'model'
 */
export function limitScope(kind: ErrorKind, signals: { readonly message?: string | null | undefined; readonly headers?: unknown; readonly raw?: unknown }): ErrorScope | null {
  if (kind !== 'rate_limit' && kind !== 'quota_exceeded') return null;
  const message = signals.message ?? '';
  if (exhaustedCounter(signals.headers) || MODEL_IN_MESSAGE.test(message) || perModelQuota(signals.raw)) return 'model';
  if (kind === 'quota_exceeded' || ACCOUNT_IN_MESSAGE.test(message)) return 'provider';
  return null;
}
