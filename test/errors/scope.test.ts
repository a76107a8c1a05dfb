import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { classifyError } from '../../src/errors/classify.js';
import { limitScope } from '../../src/errors/scope.js';

describe('error.scope: how far a limit reaches', () => {
  it("a model's own limit: spent per-model counters, a Google per-model quota, OpenAI's \"for <model> in organization\"", () => {
    expect(limitScope('rate_limit', { message: 'Too many requests', headers: new Headers({ 'x-ratelimit-remaining-tokens': '0' }) })).toBe('model');
    expect(limitScope('rate_limit', { message: 'Number of request tokens has exceeded your per-minute rate limit', headers: { 'anthropic-ratelimit-input-tokens-remaining': '0' } })).toBe('model');
    expect(limitScope('rate_limit', { message: 'Rate limit reached for gpt-4o in organization org-1 on tokens per min (TPM)' })).toBe('model');
    const google = { error: { details: [{ '@type': 'type.googleapis.com/google.rpc.QuotaFailure', violations: [{ quotaId: 'GenerateRequestsPerDayPerProjectPerModel-FreeTier' }] }] } };
    expect(limitScope('quota_exceeded', { message: 'You exceeded your current quota', raw: google })).toBe('model');
  });

  it("the account's: a spent quota, or a limit the message puts on the organisation", () => {
    expect(limitScope('quota_exceeded', { message: 'You exceeded your current quota, please check your plan and billing details.' })).toBe('provider');
    expect(limitScope('rate_limit', { message: "This request would exceed your organization's rate limit of 50,000 input tokens per minute." })).toBe('provider');
  });

  it('says nothing when the error does not, or is no limit', () => {
    expect(limitScope('rate_limit', { message: 'Too many requests' })).toBeNull();
    expect(limitScope('service_unavailable', { message: 'organization outage' })).toBeNull();
  });

  it('classification fills it from a real SDK error', () => {
    const headers = new Headers({ 'x-ratelimit-remaining-requests': '0', 'retry-after': '3' });
    const perModel = OpenAI.APIError.generate(429, { error: { message: 'Rate limit reached for requests', type: 'requests', code: 'rate_limit_exceeded' } }, undefined, headers);
    expect(classifyError(perModel, { provider: 'openai' })).toMatchObject({ kind: 'rate_limit', scope: 'model', retryAfterMs: 3000 });
    const quota = OpenAI.APIError.generate(429, { error: { message: 'You exceeded your current quota', type: 'insufficient_quota', code: 'insufficient_quota' } }, undefined, new Headers());
    expect(classifyError(quota, { provider: 'openai' })).toMatchObject({ kind: 'quota_exceeded', scope: 'provider' });
    const server = OpenAI.APIError.generate(500, { error: { message: 'The server had an error', type: 'server_error', code: null } }, undefined, new Headers());
    expect(classifyError(server, { provider: 'openai' })).not.toHaveProperty('scope');
  });

  it("Anthropic's 529 overloaded_error is the whole API's; other providers' overloads say nothing", () => {
    const overloaded = Anthropic.APIError.generate(529, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, undefined, new Headers());
    expect(classifyError(overloaded, { provider: 'anthropic' })).toMatchObject({ kind: 'overloaded', status: 529, scope: 'provider' });
    // The same error as a stream's error event (the SDK throws a bare APIError): no status, the body's type says it.
    const midStream = new Anthropic.APIError(undefined, { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } }, undefined, new Headers());
    expect(classifyError(midStream, { provider: 'anthropic' })).toMatchObject({ kind: 'overloaded', scope: 'provider' });
    const rateLimited = Anthropic.APIError.generate(429, { type: 'error', error: { type: 'rate_limit_error', message: 'Rate limited' } }, undefined, new Headers());
    expect(classifyError(rateLimited, { provider: 'anthropic' })).not.toHaveProperty('scope');
    const openaiOverloaded = OpenAI.APIError.generate(503, { error: { message: 'The engine is currently overloaded, please try again later', type: 'server_error', code: null } }, undefined, new Headers());
    expect(classifyError(openaiOverloaded, { provider: 'openai' })).toMatchObject({ kind: 'overloaded' });
    expect(classifyError(openaiOverloaded, { provider: 'openai' })).not.toHaveProperty('scope');
  });
});
