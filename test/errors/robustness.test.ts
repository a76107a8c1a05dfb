import { describe, expect, it } from 'vitest';
import { DOCUMENTED_PROVIDERS, FAULT_NAMES, providerErrorResponse } from '../../src/errors/catalog.js';
import { classifyError } from '../../src/errors/classify.js';
import { ERROR_KINDS, ERROR_TYPES } from '../../src/errors/kinds.js';
import { redactSecrets } from '../../src/errors/redact.js';
import { parseGoogleDuration, parseRetryAfter, retryAfterFromHeaders } from '../../src/errors/retry-after.js';

describe('classifyError never throws', () => {
  const cyclic: Record<string, unknown> = { status: 429, message: 'loop' };
  cyclic.error = cyclic;
  cyclic.cause = cyclic;
  const hostile = new Proxy(
    {},
    {
      get() {
        throw new Error('trap');
      },
      has() {
        throw new Error('trap');
      },
      ownKeys() {
        throw new Error('trap');
      },
    },
  );
  const throwingGetter = Object.defineProperty(new Error('x'), 'status', {
    get() {
      throw new Error('getter');
    },
  });

  it.each([
    ['null', null],
    ['undefined', undefined],
    ['a string', 'boom'],
    ['a number', 42],
    ['a symbol', Symbol('s')],
    ['a function', () => 1],
    ['an empty object', {}],
    ['a cyclic object', cyclic],
    ['a hostile proxy', hostile],
    ['a throwing getter', throwingGetter],
    ['a plain Error', new Error('plain')],
    ['an ApiError with a non-JSON message', Object.assign(new Error('<html>502</html>'), { name: 'ApiError', status: 502 })],
  ])('%s', (_label, value) => {
    const fact = classifyError(value);
    expect(ERROR_KINDS).toContain(fact.kind);
    expect(fact.type).toBe(ERROR_TYPES[fact.kind]);
    expect(typeof fact.message).toBe('string');
    expect(() => JSON.stringify(fact)).not.toThrow();
  });

  it('a cyclic error with a status still classifies on the status', () => {
    expect(classifyError(cyclic)).toMatchObject({ kind: 'rate_limit', status: 429 });
  });

  it('an ApiError whose message is not JSON classifies on its status', () => {
    expect(classifyError(Object.assign(new Error('<html>502</html>'), { name: 'ApiError', status: 502 }))).toMatchObject({
      kind: 'service_unavailable',
      status: 502,
    });
  });

  it("a @google/genai stream error chunk ('got status: …. {json}') is parsed", () => {
    const body = { error: { code: 503, message: 'The model is overloaded. Please try again later.', status: 'UNAVAILABLE' } };
    const error = Object.assign(new Error(`got status: UNAVAILABLE. ${JSON.stringify(body)}`), { name: 'ApiError', status: 503 });
    expect(classifyError(error)).toMatchObject({ kind: 'overloaded', code: 'UNAVAILABLE', provider: 'google' });
  });
});

describe('retry-after parsing', () => {
  it.each([
    ['2', 2000],
    ['0', 0],
    ['1.5', 1500],
    ['  7 ', 7000],
    ['soon', null],
    ['', null],
    ['-3', null],
  ] as const)('retry-after %j → %s', (value, expected) => {
    expect(parseRetryAfter(value, 0)).toBe(expected);
  });

  it('prefers retry-after-ms, reads plain records and Headers', () => {
    expect(retryAfterFromHeaders(new Headers({ 'retry-after-ms': '250', 'retry-after': '1' }))).toBe(250);
    expect(retryAfterFromHeaders({ 'Retry-After': '3' })).toBe(3000);
    expect(retryAfterFromHeaders(undefined)).toBeNull();
  });

  it.each([
    ['7s', 7000],
    ['0.5s', 500],
    ['1.250s', 1250],
    [{ seconds: 2, nanos: 500_000_000 }, 2500],
    ['7', null],
    [null, null],
  ] as const)('google duration %j → %s', (value, expected) => {
    expect(parseGoogleDuration(value)).toBe(expected);
  });
});

describe('redaction', () => {
  it.each([
    ['Incorrect API key provided: sk-proj-Abc123XYZ456.', 'sk-proj-Abc123XYZ456'],
    ['invalid x-api-key sk-ant-api03-abcDEF123456-xyz', 'sk-ant-api03-abcDEF123456-xyz'],
    ['bad key AIzaSyD-abcdefghijklmnop123', 'AIzaSyD-abcdefghijklmnop123'],
    ['GET https://host/v1?key=abcdef123456&alt=sse', 'abcdef123456'],
    ['api_key=local-secret-99', 'local-secret-99'],
    ['Authorization: Bearer eyJhbGciOi.payload.sig', 'eyJhbGciOi.payload.sig'],
  ])('%s', (text, secret) => {
    const redacted = redactSecrets(text);
    expect(redacted).not.toContain(secret);
    expect(redacted).toContain('[REDACTED]');
  });

  it('leaves ordinary provider wording alone', () => {
    for (const text of ['API key not valid. Please pass a valid API key.', 'max_tokens: Field required', 'prompt is too long: 208310 tokens > 200000 maximum']) {
      expect(redactSecrets(text)).toBe(text);
    }
  });
});

describe('the catalog answers every fault for every provider', () => {
  it.each(DOCUMENTED_PROVIDERS)('%s', (provider) => {
    for (const fault of FAULT_NAMES) {
      const response = providerErrorResponse(provider, fault, { retryAfterSeconds: 3, model: 'm-1' });
      expect(response.status, `${provider} ${fault}`).toBeGreaterThanOrEqual((provider === 'google' || provider === 'vertex') && fault === 'content_filter' ? 200 : 400);
      expect(JSON.parse(JSON.stringify(response.body))).toEqual(response.body);
      for (const value of Object.values(response.headers)) expect(typeof value).toBe('string');
    }
  });

  it('sends retry hints only where asked, in each provider’s own place', () => {
    expect(providerErrorResponse('openai', 'rate_limit').headers['retry-after']).toBeUndefined();
    expect(providerErrorResponse('openai', 'rate_limit', { retryAfterSeconds: 3 }).headers).toMatchObject({ 'retry-after': '3', 'retry-after-ms': '3000' });
    expect(providerErrorResponse('anthropic', 'overloaded', { retryAfterSeconds: 3 }).headers['retry-after']).toBe('3');
    expect(JSON.stringify(providerErrorResponse('google', 'rate_limit', { retryAfterSeconds: 3 }).body)).toContain('"retryDelay":"3s"');
  });
});

describe('error events inside a stream (the SDKs throw them with no HTTP status)', () => {
  it('anthropic `event: error` with overloaded_error', async () => {
    const { APIError } = await import('@anthropic-ai/sdk');
    const error = new APIError(undefined, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, undefined, undefined);
    expect(classifyError(error, { duringStream: true })).toMatchObject({ kind: 'overloaded', status: null, code: 'overloaded_error', provider: 'anthropic' });
  });

  it('openai stream chunk carrying an error object', async () => {
    const { APIError } = await import('openai');
    const error = new APIError(undefined, { message: 'The server had an error', type: 'server_error', code: null }, undefined, undefined);
    expect(classifyError(error, { provider: 'openai', duringStream: true })).toMatchObject({ kind: 'service_unavailable', status: null, code: 'server_error' });
  });
});
