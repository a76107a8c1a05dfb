/**
 * `kindFromHttp` remembers the kinds of recent errors: the same signals
 * always give the same kind, and signals that differ in any part (status,
 * code, message, quota ids) are decided afresh.
 */
import { describe, expect, it } from 'vitest';
import { kindFromHttp } from '../../src/errors/http.js';

describe('kindFromHttp', () => {
  it('gives the same kind for the same signals, and decides anew when any part differs', () => {
    const message = 'The server had an error while processing your request.';
    expect(kindFromHttp({ status: 500, codes: ['server_error'], message })).toBe('service_unavailable');
    expect(kindFromHttp({ status: 500, codes: ['server_error'], message })).toBe('service_unavailable');
    expect(kindFromHttp({ status: 429, codes: ['server_error'], message })).toBe('rate_limit');
    expect(kindFromHttp({ status: 500, codes: ['overloaded_error'], message })).toBe('overloaded');
    expect(kindFromHttp({ status: 500, codes: ['server_error'], message: `${message} The engine is overloaded.` })).toBe('overloaded');
    expect(kindFromHttp({ status: null, codes: ['server_error'], message })).toBe('service_unavailable');
    expect(kindFromHttp({ status: null, codes: [], message })).toBe('unknown');
    // Two codes are not one: ['content', 'filter'] is no content_filter.
    expect(kindFromHttp({ status: 400, codes: ['content', 'filter'], message: 'x' })).toBe('invalid_request');
    expect(kindFromHttp({ status: 400, codes: ['content_filter'], message: 'x' })).toBe('content_filter');
    const quota = { status: 429, codes: ['resource_exhausted'], message: 'Quota exceeded.' };
    expect(kindFromHttp(quota)).toBe('rate_limit');
    expect(kindFromHttp({ ...quota, quotaIds: ['GenerateRequestsPerDayPerProjectPerModel-FreeTier'] })).toBe('quota_exceeded');
    expect(kindFromHttp(quota)).toBe('rate_limit');
  });

  it('stays right past its memory (hundreds of different messages, then the first again)', () => {
    for (let index = 0; index < 600; index++) {
      expect(kindFromHttp({ status: 500, codes: [], message: `failure number ${index}` })).toBe('service_unavailable');
      expect(kindFromHttp({ status: 400, codes: [], message: `prompt is too long: ${index} tokens` })).toBe('token_limit');
    }
    expect(kindFromHttp({ status: 400, codes: [], message: 'prompt is too long: 0 tokens' })).toBe('token_limit');
  });
});
