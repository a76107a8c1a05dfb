/**
 * Provider responses beyond the catalog's one-per-fault entries, still thrown
 * by the real SDKs: Anthropic 413 / 402 / low credit, Gemini 401 and
 * sub-second RetryInfo, OpenAI "model is overloaded" and HTTP-date
 * Retry-After; plus key redaction when a server echoes the key back, and the
 * retired `@google/generative-ai` error shape.
 */
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import type { DocumentedErrorResponse } from '../../src/errors/catalog.js';
import { classifyError } from '../../src/errors/classify.js';
import { toProviderCallError } from '../../src/errors/toProviderCallError.js';
import { ProviderCallError } from '../../src/errors/ProviderCallError.js';
import { callSdk, TEST_KEYS, thrownBy, type SdkName } from './support/sdkCalls.js';
import { startErrorServer, type ErrorServer } from './support/errorServer.js';

const anthropic = (status: number, type: string, message: string): DocumentedErrorResponse => ({
  status,
  headers: { 'request-id': 'req_quirk' },
  body: { type: 'error', error: { type, message }, request_id: 'req_quirk' },
});
const google = (code: number, status: string, message: string, details?: unknown[]): DocumentedErrorResponse => ({
  status: code,
  headers: {},
  body: { error: details === undefined ? { code, message, status } : { code, message, status, details } },
});

const EXTRAS: Readonly<Record<string, DocumentedErrorResponse>> = {
  'anthropic-413': anthropic(413, 'request_too_large', 'Request exceeds the maximum allowed number of bytes.'),
  'anthropic-402': anthropic(402, 'billing_error', 'Your organization has no valid payment method.'),
  'anthropic-credit': anthropic(
    400,
    'invalid_request_error',
    'Your credit balance is too low to access the Anthropic API. Please go to Plans & Billing to upgrade or purchase credits.',
  ),
  'google-401': google(
    401,
    'UNAUTHENTICATED',
    'Request had invalid authentication credentials. Expected OAuth 2 access token, login cookie or other valid authentication credential.',
  ),
  'google-half-second': google(429, 'RESOURCE_EXHAUSTED', 'Resource has been exhausted (e.g. check quota).', [
    { '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '0.5s' },
  ]),
  'openai-model-overloaded': {
    status: 503,
    headers: {},
    body: {
      error: {
        message: 'That model is currently overloaded with other requests. You can retry your request, or contact us through our help center at help.openai.com if the error persists.',
        type: 'server_error',
        param: null,
        code: null,
      },
    },
  },
  'openai-date': {
    status: 429,
    headers: { 'retry-after': 'Wed, 21 Oct 2026 07:28:00 GMT' },
    body: { error: { message: 'Rate limit reached for requests', type: 'requests', param: null, code: 'rate_limit_exceeded' } },
  },
};

let server: ErrorServer;
beforeAll(async () => {
  server = await startErrorServer(EXTRAS);
});
afterAll(async () => {
  await server.close();
});

describe('provider quirks, thrown by the real SDKs', () => {
  it.each([
    ['anthropic', 'anthropic-413', 'token_limit', 413, 'request_too_large'],
    ['anthropic', 'anthropic-402', 'quota_exceeded', 402, 'billing_error'],
    ['anthropic', 'anthropic-credit', 'quota_exceeded', 400, 'invalid_request_error'],
    ['google', 'google-401', 'authentication', 401, 'UNAUTHENTICATED'],
    ['google', 'google-half-second', 'rate_limit', 429, 'RESOURCE_EXHAUSTED'],
    ['openai', 'openai-model-overloaded', 'overloaded', 503, 'server_error'],
  ] as const)('%s %s → %s', async (sdk, name, kind, status, code) => {
    const fact = classifyError(await thrownBy(callSdk(sdk, `${server.url}/extra/${name}`)));
    expect(fact).toMatchObject({ kind, status, code });
  });

  it('Gemini RetryInfo "0.5s" is 500 ms', async () => {
    const fact = classifyError(await thrownBy(callSdk('google', `${server.url}/extra/google-half-second`)));
    expect(fact.retryAfterMs).toBe(500);
  });

  it('Retry-After as an HTTP date is measured from now', async () => {
    const error = await thrownBy(callSdk('openai', `${server.url}/extra/openai-date`));
    const fact = classifyError(error, { now: Date.parse('Wed, 21 Oct 2026 07:27:30 GMT') });
    expect(fact).toMatchObject({ kind: 'rate_limit', retryAfterMs: 30_000 });
    expect(classifyError(error, { now: Date.parse('Wed, 21 Oct 2026 07:30:00 GMT') }).retryAfterMs).toBe(0);
  });
});

describe('an API key echoed by the provider never reaches the fact', () => {
  it.each(['openai', 'anthropic', 'google', 'azure_openai'] as const)('%s', async (sdk: SdkName) => {
    const key = TEST_KEYS[sdk];
    const error = await thrownBy(callSdk(sdk, `${server.url}/echo-key/${sdk}`));
    // The server really did echo it: the SDK error holds the key.
    expect(JSON.stringify({ message: (error as Error).message, body: (error as { error?: unknown }).error })).toContain(key);
    // Azure keys are 32 hex characters, like no pattern: the adapter passes its key as a known secret.
    const fact = classifyError(error, { secrets: [key] });
    expect(fact.kind).toBe('authentication');
    expect(JSON.stringify(fact)).not.toContain(key);
    expect(fact.message).toContain('[REDACTED]');
    if (sdk !== 'azure_openai') expect(JSON.stringify(classifyError(error))).not.toContain(key);
    const wrapped = toProviderCallError(error, { secrets: [key] });
    expect(wrapped.message).not.toContain(key);
  });
});

describe('toProviderCallError', () => {
  it('wraps the fact with the SDK error as cause, and passes a ProviderCallError through', async () => {
    const error = await thrownBy(callSdk('anthropic', `${server.url}/case/anthropic/overloaded`));
    const wrapped = toProviderCallError(error, { provider: 'anthropic' }, { partialText: 'Hel' });
    expect(ProviderCallError.isInstance(wrapped)).toBe(true);
    expect(wrapped.fact).toMatchObject({ kind: 'overloaded', status: 529, code: 'overloaded_error' });
    expect(wrapped.cause).toBe(error);
    expect(wrapped.partialText).toBe('Hel');
    expect(toProviderCallError(wrapped)).toBe(wrapped);
    expect(classifyError(wrapped)).toBe(wrapped.fact);
  });
});

describe('@google/generative-ai errors, by name and shape', () => {
  class GoogleGenerativeAIError extends Error {
    constructor(message: string) {
      super(`[GoogleGenerativeAI Error]: ${message}`);
      this.name = 'GoogleGenerativeAIError';
    }
  }
  class GoogleGenerativeAIFetchError extends GoogleGenerativeAIError {
    constructor(
      message: string,
      readonly status?: number,
      readonly statusText?: string,
      readonly errorDetails?: unknown[],
    ) {
      super(message);
      this.name = 'GoogleGenerativeAIFetchError';
    }
  }
  const url = 'https://generativelanguage.googleapis.com/v1beta/models/gemini-1.5-flash:generateContent';

  it.each([
    [429, 'Too Many Requests', 'Resource has been exhausted (e.g. check quota).', [{ '@type': 'type.googleapis.com/google.rpc.RetryInfo', retryDelay: '7s' }], 'rate_limit', 7000],
    [
      429,
      'Too Many Requests',
      'You exceeded your current quota',
      [{ '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier' }] }],
      'quota_exceeded',
      null,
    ],
    [503, 'Service Unavailable', 'The model is overloaded. Please try again later.', undefined, 'overloaded', null],
    [500, 'Internal Server Error', 'An internal error has occurred.', undefined, 'service_unavailable', null],
    [400, 'Bad Request', 'API key not valid. Please pass a valid API key.', [{ '@type': 'type.googleapis.com/google.rpc.ErrorInfo', reason: 'API_KEY_INVALID' }], 'authentication', null],
    [404, 'Not Found', 'models/gemini-9 is not found for API version v1beta', undefined, 'model_not_found', null],
    [400, 'Bad Request', 'The input token count (1189652) exceeds the maximum number of tokens allowed (1048576).', undefined, 'token_limit', null],
  ] as const)('%i %s: %s → %s', (status, statusText, message, details, kind, retryAfterMs) => {
    const error = new GoogleGenerativeAIFetchError(
      `Error fetching from ${url}: [${status} ${statusText}] ${message}`,
      status,
      statusText,
      details === undefined ? undefined : [...details],
    );
    const fact = classifyError(error, { provider: 'google' });
    expect(fact).toMatchObject({ kind, status, retryAfterMs, sdkError: 'GoogleGenerativeAIFetchError', message });
  });
});
