/**
 * A provider that fails tends to fail the same way many times over, and the
 * `openai` classifier keeps what the last error's status, codes and message
 * gave (the kind, the fact's code and redacted message). Whatever the order
 * errors come in, each must get exactly the fact a fresh classification gives:
 * its own wait, limit scope and body included.
 */
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { classifyError } from '../../src/errors/classify.js';
import type { ErrorFact } from '../../src/errors/kinds.js';

const KEY = 'sk-proj-a1B2c3D4e5F6g7H8i9J0kLmNoPqRsTuV';

const BODIES = [
  { status: 429, body: { error: { message: 'Rate limit reached for gpt-4o in organization org-1 on requests per min (RPM)', type: 'requests', code: 'rate_limit_exceeded' } } },
  { status: 429, body: { error: { message: 'You exceeded your current quota, please check your plan and billing details.', type: 'insufficient_quota', code: 'insufficient_quota' } } },
  { status: 429, body: { error: { message: 'Too many requests', type: 'requests', code: null } } },
  { status: 500, body: { error: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', code: null } } },
  { status: 503, body: { error: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', code: null } } },
  { status: 503, body: { error: { message: 'The engine is currently overloaded, please try again later', type: 'server_error', code: null } } },
  { status: 400, body: { error: { message: "This model's maximum context length is 8192 tokens.", type: 'invalid_request_error', code: 'context_length_exceeded' } } },
  { status: 401, body: { error: { message: `Incorrect API key provided: ${KEY}.`, type: 'invalid_request_error', code: 'invalid_api_key' } } },
  { status: 400, body: { error: { message: 'The response was filtered', type: null, code: 'content_filter', innererror: { code: 'ResponsibleAIPolicyViolation', content_filter_result: { hate: { filtered: true, severity: 'high' } } } } } },
  { status: 502, body: { error: { message: 'Bad gateway', type: 'cf_bad_gateway', code: 502 } } },
] as const;

const HEADERS = [{}, { 'retry-after': '2' }, { 'retry-after-ms': '1500' }, { 'x-ratelimit-remaining-requests': '0' }, { 'x-ratelimit-remaining-tokens': '0', 'retry-after': '7' }];

/** mulberry32: the same sequence every run. */
function random(seed: number): () => number {
  let state = seed;
  return () => {
    state = (state + 0x6d2b79f5) | 0;
    let t = Math.imul(state ^ (state >>> 15), 1 | state);
    t = (t + Math.imul(t ^ (t >>> 7), 61 | t)) ^ t;
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

const pick = <T>(items: readonly T[], next: () => number): T => items[Math.floor(next() * items.length)]!;

/** A fresh SDK error (a new body object, as each response has). */
function sdkError(index: number, headers: Record<string, string>): unknown {
  const { status, body } = BODIES[index]!;
  return OpenAI.APIError.generate(status, structuredClone(body), undefined, new Headers(headers));
}

/** Every field of the fact, `raw` read (so compared), as plain data. */
const plain = (fact: ErrorFact): unknown => JSON.parse(JSON.stringify(fact));

/** An error no other is like, so the next classification starts afresh. */
const unlike = (n: number) => OpenAI.APIError.generate(418, { error: { message: `unlike ${n}`, type: 'teapot', code: null } }, undefined, new Headers());

describe('the openai classifier on repeated errors', () => {
  it('gives each error of 3,000, in runs of the same, the fact a fresh classification gives', () => {
    const next = random(11);
    let repeats = 0;
    let previous = -1;
    for (let n = 0; n < 3_000; n++) {
      // Runs: half the time the same body again, with its own headers.
      const index = previous >= 0 && next() < 0.5 ? previous : Math.floor(next() * BODIES.length);
      if (index === previous) repeats++;
      previous = index;
      const headers = pick(HEADERS, next);
      const context = { provider: 'openai' as const, now: 1_000, ...(next() < 0.5 ? { secrets: [KEY] } : {}) };
      const inRun = classifyError(sdkError(index, headers), context);
      classifyError(unlike(n), { provider: 'openai' });
      const fresh = classifyError(sdkError(index, headers), context);
      expect(plain(inRun)).toEqual(plain(fresh));
    }
    expect(repeats).toBeGreaterThan(1_000);
  });

  it('the same message at another status, or with another code, is worked out again', () => {
    const message = 'Something went wrong';
    const first = classifyError(OpenAI.APIError.generate(500, { error: { message, type: 'server_error', code: null } }, undefined, new Headers()), { provider: 'openai' });
    const second = classifyError(OpenAI.APIError.generate(429, { error: { message, type: 'server_error', code: null } }, undefined, new Headers()), { provider: 'openai' });
    const third = classifyError(OpenAI.APIError.generate(429, { error: { message, type: 'server_error', code: 'insufficient_quota' } }, undefined, new Headers()), { provider: 'openai' });
    expect([first.kind, second.kind, third.kind]).toEqual(['service_unavailable', 'rate_limit', 'quota_exceeded']);
    expect(third.code).toBe('insufficient_quota');
    // Azure's inner code alone says the prompt was filtered.
    const request = classifyError(OpenAI.APIError.generate(400, { error: { message: 'Invalid prompt', type: null, code: 'bad_request' } }, undefined, new Headers()), { provider: 'azure_openai' });
    const filtered = classifyError(
      OpenAI.APIError.generate(400, { error: { message: 'Invalid prompt', type: null, code: 'bad_request', innererror: { code: 'ResponsibleAIPolicyViolation' } } }, undefined, new Headers()),
      { provider: 'azure_openai' },
    );
    expect([request.kind, filtered.kind]).toEqual(['invalid_request', 'content_filter']);
  });

  it('a repeated error keeps its own wait and limit scope', () => {
    const body = { error: { message: 'Too many requests', type: 'requests', code: 'rate_limit_exceeded' } };
    const spent = classifyError(OpenAI.APIError.generate(429, body, undefined, new Headers({ 'x-ratelimit-remaining-requests': '0', 'retry-after': '3' })), { provider: 'openai', now: 0 });
    const plainLimit = classifyError(OpenAI.APIError.generate(429, structuredClone(body), undefined, new Headers({ 'retry-after-ms': '250' })), { provider: 'openai', now: 0 });
    expect([spent.scope, spent.retryAfterMs]).toEqual(['model', 3_000]);
    expect([plainLimit.scope, plainLimit.retryAfterMs]).toEqual([undefined, 250]);
  });
});
