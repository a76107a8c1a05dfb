import { afterEach, describe, expect, test, vi } from 'vitest';
import { LLMFallbackError } from '../../src/errors/LLMFallbackError.js';
import { Executor } from '../../src/executor/Executor.js';
import type { ExecutorOptions, GenerateOptions } from '../../src/executor/types.js';
import { BASE_POLICY, FakeFactory, fact, policyFrom, setOf } from './support.js';
import type { Step } from './support.js';

const messages = [{ role: 'user', content: 'hello' }] as const;

function executorFor(yaml: string, scripts: Record<string, readonly Step[]>, options: Partial<ExecutorOptions> = {}) {
  const factory = new FakeFactory(scripts);
  const executor = new Executor({ policies: setOf(policyFrom(yaml)), factory, random: () => 0.5, ...options } as ExecutorOptions & { policies: never });
  return { executor, factory };
}

async function failure(promise: Promise<unknown>): Promise<LLMFallbackError> {
  try {
    await promise;
  } catch (error) {
    if (LLMFallbackError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected the session to fail');
}

const request: GenerateOptions = { policy: 'default', messages: [...messages] };

afterEach(() => {
  vi.useRealTimers();
});

describe('generate', () => {
  test('the primary answers: one attempt, no fallback', async () => {
    const { executor, factory } = executorFor(BASE_POLICY, {});
    const result = await executor.generate(request);
    expect(result.model).toBe('a');
    expect(result.text).toBe('answer from a');
    expect(factory.calls.map((call) => call.model)).toEqual(['a']);
    expect(result.session.getTotalAttempts()).toBe(1);
    expect(result.session.getSuccessfulAttempt()?.model).toBe('a');
    expect(executor.stats()).toMatchObject({ totalSessions: 1, successRate: 1, fallbackRate: 0, averageAttempts: 1 });
  });

  test('sequential: falls back in order and records every attempt', async () => {
    const { executor, factory } = executorFor(BASE_POLICY, { a: [{ error: fact('rate_limit', { status: 429 }) }], b: [{ error: fact('service_unavailable', { status: 503 }) }] });
    const result = await executor.generate(request);
    expect(result.model).toBe('c');
    expect(factory.calls.map((call) => call.model)).toEqual(['a', 'b', 'c']);
    expect(result.session.attempts.map((attempt) => [attempt.model, attempt.outcome])).toEqual([
      ['a', 'failure'],
      ['b', 'failure'],
      ['c', 'success'],
    ]);
    expect(result.session.attempts[1]?.reason).toBe('strategy:sequential');
    expect(executor.stats().byErrorKind).toEqual({ rate_limit: 1, service_unavailable: 1 });
    expect(executor.stats().fallbackRate).toBe(1);
  });

  test('every model fails: LLMFallbackError exhausted with every attempt and the last error as cause', async () => {
    const { executor } = executorFor(BASE_POLICY, { a: [{ error: fact('timeout') }], b: [{ error: fact('timeout') }], c: [{ error: fact('overloaded') }] });
    const error = await failure(executor.generate(request));
    expect(error.reason).toBe('exhausted');
    expect(error.attempts.map((attempt) => attempt.model)).toEqual(['a', 'b', 'c']);
    expect(error.lastError?.kind).toBe('overloaded');
    expect((error.cause as { fact: { kind: string } }).fact.kind).toBe('overloaded');
  });

  test('max_attempts bounds the session whatever the chain', async () => {
    const { executor, factory } = executorFor(BASE_POLICY.replace('max_attempts: 3', 'max_attempts: 2'), { a: [{ error: fact('timeout') }], b: [{ error: fact('timeout') }] });
    const error = await failure(executor.generate(request));
    expect(error.reason).toBe('exhausted');
    expect(factory.calls).toHaveLength(2);
  });

  test('an error outside the gate is rejected at once', async () => {
    const { executor, factory } = executorFor(BASE_POLICY, { a: [{ error: fact('invalid_request', { status: 400 }) }] });
    const error = await failure(executor.generate(request));
    expect(error.reason).toBe('rejected');
    expect(factory.calls).toHaveLength(1);
  });

  test('enabled: false calls the primary only and fails as disabled', async () => {
    const { executor, factory } = executorFor(`${BASE_POLICY}enabled: false\n`, { a: [{ error: fact('rate_limit') }] });
    const error = await failure(executor.generate(request));
    expect(error.reason).toBe('disabled');
    expect(factory.calls.map((call) => call.model)).toEqual(['a']);
  });

  test('the attempt timeout is passed to the adapter', async () => {
    const { executor, factory } = executorFor(`${BASE_POLICY}timeout: 1500ms\n`, {});
    await executor.generate(request);
    expect(factory.calls[0]?.timeout).toBe(1500);
  });

  test('error_type with no mapping for the error fails the session', async () => {
    const yaml = `${BASE_POLICY}strategy_type: error_type\nerror_mappings: { RateLimitError: [c] }\n`;
    const mapped = executorFor(yaml, { a: [{ error: fact('rate_limit', { status: 429 }) }] });
    expect((await mapped.executor.generate(request)).model).toBe('c');
    const unmapped = executorFor(yaml, { a: [{ error: fact('timeout') }] });
    const error = await failure(unmapped.executor.generate(request));
    expect(error.reason).toBe('rejected');
    expect(unmapped.factory.calls).toHaveLength(1);
  });

  test('an in-process condition lets a failure the policy would reject fall back', async () => {
    const { executor, factory } = executorFor(BASE_POLICY, { a: [{ error: fact('invalid_request', { message: 'model is OVERLOADED today' }) }] });
    const result = await executor.generate({ ...request, fallbackWhen: (error) => error.message.toLowerCase().includes('overloaded') });
    expect(result.model).toBe('b');
    expect(factory.calls).toHaveLength(2);
    expect(result.session.attempts[1]?.reason).toBe('condition:function');
  });

  test('a caller model overrides the primary', async () => {
    const { executor, factory } = executorFor(BASE_POLICY, {});
    const result = await executor.generate({ ...request, model: 'b' });
    expect(result.model).toBe('b');
    expect(factory.calls.map((call) => call.model)).toEqual(['b']);
  });

  test('an unknown policy is a clear error', async () => {
    const { executor } = executorFor(BASE_POLICY, {});
    await expect(executor.generate({ ...request, policy: 'nope' })).rejects.toThrow(/unknown policy "nope"; known: default/);
  });
});

describe('backoff, deadline and abort (fake timers)', () => {
  test('backoff: every_attempt waits the decision delay before another model too', async () => {
    vi.useFakeTimers();
    const yaml = `${BASE_POLICY.replace('base_delay: 0', 'base_delay: 2s')}backoff: every_attempt\n`;
    const { executor, factory } = executorFor(yaml, { a: [{ error: fact('service_unavailable') }] });
    const pending = executor.generate(request);
    await vi.advanceTimersByTimeAsync(1999);
    expect(factory.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(factory.calls).toHaveLength(2);
    expect((await pending).model).toBe('b');
  });

  test("the attempt's timeout is the executor's: an adapter that only listens to the signal fails `timeout`, and the session falls back", async () => {
    vi.useFakeTimers();
    const { executor, factory } = executorFor(`${BASE_POLICY}timeout: 5s\n`, { a: [{ hang: true }] });
    const pending = executor.generate(request);
    await vi.advanceTimersByTimeAsync(4999);
    expect(factory.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    const result = await pending;
    expect(result.model).toBe('b');
    expect(factory.calls[0]?.aborted).toBe(true);
    expect(result.session.attempts[0]).toMatchObject({ model: 'a', outcome: 'failure', error: { kind: 'timeout' } });
  });

  test('Retry-After longer than the backoff is honoured before another model of the same provider (every_attempt)', async () => {
    vi.useFakeTimers();
    const yaml = `${BASE_POLICY.replace('base_delay: 0', 'base_delay: 100ms')}backoff: every_attempt\n`;
    const { executor, factory } = executorFor(yaml, { a: [{ error: fact('rate_limit', { status: 429, retryAfterMs: 3000 }) }] });
    const pending = executor.generate(request);
    await vi.advanceTimersByTimeAsync(2999);
    expect(factory.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(factory.calls).toHaveLength(2);
    await pending;
  });

  test('the deadline ends the session and aborts the attempt in flight', async () => {
    vi.useFakeTimers();
    const { executor, factory } = executorFor(`${BASE_POLICY}deadline: 5s\n`, { a: [{ hang: true }] });
    const pending = failure(executor.generate(request));
    await vi.advanceTimersByTimeAsync(5000);
    const error = await pending;
    expect(error.reason).toBe('deadline');
    expect(factory.calls).toHaveLength(1);
    expect(factory.calls[0]?.aborted).toBe(true);
    expect(error.attempts[0]?.outcome).toBe('aborted');
  });

  test('a delay that would run past the deadline ends the session without waiting', async () => {
    vi.useFakeTimers();
    const yaml = `${BASE_POLICY.replace('base_delay: 0', 'base_delay: 10s')}deadline: 5s\nbackoff: every_attempt\n`;
    const { executor, factory } = executorFor(yaml, { a: [{ error: fact('timeout') }] });
    const error = await failure(executor.generate(request));
    expect(error.reason).toBe('deadline');
    expect(factory.calls).toHaveLength(1);
  });

  test('abort mid-attempt aborts the call and starts nothing new', async () => {
    vi.useFakeTimers();
    const { executor, factory } = executorFor(BASE_POLICY, { a: [{ hang: true }] });
    const controller = new AbortController();
    const pending = failure(executor.generate({ ...request, signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(10);
    controller.abort();
    const error = await pending;
    expect(error.reason).toBe('aborted');
    expect(factory.calls).toHaveLength(1);
    expect(factory.calls[0]?.aborted).toBe(true);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(factory.calls).toHaveLength(1);
  });

  test('abort mid-backoff cancels the wait and starts nothing new', async () => {
    vi.useFakeTimers();
    const yaml = `${BASE_POLICY.replace('base_delay: 0', 'base_delay: 30s')}backoff: every_attempt\n`;
    const { executor, factory } = executorFor(yaml, { a: [{ error: fact('service_unavailable') }] });
    const controller = new AbortController();
    const pending = failure(executor.generate({ ...request, signal: controller.signal }));
    await vi.advanceTimersByTimeAsync(1000);
    controller.abort();
    const error = await pending;
    expect(error.reason).toBe('aborted');
    expect(vi.getTimerCount()).toBe(0);
    await vi.advanceTimersByTimeAsync(60_000);
    expect(factory.calls).toHaveLength(1);
  });

  test('a signal aborted before the call sends nothing', async () => {
    const { executor, factory } = executorFor(BASE_POLICY, {});
    const error = await failure(executor.generate({ ...request, signal: AbortSignal.abort() }));
    expect(error.reason).toBe('aborted');
    expect(factory.calls).toHaveLength(0);
  });
});

describe('parallel and hedge', () => {
  test('parallel: width calls at once, first success wins, the loser is aborted', async () => {
    vi.useFakeTimers();
    const yaml = `${BASE_POLICY}strategy_type: parallel\nparallel: { width: 2 }\n`;
    const { executor, factory } = executorFor(yaml, { a: [{ delay: 100, then: { answer: 'slow' } }], b: [{ delay: 10, then: { answer: 'fast' } }] });
    const pending = executor.generate(request);
    await vi.advanceTimersByTimeAsync(10);
    const result = await pending;
    expect(result.model).toBe('b');
    expect(factory.calls.map((call) => [call.model, call.aborted])).toEqual([
      ['a', true],
      ['b', false],
    ]);
    expect(result.session.attempts.map((attempt) => attempt.outcome)).toEqual(['aborted', 'success']);
    expect(result.session.getTotalAttempts()).toBe(2);
  });

  test('hedge: a slow attempt gets exactly one extra call beside it', async () => {
    vi.useFakeTimers();
    const yaml = `${BASE_POLICY}hedge: { after: 50ms, max_extra: 1 }\n`;
    const { executor, factory } = executorFor(yaml, { a: [{ delay: 1000, then: { answer: 'slow' } }], b: [{ delay: 1000, then: { answer: 'hedged' } }] });
    const pending = executor.generate(request);
    await vi.advanceTimersByTimeAsync(49);
    expect(factory.calls).toHaveLength(1);
    await vi.advanceTimersByTimeAsync(1);
    expect(factory.calls.map((call) => call.model)).toEqual(['a', 'b']);
    await vi.advanceTimersByTimeAsync(500);
    expect(factory.calls).toHaveLength(2);
    await vi.advanceTimersByTimeAsync(500);
    const result = await pending;
    expect(result.model).toBe('a');
    expect(factory.calls[1]?.aborted).toBe(true);
    expect(result.session.attempts.find((attempt) => attempt.model === 'b')).toMatchObject({ hedged: true, outcome: 'aborted', reason: 'hedge' });
  });

  test('hedge: a fast answer starts no extra call', async () => {
    vi.useFakeTimers();
    const { executor, factory } = executorFor(`${BASE_POLICY}hedge: { after: 50ms, max_extra: 1 }\n`, { a: [{ delay: 10, then: { answer: 'ok' } }] });
    const pending = executor.generate(request);
    await vi.advanceTimersByTimeAsync(100);
    await pending;
    expect(factory.calls).toHaveLength(1);
    expect(vi.getTimerCount()).toBe(0);
  });
});

describe('abort signals', () => {
  test('each attempt has one control of its own: its signal and timeout reach the adapter, nothing left aborted or listening', async () => {
    const { executor, factory } = executorFor(BASE_POLICY, {});
    const warnings: Error[] = [];
    const onWarning = (warning: Error) => warnings.push(warning);
    process.on('warning', onWarning);
    try {
      await Promise.all(Array.from({ length: 50 }, () => executor.generate(request)));
      const controller = new AbortController();
      await executor.generate({ ...request, signal: controller.signal });
      await new Promise((resolve) => setImmediate(resolve));
    } finally {
      process.off('warning', onWarning);
    }
    expect(warnings.map((warning) => warning.name)).not.toContain('MaxListenersExceededWarning');
    expect(factory.calls).toHaveLength(51);
    const signals = factory.calls.map((call) => call.signal);
    expect(new Set(signals).size).toBe(51);
    expect(signals.every((signal) => signal !== undefined && !signal.aborted)).toBe(true);
    expect(factory.calls.every((call) => call.control?.signal === call.signal && call.timeout === 30_000)).toBe(true);
  });

  test('close() aborts the calls in flight and ends their sessions aborted', async () => {
    const { executor, factory } = executorFor(BASE_POLICY, { a: [{ hang: true }] });
    const pending = [failure(executor.generate(request)), failure(executor.generate(request))];
    await vi.waitFor(() => expect(factory.calls).toHaveLength(2));
    await executor.close();
    for (const error of await Promise.all(pending)) expect(error.reason).toBe('aborted');
    expect(factory.calls.map((call) => [call.model, call.aborted])).toEqual([
      ['a', true],
      ['a', true],
    ]);
    await expect(executor.generate(request)).rejects.toThrow('executor is closed');
  });
});

describe('cooldowns, circuit breaker, context window', () => {
  test("a rule's cooldown makes later sessions skip the model", async () => {
    const yaml = `${BASE_POLICY}rules:\n  - name: cool\n    when: { all: [ { fact: error.kind, operator: equal, value: rate_limit } ] }\n    then: { fallback: [b], cooldown: 60s }\n`;
    let now = 1_000_000;
    const { executor, factory } = executorFor(yaml, { a: [{ error: fact('rate_limit') }] }, { clock: { now: () => now } });
    expect((await executor.generate(request)).model).toBe('b');
    const second = await executor.generate(request);
    expect(second.model).toBe('b');
    expect(second.session.attempts[0]).toMatchObject({ model: 'a', outcome: 'skipped' });
    expect(second.session.attempts[0]?.reason).toMatch(/cooling down/);
    expect(factory.callsTo('a')).toBe(1);
    now += 60_001;
    await executor.generate(request);
    expect(factory.callsTo('a')).toBe(2);
  });

  test("the last allowed attempt still applies the matching rule's cooldown", async () => {
    const yaml = `${BASE_POLICY.replace('max_attempts: 3', 'max_attempts: 1')}rules:\n  - name: cool\n    when: { all: [ { fact: error.kind, operator: equal, value: rate_limit } ] }\n    then: { fallback: [b], cooldown: 60s }\n`;
    const { executor, factory } = executorFor(yaml, { a: [{ error: fact('rate_limit') }] });
    expect((await failure(executor.generate(request))).reason).toBe('exhausted');
    const second = await executor.generate(request);
    expect(second.model).toBe('b');
    expect(second.session.attempts[0]).toMatchObject({ model: 'a', outcome: 'skipped' });
    expect(factory.callsTo('a')).toBe(1);
  });

  test('when every model is cooling down, the one that recovers first is tried', async () => {
    const yaml = `${BASE_POLICY.replace('max_attempts: 3', 'max_attempts: 5')}rules:\n  - name: cool-a\n    when: { all: [ { fact: attempt.model, operator: equal, value: a } ] }\n    then: { fallback: [b], cooldown: 60s }\n  - name: cool-b\n    when: { all: [ { fact: attempt.model, operator: equal, value: b } ] }\n    then: { fallback: [c], cooldown: 30s }\n  - name: cool-c\n    when: { all: [ { fact: attempt.model, operator: equal, value: c } ] }\n    then: { fail: true, cooldown: 90s }\n`;
    const { executor, factory } = executorFor(yaml, { a: [{ error: fact('timeout') }], b: [{ error: fact('timeout') }, { answer: 'b recovered' }], c: [{ error: fact('timeout') }] });
    await failure(executor.generate(request));
    const result = await executor.generate(request);
    expect(result.model).toBe('b');
    expect(result.session.attempts.map((attempt) => [attempt.model, attempt.outcome])).toEqual([['b', 'success']]);
    expect(result.session.attempts[0]?.reason).toMatch(/earliest to recover/);
    expect(factory.calls.map((call) => call.model)).toEqual(['a', 'b', 'c', 'b']);
  });

  test('the circuit breaker opens on the failure rate and is shared by sessions', async () => {
    const yaml = `${BASE_POLICY}circuit_breaker: { failure_rate: 0.5, min_requests: 4, window: 60s, open_for: 30s, on: [service_unavailable] }\n`;
    const { executor, factory } = executorFor(yaml, { a: [{ error: fact('service_unavailable') }] });
    for (let index = 0; index < 4; index++) await executor.generate(request);
    expect(factory.callsTo('a')).toBe(4);
    const result = await executor.generate(request);
    expect(factory.callsTo('a')).toBe(4);
    expect(result.session.attempts[0]).toMatchObject({ model: 'a', outcome: 'skipped' });
    expect(executor.stats().byModel.a?.skipped).toBe(1);
  });

  test('a model whose context window is too small is skipped before it is called', async () => {
    const yaml = BASE_POLICY.replace('a: { provider: openai }', 'a: { provider: openai, context_window: 100 }');
    const { executor, factory } = executorFor(yaml, {});
    const result = await executor.generate({ ...request, messages: [{ role: 'user', content: 'x'.repeat(800) }], params: { maxTokens: 10 } });
    expect(result.model).toBe('b');
    expect(factory.callsTo('a')).toBe(0);
    expect(result.session.attempts[0]).toMatchObject({ model: 'a', outcome: 'skipped' });
    expect(result.session.attempts[0]?.reason).toMatch(/context window 100 < 210/);
  });
});

describe('records and history', () => {
  test('history is a bounded ring buffer and resetStats clears it', async () => {
    const { executor } = executorFor(BASE_POLICY, {}, { historySize: 3 });
    for (let index = 0; index < 5; index++) await executor.generate(request);
    const sessions = executor.history();
    expect(sessions).toHaveLength(3);
    expect(sessions.map((session) => session.id)).toEqual([3, 4, 5]);
    expect(executor.history(1).map((session) => session.id)).toEqual([5]);
    expect(executor.stats().totalSessions).toBe(5);
    executor.resetStats();
    expect(executor.history()).toHaveLength(0);
    expect(executor.stats().totalSessions).toBe(0);
  });

  test('records hold message content only on opt-in', async () => {
    const { executor } = executorFor(BASE_POLICY, {});
    const plain = await executor.generate({ ...request, metadata: { tier: 'free' } });
    expect(JSON.stringify(plain.session)).not.toContain('hello');
    expect(plain.session.toJSON().metadata).toEqual({ tier: 'free' });
    const captured = await executor.generate({ ...request, captureContent: true });
    expect(captured.session.toJSON().messages).toEqual(messages);
    expect(captured.session.toJSON().responseText).toBe('answer from a');
  });
});
