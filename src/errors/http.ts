/**
 * The one decision every provider mapper ends in: HTTP status, the
 * provider's code/type and message → an ErrorKind. Provider mappers only
 * pull these signals out of their SDK's error shape.
 */
import type { ErrorKind } from './kinds.js';

export interface HttpErrorSignals {
  readonly status: number | null;
  /** Every code-like string the provider sent: `code`, `type`, Google `status`, details' reasons. */
  readonly codes: readonly string[];
  readonly message: string;
  /** Google QuotaFailure quota ids (`GenerateRequestsPerDayPerProjectPerModel-FreeTier`). */
  readonly quotaIds?: readonly string[];
}

const CONTENT_FILTER_CODES = new Set([
  'content_filter',
  'content_policy_violation',
  'invalid_prompt',
  'responsibleaipolicyviolation',
  'safety',
  'blocklist',
  'prohibited_content',
  'spii',
  'recitation',
]);
const CONTENT_FILTER_MESSAGE =
  /content (management|filtering) policy|blocked by (our )?(content|safety)|flagged as potentially violating|rejected as a result of our safety system|safety (settings|filters?) blocked|input was flagged for|requires moderation/i;

const TOKEN_LIMIT_CODES = new Set(['context_length_exceeded', 'request_too_large', 'string_above_max_length', 'tokens_exceeded', 'exceed_context_size_error']);
/**
 * Context overflows as servers word them: OpenAI and vLLM ("maximum context length"), Anthropic
 * ("prompt is too long"), Gemini and Vertex (input token count), Bedrock ("Input is too long"),
 * llama.cpp and LM Studio (context size / n_ctx), Moonshot, xAI, Together's TGI wording.
 */
const TOKEN_LIMIT_MESSAGE = new RegExp(
  [
    'prompt is too long',
    'maximum (context|prompt) length',
    'context[_ ]length',
    'exceeds the maximum number of tokens',
    'input token count .* exceeds',
    'input token count is \\d+ but model only supports',
    'too many input tokens',
    'request too large',
    'reduce the length of the messages',
    'input is too long',
    'context (size|window)( error| has been exceeded| exceeded)',
    'exceeds? the available context size',
    'exceeded model token limit',
    'tokens \\+ `max_new_tokens` must be',
  ].join('|'),
  'i',
);

const QUOTA_CODES = new Set([
  'insufficient_quota',
  'billing_error',
  'enforced_spend_limit_reached',
  'contract_spend_limit_reached',
  'linked_organization_spend_limit_reached',
  'billing_hard_limit_reached',
  'insufficientquota',
  'exceeded_current_quota_error',
  'billing_disabled',
]);
const QUOTA_MESSAGE =
  /credit balance is too low|reached your specified api usage limits|billing hard limit|spend(ing)? limit|insufficient (balance|credits)|suspended due to insufficient|doesn't have any credits|account .* is suspended/i;
/** Google's zero quota (`limit: 0`): no wait makes the next call succeed. */
const ZERO_QUOTA_MESSAGE = /\blimit: 0\b/;
/** Google quota ids for long windows (a day, a month) mean a quota, not a per-minute rate. */
const LONG_QUOTA_ID = /per_?(day|month|year)|daily|monthly|free_?tier_requests_per_day/i;

const AUTHENTICATION_CODES = new Set(['invalid_api_key', 'authentication_error', 'unauthenticated', 'api_key_invalid', '401', 'invalid_authentication']);
const PERMISSION_CODES = new Set(['permission_error', 'permission_denied', 'unsupported_country_region_territory', '403']);
const NOT_FOUND_CODES = new Set([
  'model_not_found',
  'not_found_error',
  'not_found',
  'deploymentnotfound',
  '404',
  'model_decommissioned',
  'model_not_available',
  'invalid_model',
]);
const NOT_FOUND_MESSAGE = /model identifier is invalid|could not resolve the foundation model/i;
/** A region or country the provider does not serve (Google sends it as 400 FAILED_PRECONDITION). */
const REGION_MESSAGE = /user location is not supported|in the current region|country, region, or territory not supported/i;
/** Vertex AI: the project has not enabled the model in Model Garden (400 FAILED_PRECONDITION). */
const NOT_ENABLED_MESSAGE = /is not allowed to use publisher model/i;
const OVERLOADED_CODES = new Set(['overloaded_error', 'overloaded', 'engine_overloaded_error', 'server_overloaded', 'capacity_exceeded']);
/** Overload, whatever the status (some servers send it as 429): the provider is full, not the caller over its rate. */
const OVERLOADED_MESSAGE = /overloaded|capacity exceeded|high demand|peak load/i;
const TIMEOUT_CODES = new Set(['timeout_error', 'deadline_exceeded', 'timeout', 'cf_gateway_timeout']);
const RATE_LIMIT_CODES = new Set(['rate_limit_exceeded', 'rate_limit_error', 'resource_exhausted', '429', 'too_many_requests']);
const UNAVAILABLE_CODES = new Set(['api_error', 'server_error', 'internal', 'unavailable', 'cf_bad_gateway', 'service_unavailable', 'unavailable_error']);
const INVALID_CODES = new Set(['invalid_request_error', 'invalid_argument', 'failed_precondition', 'out_of_range', 'invalid_type']);

/** Each code set as a bit: one lookup per code says which of them an error's codes are in. */
const CONTENT_FILTER = 1 << 0;
const TOKEN_LIMIT = 1 << 1;
const QUOTA = 1 << 2;
const AUTHENTICATION = 1 << 3;
const PERMISSION = 1 << 4;
const NOT_FOUND = 1 << 5;
const OVERLOADED = 1 << 6;
const TIMEOUT = 1 << 7;
const RATE_LIMIT = 1 << 8;
const UNAVAILABLE = 1 << 9;
const INVALID = 1 << 10;
const CODE_BITS = new Map<string, number>();
for (const [bit, set] of [
  [CONTENT_FILTER, CONTENT_FILTER_CODES],
  [TOKEN_LIMIT, TOKEN_LIMIT_CODES],
  [QUOTA, QUOTA_CODES],
  [AUTHENTICATION, AUTHENTICATION_CODES],
  [PERMISSION, PERMISSION_CODES],
  [NOT_FOUND, NOT_FOUND_CODES],
  [OVERLOADED, OVERLOADED_CODES],
  [TIMEOUT, TIMEOUT_CODES],
  [RATE_LIMIT, RATE_LIMIT_CODES],
  [UNAVAILABLE, UNAVAILABLE_CODES],
  [INVALID, INVALID_CODES],
] as const) {
  for (const code of set) CODE_BITS.set(code, (CODE_BITS.get(code) ?? 0) | bit);
}

/** The code sets (bits) the codes are in, case-insensitively. */
function codeSets(codes: readonly string[]): number {
  let sets = 0;
  for (const code of codes) sets |= CODE_BITS.get(code) ?? CODE_BITS.get(code.toLowerCase()) ?? 0;
  return sets;
}

/**
 * The kind for an HTTP error (or an error event inside a stream, with no status).
 *
 * @example
 * kindFromHttp({ status: 429, codes: ['insufficient_quota'], message: 'You exceeded your current quota' }) // 'quota_exceeded'
 */
export function kindFromHttp(signals: HttpErrorSignals): ErrorKind {
  const { status, message } = signals;
  const sets = codeSets(signals.codes);
  const clientError = status === null || (status >= 400 && status < 500);

  if (clientError && ((sets & CONTENT_FILTER) !== 0 || CONTENT_FILTER_MESSAGE.test(message))) return 'content_filter';
  // A 429 saying "too many tokens" is a rate; an overflow is reported at any other status (llama.cpp sends 500).
  if (status === 413 || (status !== 429 && ((sets & TOKEN_LIMIT) !== 0 || TOKEN_LIMIT_MESSAGE.test(message)))) {
    return 'token_limit';
  }
  if (status === 402 || (sets & QUOTA) !== 0 || (clientError && QUOTA_MESSAGE.test(message))) return 'quota_exceeded';
  if ((signals.quotaIds ?? []).some((id) => LONG_QUOTA_ID.test(id))) return 'quota_exceeded';
  if (status === 429 && ZERO_QUOTA_MESSAGE.test(message)) return 'quota_exceeded';

  if (status === 401 || (sets & AUTHENTICATION) !== 0 || (clientError && /api key not valid|invalid api key|incorrect api key/i.test(message))) {
    return 'authentication';
  }
  if (status === 403 || (sets & PERMISSION) !== 0 || (clientError && (REGION_MESSAGE.test(message) || NOT_ENABLED_MESSAGE.test(message)))) return 'permission';
  if (status === 404 || (sets & NOT_FOUND) !== 0 || (clientError && NOT_FOUND_MESSAGE.test(message))) return 'model_not_found';
  if (status === 408 || status === 504 || status === 524 || (sets & TIMEOUT) !== 0) return 'timeout';
  if (status === 529 || status === 498 || (sets & OVERLOADED) !== 0) return 'overloaded';
  if ((status === 429 || status === 503) && OVERLOADED_MESSAGE.test(message)) return 'overloaded';
  if (status === 429 || (sets & RATE_LIMIT) !== 0) return 'rate_limit';
  // 424: the model behind the endpoint failed (Bedrock ModelErrorException), which a retry can outlive.
  if ((status !== null && status >= 500) || status === 424 || (status === null && (sets & UNAVAILABLE) !== 0)) {
    return OVERLOADED_MESSAGE.test(message) ? 'overloaded' : 'service_unavailable';
  }
  if ((status !== null && status >= 400) || (sets & INVALID) !== 0) return 'invalid_request';
  return 'unknown';
}
