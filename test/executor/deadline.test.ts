/**
 * A session that runs out of time says what actually went wrong before the
 * deadline, not the abort the deadline itself caused.
 */
import { afterEach, expect, test, vi } from 'vitest';
import { LLMFallbackError } from '../../src/errors/LLMFallbackError.js';
import { Executor } from '../../src/executor/Executor.js';
import { BASE_POLICY, FakeFactory, fact, policyFrom, setOf } from './support.js';

afterEach(() => {
  vi.useRealTimers();
});

test('deadline: lastError and the message name the last real failure; the aborted attempt stays in attempts', async () => {
  vi.useFakeTimers();
  const factory = new FakeFactory({ a: [{ delay: 1_000, then: { error: fact('timeout', { message: 'request timed out' }) } }], b: [{ hang: true }] });
  const executor = new Executor({ policies: setOf(policyFrom(`${BASE_POLICY}deadline: 5s\n`)), factory });
  const pending = executor.generate({ policy: 'default', messages: [{ role: 'user', content: 'hi' }] }).catch((error: unknown) => error);
  await vi.advanceTimersByTimeAsync(5_000);
  const error = await pending;
  if (!LLMFallbackError.isInstance(error)) throw new Error(`expected LLMFallbackError, got ${String(error)}`);
  expect(error.reason).toBe('deadline');
  expect(error.attempts.map((attempt) => [attempt.model, attempt.outcome, attempt.error?.kind])).toEqual([
    ['a', 'failure', 'timeout'],
    ['b', 'aborted', 'aborted'],
  ]);
  expect(error.lastError?.kind).toBe('timeout');
  expect(error.message).toBe('policy "default": no answer after 2 attempts (deadline: the session deadline passed); last error: TimeoutError: request timed out');
  expect((error.cause as { fact?: { kind: string } }).fact?.kind).toBe('timeout');
});
