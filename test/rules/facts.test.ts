import { describe, expect, it } from 'vitest';
import { completeFacts, normalizeGivenFacts } from '../../src/rules/default-facts.js';
import { buildFailureFacts, buildRequestFacts, FAILURE_FACT_NAMES } from '../../src/rules/facts.js';
import { buildPolicy } from './policy-builder.js';

const error = {
  kind: 'rate_limit' as const,
  type: 'RateLimitError',
  status: 429,
  code: 'rate_limit_exceeded',
  message: 'Rate limit reached',
  retryAfterMs: 2000,
  retryable: true,
  provider: 'openai',
  sdkError: 'RateLimitError',
};

describe('facts (DESIGN §3)', () => {
  it('a failure carries every fact, flat and dotted', () => {
    const facts = buildFailureFacts({
      error,
      attempt: { model: 'gpt-4o', provider: 'openai', number: 2 },
      session: { attempts: 2, elapsedMs: 1500, tried: ['gpt-4o', 'gpt-4o'] },
      streamPhase: 'before_first_chunk',
      request: { metadata: { tier: 'free' }, model: 'gpt-4o', estimatedInputTokens: 1200, stream: true },
    });
    for (const name of FAILURE_FACT_NAMES) expect(facts, name).toHaveProperty([name]);
    expect(facts).toMatchObject({
      'error.kind': 'rate_limit',
      'error.type': 'RateLimitError',
      'error.status': 429,
      'error.code': 'rate_limit_exceeded',
      'error.retry_after_ms': 2000,
      'error.sdk_error': 'RateLimitError',
      'attempt.model': 'gpt-4o',
      'attempt.number': 2,
      'attempt.model_attempts': 2,
      'session.attempts': 2,
      'session.elapsed_ms': 1500,
      'session.tried': ['gpt-4o', 'gpt-4o'],
      'stream.phase': 'before_first_chunk',
      'request.metadata.tier': 'free',
      'request.model': 'gpt-4o',
      'request.estimated_input_tokens': 1200,
      'request.stream': true,
    });
  });

  it('absent values are null, never missing', () => {
    const facts = buildFailureFacts({
      error: { ...error, status: null, code: null, retryAfterMs: null, provider: null, sdkError: null },
      attempt: { model: 'gpt-4o', provider: null, number: 1 },
      session: { attempts: 1, elapsedMs: 0, tried: ['gpt-4o'] },
      streamPhase: 'none',
      request: {},
    });
    for (const name of ['error.status', 'error.code', 'error.retry_after_ms', 'error.provider', 'error.sdk_error', 'attempt.provider', 'request.model', 'request.estimated_input_tokens']) {
      expect(facts[name], name).toBeNull();
    }
    expect(facts['request.metadata']).toEqual({});
  });

  it('request metadata is flattened with dots, nested objects too', () => {
    const facts = buildRequestFacts({ metadata: { tenant: 'acme', user: { tier: 'free', region: { code: 'EU' } }, tags: ['beta'] } });
    expect(facts).toMatchObject({
      'request.metadata.tenant': 'acme',
      'request.metadata.user.tier': 'free',
      'request.metadata.user.region.code': 'EU',
      'request.metadata.tags': ['beta'],
      'request.metadata.user': { tier: 'free', region: { code: 'EU' } },
    });
  });

  it('metadata that cycles back on itself does not hang', () => {
    const metadata: Record<string, unknown> = { name: 'loop' };
    metadata['self'] = metadata;
    const facts = buildRequestFacts({ metadata });
    expect(facts['request.metadata.name']).toBe('loop');
  });
});

describe('facts a person writes', () => {
  it('nested and dotted forms give the same facts', () => {
    expect(normalizeGivenFacts({ error: { kind: 'timeout' }, request: { metadata: { region: 'EU' } } })).toEqual(
      normalizeGivenFacts({ 'error.kind': 'timeout', 'request.metadata.region': 'EU' }),
    );
  });

  it('missing facts are filled as the executor would: the chain walked up to attempt.model', () => {
    const policy = buildPolicy();
    const { facts, defaulted } = completeFacts(policy, { 'error.type': 'TimeoutError', 'attempt.model': 'claude-instant' });
    expect(facts).toMatchObject({
      'error.kind': 'timeout',
      'error.retryable': true,
      'attempt.provider': 'anthropic',
      'session.tried': ['gpt-4o', 'gpt-3.5-turbo', 'claude-instant'],
      'session.attempts': 3,
      'stream.phase': 'none',
      'error.status': null,
    });
    expect(defaulted).toContain('session.tried');
    expect(defaulted).not.toContain('attempt.model');
  });
});
