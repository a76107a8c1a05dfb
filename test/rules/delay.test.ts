import { describe, expect, it } from 'vitest';
import { decide } from '../../src/rules/decide.js';
import { computeDelay, nextTarget } from '../../src/rules/delay.js';
import { mulberry32 } from '../../src/rules/random.js';
import { buildPolicy, failure } from './policy-builder.js';

const backoff = { baseDelayMs: 1000, maxDelayMs: 10_000, exponentialBase: 2, jitter: true };

describe('delay before the next attempt', () => {
  it('grows exponentially with the failed attempts and stops at max_delay', () => {
    const windows = [1, 2, 3, 4, 5, 6].map(
      (failedAttempts) => computeDelay({ policy: { ...backoff, jitter: false }, failedAttempts, retryAfterMs: null, overrideMs: null, random: Math.random }).delayMs,
    );
    expect(windows).toEqual([1000, 2000, 4000, 8000, 10_000, 10_000]);
  });

  it('full jitter: every seeded delay lies in [0, window] and the draws spread across it', () => {
    const random = mulberry32(1234);
    for (const failedAttempts of [1, 2, 3, 4, 8]) {
      const window = Math.min(10_000, 1000 * 2 ** (failedAttempts - 1));
      const delays = Array.from({ length: 500 }, () => computeDelay({ policy: backoff, failedAttempts, retryAfterMs: null, overrideMs: null, random }).delayMs);
      expect(Math.min(...delays)).toBeGreaterThanOrEqual(0);
      expect(Math.max(...delays)).toBeLessThanOrEqual(window);
      expect(Math.min(...delays)).toBeLessThan(window * 0.1);
      expect(Math.max(...delays)).toBeGreaterThan(window * 0.9);
    }
  });

  it('the same seed gives the same delays', async () => {
    const policy = buildPolicy({ jitter: true });
    const first = await decide(policy, failure(), { random: mulberry32(99) });
    const second = await decide(policy, failure(), { random: mulberry32(99) });
    expect(first.delayMs).toBe(second.delayMs);
    expect(first.delayMs).toBeLessThanOrEqual(1000);
  });

  it('a longer Retry-After wins, capped by max_delay', () => {
    const input = { policy: { ...backoff, jitter: false }, failedAttempts: 1, overrideMs: null, random: Math.random };
    expect(computeDelay({ ...input, retryAfterMs: 500 }).delayMs).toBe(1000);
    expect(computeDelay({ ...input, retryAfterMs: 7000 })).toMatchObject({ delayMs: 7000, reason: 'retry-after' });
    expect(computeDelay({ ...input, retryAfterMs: 120_000 })).toMatchObject({ delayMs: 10_000, reason: 'retry-after' });
  });

  it('every_attempt: Retry-After applies when the next attempt goes back to the same provider, the backoff before any', async () => {
    const policy = buildPolicy({ maxDelayMs: 30_000, fallbackModels: ['gpt-3.5-turbo', 'gemini-pro'], backoff: 'every_attempt' });
    const sameProvider = await decide(policy, failure({ 'error.retry_after_ms': 20_000 }));
    expect(sameProvider).toMatchObject({ next: ['gpt-3.5-turbo', 'gemini-pro'], delayMs: 20_000 });
    const otherProvider = await decide(policy, failure({ 'error.retry_after_ms': 20_000, 'attempt.model': 'gpt-3.5-turbo', 'session.tried': ['gpt-4o', 'gpt-3.5-turbo'] }));
    expect(otherProvider).toMatchObject({ next: ['gemini-pro'], delayMs: 2000 });
    const capped = await decide(policy, failure({ 'error.retry_after_ms': 90_000 }));
    expect(capped.delayMs).toBe(30_000);
  });

  it('same_model (the default): another provider starts at once, Retry-After or not', async () => {
    const policy = buildPolicy({ maxDelayMs: 30_000, fallbackModels: ['claude-instant', 'gemini-pro'] });
    expect(policy.backoff).toBe('same_model');
    const decision = await decide(policy, failure({ 'error.retry_after_ms': 20_000 }));
    expect(decision).toMatchObject({ next: ['claude-instant', 'gemini-pro'], delayMs: 0 });
  });

  it('same_model: another model of the same provider starts at once unless the failure was the whole account\'s', async () => {
    const policy = buildPolicy({ maxDelayMs: 30_000, fallbackModels: ['gpt-3.5-turbo', 'gemini-pro'] });
    expect(await decide(policy, failure({ 'error.retry_after_ms': 20_000, 'error.scope': 'model' }))).toMatchObject({ next: ['gpt-3.5-turbo', 'gemini-pro'], delayMs: 0 });
    expect(await decide(policy, failure({ 'error.retry_after_ms': 20_000, 'error.scope': null }))).toMatchObject({ delayMs: 0 });
    expect(await decide(policy, failure({ 'error.retry_after_ms': 20_000, 'error.scope': 'provider' }))).toMatchObject({ next: ['gpt-3.5-turbo', 'gemini-pro'], delayMs: 20_000 });
    expect(await decide(policy, failure({ 'error.kind': 'quota_exceeded', 'error.scope': 'provider' }))).toMatchObject({ next: ['gpt-3.5-turbo', 'gemini-pro'], delayMs: 1000 });
  });

  it('same_model: a retry of the failed model waits the backoff and a longer Retry-After', async () => {
    const policy = buildPolicy({
      maxDelayMs: 30_000,
      rules: [{ name: 'retry-once', when: { all: [{ fact: 'error.kind', operator: 'equal', value: 'rate_limit' }] }, then: { retry: { times: 1, delayMs: null } } }],
    });
    expect(await decide(policy, failure())).toMatchObject({ action: 'retry', next: ['gpt-4o'], delayMs: 1000 });
    expect(await decide(policy, failure({ 'error.retry_after_ms': 7000 }))).toMatchObject({ action: 'retry', delayMs: 7000 });
  });

  it('computeDelay: where the next attempt goes decides whether it waits', () => {
    const input = { policy: { ...backoff, jitter: false }, failedAttempts: 1, retryAfterMs: 5000, overrideMs: null, random: Math.random };
    expect(computeDelay({ ...input, target: 'same_model' })).toMatchObject({ delayMs: 5000, reason: 'retry-after' });
    expect(computeDelay({ ...input, target: 'same_provider' })).toEqual({ delayMs: 0, minMs: 0, maxMs: 0, reason: 'immediate' });
    expect(computeDelay({ ...input, target: 'same_provider', providerWide: true })).toMatchObject({ delayMs: 5000, reason: 'retry-after' });
    expect(computeDelay({ ...input, target: 'other_provider', providerWide: true })).toMatchObject({ delayMs: 0, reason: 'immediate' });
    const everyAttempt = { ...input, policy: { ...input.policy, backoff: 'every_attempt' as const } };
    expect(computeDelay({ ...everyAttempt, target: 'other_provider' })).toMatchObject({ delayMs: 1000, reason: 'backoff' });
    expect(computeDelay({ ...everyAttempt, target: 'same_provider' })).toMatchObject({ delayMs: 5000, reason: 'retry-after' });
    expect(computeDelay({ ...input, target: 'other_provider', overrideMs: 300 })).toMatchObject({ delayMs: 300, reason: 'rule' });
  });

  it('nextTarget: one deployment under two keys is the same model; provider entries, not types, tell providers apart', () => {
    const policy = buildPolicy();
    const models = {
      ...policy.models,
      'gpt-4o-again': { name: 'gpt-4o-again', provider: 'openai', model: 'gpt-4o', contextWindow: null, rpm: null, tpm: null, price: null, params: {} },
      'gpt-4o-azure': { name: 'gpt-4o-azure', provider: 'azure', model: 'gpt-4o', contextWindow: null, rpm: null, tpm: null, price: null, params: {} },
    };
    const providers = { ...policy.providers, azure: { ...policy.providers['openai']!, name: 'azure' } };
    const catalog = { models, providers };
    expect(nextTarget(catalog, 'gpt-4o', 'gpt-4o', 'openai')).toBe('same_model');
    expect(nextTarget(catalog, 'gpt-4o', 'gpt-4o-again', 'openai')).toBe('same_model');
    expect(nextTarget(catalog, 'gpt-4o', 'gpt-3.5-turbo', 'openai')).toBe('same_provider');
    expect(nextTarget(catalog, 'gpt-4o', 'gpt-4o-azure', 'openai')).toBe('other_provider');
    expect(nextTarget(catalog, 'gpt-4o', 'claude-instant', 'openai')).toBe('other_provider');
    expect(nextTarget(catalog, 'not-in-catalog', 'claude-instant', 'anthropic')).toBe('same_provider');
    expect(nextTarget(catalog, 'not-in-catalog', 'claude-instant', 'openai')).toBe('other_provider');
  });

  it("a rule's delay overrides backoff and Retry-After", async () => {
    const policy = buildPolicy({
      rules: [
        { name: 'quick-retry', when: { all: [{ fact: 'error.kind', operator: 'equal', value: 'rate_limit' }] }, then: { retry: { times: 1, delayMs: 50 } } },
        { name: 'no-wait', when: { all: [{ fact: 'error.kind', operator: 'equal', value: 'timeout' }] }, then: { fallback: ['gpt-3.5-turbo'], delayMs: 0 } },
      ],
    });
    expect(await decide(policy, failure({ 'error.retry_after_ms': 9000 }))).toMatchObject({ action: 'retry', delayMs: 50 });
    expect(await decide(policy, failure({ 'error.kind': 'timeout', 'session.attempts': 2, 'session.tried': ['gpt-4o', 'gpt-4o'] }))).toMatchObject({ delayMs: 0 });
  });

  it('a failure that ends the session has no delay', async () => {
    const policy = buildPolicy({ maxAttempts: 1 });
    expect((await decide(policy, failure())).delayMs).toBe(0);
  });
});
