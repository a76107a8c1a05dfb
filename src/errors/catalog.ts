/**
 * STUB — owned by the errors helper, which replaces the body.
 *
 * The error responses each provider documents (status, headers, JSON body,
 * exactly as the provider sends them), keyed by fault. One source for the
 * simulator's faults and the classifier's tests.
 */

export type DocumentedProvider = 'openai' | 'anthropic' | 'google' | 'azure_openai';

export type FaultName =
  | 'rate_limit'
  | 'quota'
  | 'server_error'
  | 'bad_gateway'
  | 'service_unavailable'
  | 'overloaded'
  | 'gateway_timeout'
  | 'request_timeout'
  | 'unauthorized'
  | 'forbidden'
  | 'not_found'
  | 'context_length'
  | 'content_filter'
  | 'bad_request'
  | 'unprocessable';

export interface DocumentedErrorResponse {
  readonly status: number;
  readonly headers: Readonly<Record<string, string>>;
  /** The JSON body, as an object (serialise with JSON.stringify). */
  readonly body: unknown;
}

/**
 * The provider's documented response for a fault; `retryAfterSeconds` sets the
 * retry headers where the provider sends them (OpenAI/Anthropic `retry-after`,
 * Google `RetryInfo.retryDelay`). Providers without such a fault return their
 * nearest documented equivalent (e.g. `overloaded` on OpenAI is a 503 "overloaded").
 */
export function providerErrorResponse(
  provider: DocumentedProvider,
  fault: FaultName,
  options: { readonly retryAfterSeconds?: number; readonly model?: string } = {},
): DocumentedErrorResponse {
  void provider;
  void fault;
  void options;
  throw new Error('providerErrorResponse: not built yet');
}
