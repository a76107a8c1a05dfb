/**
 * A provider that fails tends to fail the same way many times over, and the
 * `openai` and `@anthropic-ai/sdk` classifiers keep what the last error's
 * status, codes and message gave (the kind and the fact's redacted message).
 * Whatever the order errors come in, each must get exactly the fact a fresh
 * classification gives: its own wait, limit scope and body included.
 */
import Anthropic from '@anthropic-ai/sdk';
import OpenAI from 'openai';
import { describe, expect, it } from 'vitest';
import { classifyError } from '../../src/errors/classify.js';
import { toProviderCallError } from '../../src/errors/toProviderCallError.js';
import type { ErrorFact } from '../../src/errors/kinds.js';
import { mulberry32 } from '../../src/rules/random.js';

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

const pick = <T>(items: readonly T[], next: () => number): T => items[Math.floor(next() * items.length)]!;

const ANTHROPIC_BODIES = [
  { status: 529, body: { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } } },
  { status: 429, body: { type: 'error', error: { type: 'rate_limit_error', message: 'Number of request tokens has exceeded your per-minute rate limit' } } },
  { status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: 'prompt is too long: 210000 tokens > 200000 maximum' } } },
  { status: 500, body: { type: 'error', error: { type: 'api_error', message: 'Internal server error' } } },
  { status: 400, body: { type: 'error', error: { type: 'invalid_request_error', message: 'Your credit balance is too low to access the Anthropic API.' } } },
  { status: 401, body: { type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key ${KEY}` } } },
] as const;

const ANTHROPIC_HEADERS = [{}, { 'retry-after': '4' }, { 'anthropic-ratelimit-input-tokens-remaining': '0' }];

const SDKS = [
  {
    name: 'openai',
    provider: 'openai' as const,
    count: BODIES.length,
    headers: HEADERS,
    /** A fresh SDK error (a new body object, as each response has). */
    error: (index: number, headers: Record<string, string>) => OpenAI.APIError.generate(BODIES[index]!.status, structuredClone(BODIES[index]!.body), undefined, new Headers(headers)),
    unlike: (n: number) => OpenAI.APIError.generate(418, { error: { message: `unlike ${n}`, type: 'teapot', code: null } }, undefined, new Headers()),
  },
  {
    name: 'anthropic',
    provider: 'anthropic' as const,
    count: ANTHROPIC_BODIES.length,
    headers: ANTHROPIC_HEADERS,
    error: (index: number, headers: Record<string, string>) =>
      Anthropic.APIError.generate(ANTHROPIC_BODIES[index]!.status, structuredClone(ANTHROPIC_BODIES[index]!.body), undefined, new Headers(headers)),
    unlike: (n: number) => Anthropic.APIError.generate(418, { type: 'error', error: { type: 'teapot', message: `unlike ${n}` } }, undefined, new Headers()),
  },
];

/** Every field of the fact, `raw` read (so compared), as plain data. */
const plain = (fact: ErrorFact): unknown => JSON.parse(JSON.stringify(fact));

describe.each(SDKS)('the $name classifier on repeated errors', (sdk) => {
  it('gives each error of 3,000, in runs of the same, the fact a fresh classification gives', () => {
    const next = mulberry32(11);
    let repeats = 0;
    let previous = -1;
    for (let n = 0; n < 3_000; n++) {
      // Runs: half the time the same body again, with its own headers.
      const index = previous >= 0 && next() < 0.5 ? previous : Math.floor(next() * sdk.count);
      if (index === previous) repeats++;
      previous = index;
      const headers = pick(sdk.headers, next);
      const context = { provider: sdk.provider, now: 1_000, ...(next() < 0.5 ? { secrets: [KEY] } : {}) };
      const inRun = classifyError(sdk.error(index, headers), context);
      classifyError(sdk.unlike(n), { provider: sdk.provider });
      const fresh = classifyError(sdk.error(index, headers), context);
      expect(plain(inRun)).toEqual(plain(fresh));
    }
    expect(repeats).toBeGreaterThan(1_000);
  });
});

describe('the openai classifier on repeated errors', () => {
  it('the same message at another status, or with another code or type, is worked out again', () => {
    const message = 'Something went wrong';
    const at = (status: number, type: string, code: string | null) => classifyError(OpenAI.APIError.generate(status, { error: { message, type, code } }, undefined, new Headers()), { provider: 'openai' });
    // Each right after the one before, which differs from it in one thing only.
    const server = at(500, 'server_error', null);
    const limited = at(429, 'server_error', null);
    const quotaType = at(429, 'insufficient_quota', null);
    const quotaCode = at(429, 'insufficient_quota', 'insufficient_quota');
    expect([server.kind, limited.kind, quotaType.kind, quotaCode.kind]).toEqual(['service_unavailable', 'rate_limit', 'quota_exceeded', 'quota_exceeded']);
    expect([quotaType.code, quotaCode.code]).toEqual(['insufficient_quota', 'insufficient_quota']);
    const back = at(429, 'server_error', 'insufficient_quota');
    expect([back.kind, back.code]).toEqual(['quota_exceeded', 'insufficient_quota']);
    const plainAgain = at(429, 'server_error', null);
    expect(plainAgain.kind).toBe('rate_limit');
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

describe('the fact of an error identical to the one before', () => {
  const server = { error: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null } };
  const openaiError = (body: object, headers: Record<string, string> = {}, status = 500) => OpenAI.APIError.generate(status, structuredClone(body), undefined, new Headers(headers));

  it('is the same object again, equal to a fresh classification, when everything it is made of is the same', () => {
    const secrets = [KEY];
    const first = classifyError(openaiError(server, { 'x-request-id': 'req_1' }), { provider: 'openai', secrets });
    const second = classifyError(openaiError(server, { 'x-request-id': 'req_2' }), { provider: 'openai', secrets });
    expect(second).toBe(first);
    classifyError(openaiError({ error: { message: 'unlike', type: 'teapot', code: null } }, {}, 418), { provider: 'openai' });
    expect(plain(classifyError(openaiError(server), { provider: 'openai', secrets }))).toEqual(plain(second));
  });

  it('is a fact of its own when the body, the wait, the provider, the secrets or the SDK differ in anything', () => {
    const secrets = [KEY];
    const otherSecrets = [KEY];
    const base = () => classifyError(openaiError(server), { provider: 'openai', secrets });
    const variants: Array<[string, () => ErrorFact]> = [
      ['a field of the body no other field reads', () => classifyError(openaiError({ error: { ...server.error, param: 'messages' } }), { provider: 'openai', secrets })],
      ['a field more in the body', () => classifyError(openaiError({ error: { ...server.error, extra: { nested: [1, 2] } } }), { provider: 'openai', secrets })],
      ['a wait', () => classifyError(openaiError(server, { 'retry-after': '2' }), { provider: 'openai', secrets, now: 0 })],
      ['the provider', () => classifyError(openaiError(server), { provider: 'openai_compatible', secrets })],
      ['another list of secrets', () => classifyError(openaiError(server), { provider: 'openai', secrets: otherSecrets })],
      ['no secrets', () => classifyError(openaiError(server), { provider: 'openai' })],
      ['the status', () => classifyError(openaiError(server, {}, 503), { provider: 'openai', secrets })],
    ];
    for (const [what, variant] of variants) {
      const before = base();
      const other = variant();
      expect(other, what).not.toBe(before);
      const again = variant();
      // The variant repeated is shared in turn, and equal to what it would be on its own.
      expect(again, what).toBe(other);
      classifyError(openaiError({ error: { message: 'unlike', type: 'teapot', code: null } }, {}, 418), { provider: 'openai' });
      expect(plain(again), what).toEqual(plain(variant()));
    }
  });

  it('keeps a key no pattern knows scrubbed from its message and body however often it is shared', () => {
    // Azure's keys are 32 hex characters: only the adapter's own key, passed as a secret, catches them.
    const azureKey = '0123456789abcdef0123456789abcdef';
    const leaky = { error: { message: `Access denied for key ${azureKey}.`, type: 'invalid_request_error', code: 'invalid_api_key', param: azureKey } };
    const secrets = [azureKey];
    const facts = Array.from({ length: 50 }, () => classifyError(openaiError(leaky, {}, 401), { provider: 'openai', secrets }));
    expect(new Set(facts).size).toBe(1);
    expect(JSON.stringify(facts[0])).not.toContain(azureKey);
    expect(facts[0]!.message).toContain('Access denied for key');
  });

  it('the Anthropic classifier shares an identical 529 and still gives it the whole provider as scope', () => {
    const overloaded = { type: 'error', error: { type: 'overloaded_error', message: 'Overloaded' } };
    const error = () => Anthropic.APIError.generate(529, structuredClone(overloaded), undefined, new Headers({ 'request-id': 'req' }));
    const first = classifyError(error(), { provider: 'anthropic' });
    const second = classifyError(error(), { provider: 'anthropic' });
    expect(second).toBe(first);
    expect([first.kind, first.scope]).toEqual(['overloaded', 'provider']);
    const other = classifyError(Anthropic.APIError.generate(529, { ...structuredClone(overloaded), request_id: 'req_9' }, undefined, new Headers()), { provider: 'anthropic' });
    expect(other).not.toBe(first);
    expect(other.scope).toBe('provider');
  });
});

describe('a ProviderCallError classified again with secrets', () => {
  it('gets a scrubbed copy of its fact: the fact it carries, which identical errors may share, is never changed', () => {
    const azureKey = 'fedcba9876543210fedcba9876543210';
    const leaky = { error: { message: 'Bad request', type: 'invalid_request_error', code: null, param: azureKey } };
    const wrapped = toProviderCallError(OpenAI.APIError.generate(400, leaky, undefined, new Headers()), { provider: 'openai' });
    const copies = Array.from({ length: 20 }, () => classifyError(wrapped, { provider: 'openai', secrets: [azureKey] }));
    for (const copy of copies) expect(JSON.stringify(copy)).not.toContain(azureKey);
    expect(copies[0]).not.toBe(wrapped.fact);
    // No secret was asked for when it was made, so its own body still holds the value: nothing scrubbed it in place.
    expect(JSON.stringify(wrapped.fact.raw)).toContain(azureKey);
  });
});
