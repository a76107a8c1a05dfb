import { describe, expect, it } from 'vitest';
import { decide } from '../../src/rules/decide.js';
import { computeDelay } from '../../src/rules/delay.js';
import { mulberry32 } from '../../src/rules/random.js';
import { buildPolicy, failure } from './policy-builder.js';

const backoff = { baseDelayMs: 1000, maxDelayMs: 10_000, exponentialBase: 2, jitter: true };

describe('delay before the next attempt (DESIGN §5)', () => {
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

  it('Retry-After applies when the next attempt goes back to the same provider, not to another one', async () => {
    const policy = buildPolicy({ maxDelayMs: 30_000, fallbackModels: ['gpt-3.5-turbo', 'gemini-pro'] });
    const sameProvider = await decide(policy, failure({ 'error.retry_after_ms': 20_000 }));
    expect(sameProvider).toMatchObject({ next: ['gpt-3.5-turbo', 'gemini-pro'], delayMs: 20_000 });
    const otherProvider = await decide(policy, failure({ 'error.retry_after_ms': 20_000, 'attempt.model': 'gpt-3.5-turbo', 'session.tried': ['gpt-4o', 'gpt-3.5-turbo'] }));
    expect(otherProvider).toMatchObject({ next: ['gemini-pro'], delayMs: 2000 });
    const capped = await decide(policy, failure({ 'error.retry_after_ms': 90_000 }));
    expect(capped.delayMs).toBe(30_000);
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
