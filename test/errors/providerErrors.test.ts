/**
 * THE table: every documented provider error, served over real HTTP by a
 * local server and thrown by the real SDK, classifies to the expected kind,
 * status, code and retry delay.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { FaultName } from '../../src/errors/catalog.js';
import { classifyError, classifyResponse } from '../../src/errors/classify.js';
import type { ErrorKind } from '../../src/errors/kinds.js';
import { callSdk, thrownBy, type SdkName } from './support/sdkCalls.js';
import { startErrorServer, type ErrorServer } from './support/errorServer.js';

type Expected = readonly [fault: FaultName, kind: ErrorKind, status: number, code: string | null, retryAfterMs: number | null];

// The server sends every entry with retryAfterSeconds: 2 where the provider sends a retry hint.
const TABLE: Readonly<Record<SdkName, readonly Expected[]>> = {
  openai: [
    ['rate_limit', 'rate_limit', 429, 'rate_limit_exceeded', 2000],
    ['quota', 'quota_exceeded', 429, 'insufficient_quota', null],
    ['server_error', 'service_unavailable', 500, 'server_error', 2000],
    ['bad_gateway', 'service_unavailable', 502, 'cf_bad_gateway', 2000],
    ['service_unavailable', 'service_unavailable', 503, 'server_error', 2000],
    ['overloaded', 'overloaded', 503, 'server_error', 2000],
    ['gateway_timeout', 'timeout', 504, 'cf_gateway_timeout', null],
    ['request_timeout', 'timeout', 408, 'timeout', null],
    ['unauthorized', 'authentication', 401, 'invalid_api_key', null],
    ['forbidden', 'permission', 403, 'unsupported_country_region_territory', null],
    ['not_found', 'model_not_found', 404, 'model_not_found', null],
    ['context_length', 'token_limit', 400, 'context_length_exceeded', null],
    ['content_filter', 'content_filter', 400, 'invalid_prompt', null],
    ['bad_request', 'invalid_request', 400, 'invalid_type', null],
    ['unprocessable', 'invalid_request', 422, 'invalid_request_error', null],
  ],
  anthropic: [
    ['rate_limit', 'rate_limit', 429, 'rate_limit_error', 2000],
    ['quota', 'quota_exceeded', 429, 'enforced_spend_limit_reached', null],
    ['server_error', 'service_unavailable', 500, 'api_error', 2000],
    ['bad_gateway', 'service_unavailable', 502, 'api_error', 2000],
    ['service_unavailable', 'service_unavailable', 503, 'api_error', 2000],
    ['overloaded', 'overloaded', 529, 'overloaded_error', 2000],
    ['gateway_timeout', 'timeout', 504, 'timeout_error', 2000],
    ['request_timeout', 'timeout', 408, 'timeout_error', 2000],
    ['unauthorized', 'authentication', 401, 'authentication_error', null],
    ['forbidden', 'permission', 403, 'permission_error', null],
    ['not_found', 'model_not_found', 404, 'not_found_error', null],
    ['context_length', 'token_limit', 400, 'invalid_request_error', null],
    ['content_filter', 'content_filter', 400, 'invalid_request_error', null],
    ['bad_request', 'invalid_request', 400, 'invalid_request_error', null],
    ['unprocessable', 'invalid_request', 422, 'invalid_request_error', null],
  ],
  google: [
    ['rate_limit', 'rate_limit', 429, 'RESOURCE_EXHAUSTED', 2000],
    ['quota', 'quota_exceeded', 429, 'RESOURCE_EXHAUSTED', 2000],
    ['server_error', 'service_unavailable', 500, 'INTERNAL', 2000],
    ['bad_gateway', 'service_unavailable', 502, 'UNAVAILABLE', 2000],
    ['service_unavailable', 'service_unavailable', 503, 'UNAVAILABLE', 2000],
    ['overloaded', 'overloaded', 503, 'UNAVAILABLE', 2000],
    ['gateway_timeout', 'timeout', 504, 'DEADLINE_EXCEEDED', null],
    ['request_timeout', 'timeout', 504, 'DEADLINE_EXCEEDED', null],
    ['unauthorized', 'authentication', 400, 'INVALID_ARGUMENT', null],
    ['forbidden', 'permission', 403, 'PERMISSION_DENIED', null],
    ['not_found', 'model_not_found', 404, 'NOT_FOUND', null],
    ['context_length', 'token_limit', 400, 'INVALID_ARGUMENT', null],
    ['bad_request', 'invalid_request', 400, 'INVALID_ARGUMENT', null],
    ['unprocessable', 'permission', 400, 'FAILED_PRECONDITION', null],
  ],
  azure_openai: [
    ['content_filter', 'content_filter', 400, 'content_filter', null],
    ['rate_limit', 'rate_limit', 429, '429', 2000],
    ['quota', 'quota_exceeded', 429, 'insufficient_quota', null],
    ['unauthorized', 'authentication', 401, '401', null],
    ['not_found', 'model_not_found', 404, 'DeploymentNotFound', null],
    ['context_length', 'token_limit', 400, 'context_length_exceeded', null],
    ['overloaded', 'overloaded', 503, 'server_error', 2000],
    ['server_error', 'service_unavailable', 500, 'server_error', 2000],
    ['bad_request', 'invalid_request', 400, 'invalid_type', null],
    ['gateway_timeout', 'timeout', 504, 'cf_gateway_timeout', null],
  ],
  vertex: [
    ['rate_limit', 'rate_limit', 429, 'RESOURCE_EXHAUSTED', 2000],
    ['quota', 'quota_exceeded', 403, 'PERMISSION_DENIED', null],
    ['unauthorized', 'authentication', 401, 'UNAUTHENTICATED', null],
    ['forbidden', 'permission', 403, 'PERMISSION_DENIED', null],
    ['not_found', 'model_not_found', 404, 'NOT_FOUND', null],
    ['service_unavailable', 'service_unavailable', 503, 'UNAVAILABLE', 2000],
    ['overloaded', 'overloaded', 503, 'UNAVAILABLE', 2000],
    ['server_error', 'service_unavailable', 500, 'INTERNAL', 2000],
    ['context_length', 'token_limit', 400, 'INVALID_ARGUMENT', null],
    ['bad_request', 'invalid_request', 400, 'INVALID_ARGUMENT', null],
  ],
  // Vertex AI's front answers quotas, sign-in, IAM, billing and unknown models; Anthropic answers the rest.
  vertex_anthropic: [
    ['rate_limit', 'rate_limit', 429, 'RESOURCE_EXHAUSTED', 2000],
    ['quota', 'quota_exceeded', 403, 'PERMISSION_DENIED', null],
    ['unauthorized', 'authentication', 401, 'UNAUTHENTICATED', null],
    ['forbidden', 'permission', 403, 'PERMISSION_DENIED', null],
    ['not_found', 'model_not_found', 404, 'NOT_FOUND', null],
    ['service_unavailable', 'service_unavailable', 503, 'UNAVAILABLE', 2000],
    ['overloaded', 'overloaded', 529, 'overloaded_error', 2000],
    ['server_error', 'service_unavailable', 500, 'api_error', 2000],
    ['context_length', 'token_limit', 400, 'invalid_request_error', null],
    ['content_filter', 'content_filter', 400, 'invalid_request_error', null],
    ['bad_request', 'invalid_request', 400, 'invalid_request_error', null],
  ],
};

/** The SDK class the fact names, where it tells something (openai errors are all named "Error"). */
const SDK_ERROR_NAMES: Readonly<Record<string, string>> = {
  'openai:rate_limit': 'RateLimitError',
  'openai:server_error': 'InternalServerError',
  'azure_openai:content_filter': 'BadRequestError',
  'anthropic:rate_limit': 'RateLimitError',
  'anthropic:quota': 'EnforcedSpendLimitReachedError',
  'anthropic:overloaded': 'OverloadedError',
  'anthropic:gateway_timeout': 'GatewayTimeoutError',
  'google:rate_limit': 'ApiError',
  'vertex:rate_limit': 'ApiError',
  'vertex_anthropic:rate_limit': 'RateLimitError',
  'vertex_anthropic:overloaded': 'OverloadedError',
};

let server: ErrorServer;
beforeAll(async () => {
  server = await startErrorServer();
});
afterAll(async () => {
  await server.close();
});

for (const [sdk, rows] of Object.entries(TABLE) as [SdkName, readonly Expected[]][]) {
  describe(`${sdk}: documented errors thrown by the real SDK`, () => {
    it.each(rows)('%s → %s', async (fault, kind, status, code, retryAfterMs) => {
      const provider = sdk === 'azure_openai' ? 'openai' : sdk === 'vertex_anthropic' ? 'vertex' : sdk;
      const error = await thrownBy(callSdk(sdk, `${server.url}/case/${sdk}/${fault}`));
      const fact = classifyError(error, { provider });
      expect({ kind: fact.kind, status: fact.status, code: fact.code, retryAfterMs: fact.retryAfterMs }).toEqual({
        kind,
        status,
        code,
        retryAfterMs,
      });
      expect(fact.provider).toBe(provider);
      expect(fact.message.length).toBeGreaterThan(0);
      expect(fact.raw).toBeDefined();
      const expectedName = SDK_ERROR_NAMES[`${sdk}:${fault}`];
      if (expectedName !== undefined) expect(fact.sdkError).toBe(expectedName);
      // Without the provider hint, the SDK's own error shape is enough.
      expect(classifyError(error).kind).toBe(kind);
    });
  });
}

describe('google: a blocked prompt is a 200, not an error', () => {
  it('content_filter comes back as promptFeedback.blockReason and classifies through classifyResponse', async () => {
    const response = (await callSdk('google', `${server.url}/case/google/content_filter`)) as {
      promptFeedback?: { blockReason?: string };
    };
    const fact = classifyResponse('google', { finishReasonRaw: null, blockReason: response.promptFeedback?.blockReason ?? null });
    expect(fact).toMatchObject({ kind: 'content_filter', code: 'SAFETY', status: null, retryable: false });
  });
});
