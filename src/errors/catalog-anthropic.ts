/**
 * Anthropic's documented error responses (`catalog.ts` is the entry point):
 * `{ type: 'error', error: { type, message }, request_id }` with `request-id`
 * and, on 429s, `retry-after` plus the `anthropic-ratelimit-*` headers.
 */
import type { CatalogOptions, DocumentedErrorResponse, FaultName } from './catalog-types.js';

const REQUEST_ID = 'req_011CSHoEeqs5C35K2UUqR7Fy';
const DEFAULT_ANTHROPIC_MODEL = 'claude-3-5-haiku-latest';

function anthropicBody(type: string, message: string, details?: Record<string, unknown>) {
  return {
    type: 'error',
    error: details === undefined ? { type, message } : { type, message, details },
    request_id: REQUEST_ID,
  };
}

function respond(
  status: number,
  type: string,
  message: string,
  options: CatalogOptions,
  extra: { details?: Record<string, unknown>; headers?: Record<string, string>; retryable?: boolean } = {},
): DocumentedErrorResponse {
  const headers: Record<string, string> = { 'request-id': REQUEST_ID, ...extra.headers };
  if (extra.retryable === true && options.retryAfterSeconds !== undefined) {
    headers['retry-after'] = String(Math.ceil(options.retryAfterSeconds));
  }
  return { status, headers, body: anthropicBody(type, message, extra.details) };
}

function rateLimitHeaders(options: CatalogOptions): Record<string, string> {
  const reset = new Date(Date.UTC(2026, 0, 1, 0, 0, Math.ceil(options.retryAfterSeconds ?? 1))).toISOString();
  return {
    'anthropic-ratelimit-requests-limit': '50',
    'anthropic-ratelimit-requests-remaining': '49',
    'anthropic-ratelimit-requests-reset': reset,
    'anthropic-ratelimit-input-tokens-limit': '40000',
    'anthropic-ratelimit-input-tokens-remaining': '0',
    'anthropic-ratelimit-input-tokens-reset': reset,
    'anthropic-ratelimit-output-tokens-limit': '8000',
    'anthropic-ratelimit-output-tokens-remaining': '8000',
    'anthropic-ratelimit-output-tokens-reset': reset,
  };
}

/** Anthropic Messages API (api.anthropic.com/v1). */
export function anthropicErrorResponse(fault: FaultName, options: CatalogOptions): DocumentedErrorResponse {
  const model = options.model ?? DEFAULT_ANTHROPIC_MODEL;
  switch (fault) {
    case 'rate_limit':
      return respond(
        429,
        'rate_limit_error',
        'Number of request tokens has exceeded your per-minute rate limit (https://docs.anthropic.com/en/api/rate-limits); see the response headers for current usage. Please reduce the prompt length or the maximum tokens requested, or try again later. You may also contact sales at https://www.anthropic.com/contact-sales to discuss your options for a rate limit increase.',
        options,
        { headers: rateLimitHeaders(options), retryable: true },
      );
    case 'quota':
      // The monthly spend limit shares rate_limit_error; only details.error_code tells them apart.
      return respond(
        429,
        'rate_limit_error',
        'You have reached your specified API usage limits. You will regain access on 2026-02-01 at 00:00 UTC.',
        options,
        { details: { error_code: 'enforced_spend_limit_reached' } },
      );
    case 'server_error':
      return respond(500, 'api_error', 'Internal server error', options, { retryable: true });
    case 'bad_gateway':
      return respond(502, 'api_error', 'Bad gateway', options, { retryable: true });
    case 'service_unavailable':
      return respond(503, 'api_error', 'Service unavailable', options, { retryable: true });
    case 'overloaded':
      return respond(529, 'overloaded_error', 'Overloaded', options, { retryable: true });
    case 'gateway_timeout':
      return respond(504, 'timeout_error', 'Request timed out', options, { retryable: true });
    case 'request_timeout':
      return respond(408, 'timeout_error', 'Request timed out', options, { retryable: true });
    case 'unauthorized':
      return respond(401, 'authentication_error', 'invalid x-api-key', options);
    case 'forbidden':
      return respond(403, 'permission_error', 'Your API key does not have permission to use the specified resource.', options);
    case 'not_found':
      return respond(404, 'not_found_error', `model: ${model}`, options);
    case 'context_length':
      return respond(400, 'invalid_request_error', 'prompt is too long: 208310 tokens > 200000 maximum', options);
    case 'content_filter':
      return respond(400, 'invalid_request_error', 'Output blocked by content filtering policy', options);
    case 'bad_request':
      return respond(400, 'invalid_request_error', 'max_tokens: Field required', options);
    case 'unprocessable':
      // Anthropic documents invalid_request_error for "other 4XX status codes".
      return respond(
        422,
        'invalid_request_error',
        'messages: roles must alternate between "user" and "assistant", but found multiple "user" roles in a row',
        options,
      );
    default:
      return respond(500, 'api_error', 'Internal server error', options);
  }
}
