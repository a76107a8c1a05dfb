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
  /content (management|filtering) policy|blocked by (our )?(content|safety)|flagged as potentially violating|rejected as a result of our safety system|safety (settings|filters?) blocked/i;

const TOKEN_LIMIT_CODES = new Set(['context_length_exceeded', 'request_too_large', 'string_above_max_length', 'tokens_exceeded']);
const TOKEN_LIMIT_MESSAGE =
  /prompt is too long|maximum context length|context[_ ]length|exceeds the maximum number of tokens|input token count .* exceeds|too many (input )?tokens|request too large|reduce the length of the messages/i;

const QUOTA_CODES = new Set([
  'insufficient_quota',
  'billing_error',
  'enforced_spend_limit_reached',
  'contract_spend_limit_reached',
  'linked_organization_spend_limit_reached',
  'billing_hard_limit_reached',
  'insufficientquota',
]);
const QUOTA_MESSAGE = /credit balance is too low|reached your specified api usage limits|billing hard limit|spend limit/i;
/** Google quota ids for long windows (a day, a month) mean a quota, not a per-minute rate. */
const LONG_QUOTA_ID = /per(day|month|year)|daily|monthly|free_?tier_requests_per_day/i;

const AUTHENTICATION_CODES = new Set(['invalid_api_key', 'authentication_error', 'unauthenticated', 'api_key_invalid', '401', 'invalid_authentication']);
const PERMISSION_CODES = new Set(['permission_error', 'permission_denied', 'unsupported_country_region_territory', '403']);
const NOT_FOUND_CODES = new Set(['model_not_found', 'not_found_error', 'not_found', 'deploymentnotfound', '404']);
const OVERLOADED_CODES = new Set(['overloaded_error', 'overloaded']);
const TIMEOUT_CODES = new Set(['timeout_error', 'deadline_exceeded', 'timeout', 'cf_gateway_timeout']);
const RATE_LIMIT_CODES = new Set(['rate_limit_exceeded', 'rate_limit_error', 'resource_exhausted', '429', 'too_many_requests']);
const UNAVAILABLE_CODES = new Set(['api_error', 'server_error', 'internal', 'unavailable', 'cf_bad_gateway', 'service_unavailable']);
const INVALID_CODES = new Set(['invalid_request_error', 'invalid_argument', 'failed_precondition', 'out_of_range', 'invalid_type']);

function hasCode(codes: readonly string[], set: ReadonlySet<string>): boolean {
  return codes.some((code) => set.has(code.toLowerCase()));
}

/**
 * The kind for an HTTP error (or an error event inside a stream, with no status).
 *
 * @example
 * kindFromHttp({ status: 429, codes: ['insufficient_quota'], message: 'You exceeded your current quota' }) // 'quota_exceeded'
 */
export function kindFromHttp(signals: HttpErrorSignals): ErrorKind {
  const { status, codes, message } = signals;
  const clientError = status === null || (status >= 400 && status < 500);

  if (clientError && (hasCode(codes, CONTENT_FILTER_CODES) || CONTENT_FILTER_MESSAGE.test(message))) return 'content_filter';
  if (status === 413 || (clientError && (hasCode(codes, TOKEN_LIMIT_CODES) || TOKEN_LIMIT_MESSAGE.test(message)))) {
    return 'token_limit';
  }
  if (status === 402 || hasCode(codes, QUOTA_CODES) || (clientError && QUOTA_MESSAGE.test(message))) return 'quota_exceeded';
  if ((signals.quotaIds ?? []).some((id) => LONG_QUOTA_ID.test(id))) return 'quota_exceeded';

  if (status === 401 || hasCode(codes, AUTHENTICATION_CODES) || (clientError && /api key not valid|invalid api key|incorrect api key/i.test(message))) {
    return 'authentication';
  }
  if (status === 403 || hasCode(codes, PERMISSION_CODES)) return 'permission';
  if (status === 404 || hasCode(codes, NOT_FOUND_CODES)) return 'model_not_found';
  if (status === 408 || status === 504 || hasCode(codes, TIMEOUT_CODES)) return 'timeout';
  if (status === 529 || hasCode(codes, OVERLOADED_CODES)) return 'overloaded';
  if (status === 429 || hasCode(codes, RATE_LIMIT_CODES)) return 'rate_limit';
  if ((status !== null && status >= 500) || hasCode(codes, UNAVAILABLE_CODES)) {
    return /overloaded/i.test(message) ? 'overloaded' : 'service_unavailable';
  }
  if ((status !== null && status >= 400) || hasCode(codes, INVALID_CODES)) return 'invalid_request';
  return 'unknown';
}
