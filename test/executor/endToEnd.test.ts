import { afterAll, afterEach, beforeAll, describe, expect, test, vi } from 'vitest';
import { LLMFallbackError } from '../../src/errors/LLMFallbackError.js';
import type { ExecutorStreamEvent } from '../../src/executor/types.js';
import type { Simulator } from '../../src/simulator/index.js';
import { backoffRecorder, requestsTo, simulatedExecutor, simulator, yamlPolicy } from './simulated.js';

let sim: Simulator;
const request = { policy: 'default', messages: [{ role: 'user' as const, content: 'ping' }] };

beforeAll(async () => {
  sim = await simulator();
});
afterAll(async () => {
  await sim.close();
});
afterEach(async () => {
  vi.useRealTimers();
  await sim.setScenario({ models: {} });
  sim.reset();
});

async function failure(promise: Promise<unknown>): Promise<LLMFallbackError> {
  const error = await promise.then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!LLMFallbackError.isInstance(error)) throw new Error(`expected LLMFallbackError, got ${String(error)}`);
  return error;
}

const fail = (type: string, extra: Record<string, unknown> = {}) => ({ faults: [{ type, ...extra }] });

describe('strategies through the real SDKs', () => {
  test('sequential: openai → anthropic → google', async () => {
    await sim.setScenario({ models: { 'gpt-a': fail('rate_limit'), 'claude-b': fail('overloaded') } });
    const executor = simulatedExecutor(sim, yamlPolicy('primary_model: a\nfallback_models: [b, c]\n'));
    const result = await executor.generate(request);
    expect(result.model).toBe('c');
    expect(result.provider).toBe('google');
    expect(result.session.attempts.map((attempt) => attempt.error?.kind ?? 'ok')).toEqual(['rate_limit', 'overloaded', 'ok']);
    expect([requestsTo(sim, 'gpt-a'), requestsTo(sim, 'claude-b'), requestsTo(sim, 'gemini-c')]).toEqual([1, 1, 1]);
  });

  test('priority: the mapped model first, then the rest', async () => {
    await sim.setScenario({ models: { 'gpt-a': fail('service_unavailable'), 'gemini-c': fail('server_error') } });
    const executor = simulatedExecutor(sim, yamlPolicy('primary_model: a\nfallback_models: [b, c]\nstrategy_type: priority\nerror_mappings: { ServiceUnavailableError: [c] }\n'));
    const result = await executor.generate(request);
    expect(result.session.attempts.map((attempt) => attempt.model)).toEqual(['a', 'c', 'b']);
  });

  test('random: every fallback is tried once, in a seeded order', async () => {
    await sim.setScenario({ models: { 'gpt-a': fail('rate_limit'), 'claude-b': fail('rate_limit'), 'gemini-c': fail('rate_limit') } });
    const executor = simulatedExecutor(sim, yamlPolicy('primary_model: a\nfallback_models: [b, c]\nstrategy_type: random\n'), { random: () => 0.99 });
    const error = await failure(executor.generate(request));
    expect(error.reason).toBe('exhausted');
    expect(new Set(error.attempts.map((attempt) => attempt.model))).toEqual(new Set(['a', 'b', 'c']));
    expect(sim.counts().requests).toBe(3);
  });

  test('error_type: the mapping chooses; an unmapped error fails the session', async () => {
    const executor = simulatedExecutor(sim, yamlPolicy('primary_model: a\nfallback_models: [b, c]\nstrategy_type: error_type\nerror_mappings: { RateLimitError: [c] }\n'));
    await sim.setScenario({ models: { 'gpt-a': fail('rate_limit') } });
    expect((await executor.generate(request)).model).toBe('c');
    await sim.setScenario({ models: { 'gpt-a': fail('service_unavailable') } });
    sim.reset();
    const error = await failure(executor.generate(request));
    expect(error.reason).toBe('rejected');
    expect(sim.counts().requests).toBe(1);
  });

  test('parallel: the first answer wins and the loser is aborted (the simulator sees it close)', async () => {
    await sim.setScenario({ models: { 'gpt-a': fail('hang') } });
    const executor = simulatedExecutor(sim, yamlPolicy('primary_model: a\nfallback_models: [b, c]\nstrategy_type: parallel\nparallel: { width: 2 }\n'));
    const result = await executor.generate(request);
    expect(result.model).toBe('b');
    await vi.waitFor(() => expect(sim.counts().connectionsClosedByClient).toBe(1));
    expect(sim.counts().requests).toBe(2);
    expect(result.session.attempts.map((attempt) => [attempt.model, attempt.outcome])).toEqual([
      ['a', 'aborted'],
      ['b', 'success'],
    ]);
  });

  test('conditional: falls back only when a condition holds', async () => {
    const executor = simulatedExecutor(sim, yamlPolicy('primary_model: a\nfallback_models: [b]\nstrategy_type: conditional\nconditions: [rate_limit]\nfallback_on_errors: [rate_limit, service_unavailable]\n'));
    await sim.setScenario({ models: { 'gpt-a': fail('rate_limit') } });
    expect((await executor.generate(request)).model).toBe('b');
    await sim.setScenario({ models: { 'gpt-a': fail('service_unavailable') } });
    expect((await failure(executor.generate(request))).reason).toBe('rejected');
  });

  test('rules choose the chain: a token_limit error goes straight to the long-context model', async () => {
    await sim.setScenario({ models: { 'gpt-a': fail('context_length') } });
    const executor = simulatedExecutor(
      sim,
      yamlPolicy('primary_model: a\nfallback_models: [b, c]\nrules:\n  - name: prompt-too-long\n    when: { all: [ { fact: error.kind, operator: equal, value: token_limit } ] }\n    then: { fallback: [c] }\n'),
    );
    const result = await executor.generate(request);
    expect(result.model).toBe('c');
    expect(result.session.attempts[1]?.reason).toBe('prompt-too-long');
    expect(requestsTo(sim, 'claude-b')).toBe(0);
  });

  test('routes choose the plan from request metadata', async () => {
    const executor = simulatedExecutor(
      sim,
      yamlPolicy('primary_model: a\nfallback_models: [b]\nroutes:\n  - name: eu\n    when: { all: [ { fact: request.metadata.region, operator: equal, value: EU } ] }\n    then: { primary_model: b, fallback_models: [c] }\n'),
    );
    const result = await executor.generate({ ...request, metadata: { region: 'EU' } });
    expect(result.model).toBe('b');
    expect(result.session.route).toBe('eu');
  });
});

describe('limits, backoff and abort', () => {
  test('max_attempts is never exceeded (counted at the simulator)', async () => {
    await sim.setScenario({ models: { '*': fail('service_unavailable') } });
    const executor = simulatedExecutor(sim, yamlPolicy('primary_model: a\nfallback_models: [a2, b, c]\nmax_attempts: 2\n'));
    const error = await failure(executor.generate(request));
    expect(error.reason).toBe('exhausted');
    expect(sim.counts().requests).toBe(2);
  });

  test('Retry-After is honoured before the same model again (fake timers)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await sim.setScenario({ models: { 'gpt-a': { faults: [{ type: 'rate_limit', retry_after: 2, when: { first: 1 } }] } } });
    const { telemetry, backoffs } = backoffRecorder();
    const retry = 'rules:\n  - { name: retry-once, when: { all: [{ fact: error.kind, operator: equal, value: rate_limit }] }, then: { retry: { times: 1 } } }\n';
    const executor = simulatedExecutor(sim, yamlPolicy(`primary_model: a\nfallback_models: [b]\nbase_delay: 10ms\n${retry}`), { telemetry });
    const pending = executor.generate(request);
    await vi.waitFor(() => expect(backoffs).toEqual([2000]));
    await vi.advanceTimersByTimeAsync(1999);
    expect(requestsTo(sim, 'gpt-a')).toBe(1);
    await vi.advanceTimersByTimeAsync(1);
    expect((await pending).model).toBe('a');
    expect(requestsTo(sim, 'gpt-a')).toBe(2);
  });

  test("a model's own 429 (its rate-limit counters spent) moves to another model of the provider at once, Retry-After or not", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await sim.setScenario({ models: { 'gpt-a': fail('rate_limit', { retry_after: 2 }) } });
    const { telemetry, backoffs } = backoffRecorder();
    const executor = simulatedExecutor(sim, yamlPolicy('primary_model: a\nfallback_models: [a2]\nbase_delay: 1s\n'), { telemetry });
    const result = await executor.generate(request);
    expect(result.model).toBe('a2');
    expect(result.session.attempts[0]?.error).toMatchObject({ kind: 'rate_limit', scope: 'model', retryAfterMs: 2000 });
    expect(backoffs).toEqual([]);
  });

  test('an account-wide failure (a spent quota) waits the backoff before another model of the same provider (fake timers)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await sim.setScenario({ models: { 'gpt-a': fail('quota') } });
    const { telemetry, backoffs } = backoffRecorder();
    const executor = simulatedExecutor(sim, yamlPolicy('primary_model: a\nfallback_models: [a2]\nbase_delay: 2s\nfallback_on_errors: [quota_exceeded]\n'), { telemetry });
    const pending = executor.generate(request);
    await vi.waitFor(() => expect(backoffs).toEqual([2000]));
    await vi.advanceTimersByTimeAsync(1999);
    expect(requestsTo(sim, 'gpt-a2')).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    const result = await pending;
    expect(result.model).toBe('a2');
    expect(result.session.attempts[0]?.error).toMatchObject({ kind: 'quota_exceeded', scope: 'provider' });
  });

  test("Anthropic's 529 overloaded_error (the whole API's) waits the backoff before another Anthropic model, not before another provider (fake timers)", async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await sim.setScenario({ models: { 'claude-b': fail('overloaded') } });
    const policy = (fallbacks: string) =>
      `version: 1\nname: default\nmodels:\n  a: { provider: openai, model: gpt-a }\n  b: { provider: anthropic, model: claude-b }\n  b2: { provider: anthropic, model: claude-b2 }\nprimary_model: b\nfallback_models: [${fallbacks}]\nbase_delay: 2s\njitter: false\n`;
    const sameProvider = backoffRecorder();
    const pending = simulatedExecutor(sim, policy('b2'), { telemetry: sameProvider.telemetry }).generate(request);
    await vi.waitFor(() => expect(sameProvider.backoffs).toEqual([2000]));
    await vi.advanceTimersByTimeAsync(1999);
    expect(requestsTo(sim, 'claude-b2')).toBe(0);
    await vi.advanceTimersByTimeAsync(1);
    const result = await pending;
    expect(result.model).toBe('b2');
    expect(result.session.attempts[0]?.error).toMatchObject({ kind: 'overloaded', status: 529, scope: 'provider' });
    const otherProvider = backoffRecorder();
    expect((await simulatedExecutor(sim, policy('a'), { telemetry: otherProvider.telemetry }).generate(request)).model).toBe('a');
    expect(otherProvider.backoffs).toEqual([]);
  });

  test('a fallback to another provider starts at once under the default settings (1 s backoff, jitter)', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await sim.setScenario({ models: { 'gpt-a': fail('server_error', { retry_after: 5 }) } });
    const { telemetry, backoffs } = backoffRecorder();
    const executor = simulatedExecutor(sim, yamlPolicy('primary_model: a\nfallback_models: [b]\nbase_delay: 1s\njitter: true\n'), { telemetry });
    const result = await executor.generate(request);
    expect(result.model).toBe('b');
    expect(backoffs).toEqual([]);
  });

  test('the deadline ends the session and closes the call in flight', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await sim.setScenario({ models: { '*': fail('hang') } });
    const executor = simulatedExecutor(sim, yamlPolicy('primary_model: a\nfallback_models: [b, c]\ndeadline: 5s\n'));
    const pending = failure(executor.generate(request));
    await vi.waitFor(() => expect(sim.counts().requests).toBe(1));
    await vi.advanceTimersByTimeAsync(5000);
    expect((await pending).reason).toBe('deadline');
    await vi.waitFor(() => expect(sim.counts().connectionsClosedByClient).toBe(1));
    expect(sim.counts().requests).toBe(1);
  });

  test('abort mid-attempt stops everything: the call is closed and nothing else starts', async () => {
    await sim.setScenario({ models: { 'gpt-a': fail('hang') } });
    const executor = simulatedExecutor(sim, yamlPolicy('primary_model: a\nfallback_models: [b, c]\n'));
    const controller = new AbortController();
    const pending = failure(executor.generate({ ...request, signal: controller.signal }));
    await vi.waitFor(() => expect(sim.counts().requests).toBe(1));
    controller.abort();
    expect((await pending).reason).toBe('aborted');
    await vi.waitFor(() => expect(sim.counts().connectionsClosedByClient).toBe(1));
    expect(sim.counts().requests).toBe(1);
  });

  test('executor.close() closes the call of a plain session in flight (one on the shared signal) and starts nothing else', async () => {
    await sim.setScenario({ models: { 'gpt-a': fail('hang') } });
    const executor = simulatedExecutor(sim, yamlPolicy('primary_model: a\nfallback_models: [b, c]\n'));
    const pending = failure(executor.generate(request));
    await vi.waitFor(() => expect(sim.counts().requests).toBe(1));
    await executor.close();
    const error = await pending;
    expect(error.reason).toBe('aborted');
    expect(error.attempts.map((attempt) => [attempt.model, attempt.outcome])).toEqual([['a', 'aborted']]);
    await vi.waitFor(() => expect(sim.counts().connectionsClosedByClient).toBe(1));
    expect(sim.counts().requests).toBe(1);
  });

  test('abort mid-backoff stops the wait and nothing else starts', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await sim.setScenario({ models: { 'gpt-a': fail('service_unavailable') } });
    const { telemetry, backoffs } = backoffRecorder();
    const executor = simulatedExecutor(sim, yamlPolicy('primary_model: a\nfallback_models: [b]\nbase_delay: 30s\nbackoff: every_attempt\n'), { telemetry });
    const controller = new AbortController();
    const pending = failure(executor.generate({ ...request, signal: controller.signal }));
    await vi.waitFor(() => expect(backoffs).toHaveLength(1));
    controller.abort();
    expect((await pending).reason).toBe('aborted');
    await vi.advanceTimersByTimeAsync(60_000);
    expect(sim.counts().requests).toBe(1);
  });

  test('hedging starts exactly one extra call', async () => {
    vi.useFakeTimers({ toFake: ['setTimeout', 'clearTimeout'] });
    await sim.setScenario({ models: { '*': fail('hang') } });
    const executor = simulatedExecutor(sim, yamlPolicy('primary_model: a\nfallback_models: [b, c]\nhedge: { after: 1s, max_extra: 1 }\ndeadline: 10s\n'));
    const pending = failure(executor.generate(request));
    await vi.waitFor(() => expect(sim.counts().requests).toBe(1));
    await vi.advanceTimersByTimeAsync(1000);
    await vi.waitFor(() => expect(sim.counts().requests).toBe(2));
    await vi.advanceTimersByTimeAsync(9000);
    const error = await pending;
    expect(error.reason).toBe('deadline');
    expect(sim.counts().requests).toBe(2);
    expect(error.attempts.filter((attempt) => attempt.reason === 'hedge')).toHaveLength(1);
  });

  test('cooldowns are shared across sessions', async () => {
    await sim.setScenario({ models: { 'gpt-a': fail('rate_limit') } });
    const executor = simulatedExecutor(
      sim,
      yamlPolicy('primary_model: a\nfallback_models: [b]\nrules:\n  - name: cool\n    when: { all: [ { fact: error.kind, operator: equal, value: rate_limit } ] }\n    then: { fallback: [b], cooldown: 60s }\n'),
    );
    await Promise.all([executor.generate(request)]);
    const sessions = await Promise.all([executor.generate(request), executor.generate(request), executor.generate(request)]);
    expect(sessions.every((result) => result.model === 'b')).toBe(true);
    expect(requestsTo(sim, 'gpt-a')).toBe(1);
    expect(requestsTo(sim, 'claude-b')).toBe(4);
  });
});

async function collect(stream: AsyncIterable<ExecutorStreamEvent>) {
  const events: ExecutorStreamEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
    return { events, error: null };
  } catch (error) {
    return { events, error };
  }
}
const text = (events: readonly ExecutorStreamEvent[]) => events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : [])).join('');

describe('streams through the real SDKs', () => {
  test('falls back before the first chunk', async () => {
    await sim.setScenario({ models: { 'gpt-a': fail('overloaded') } });
    const executor = simulatedExecutor(sim, yamlPolicy('primary_model: a\nfallback_models: [b]\n'));
    const { events, error } = await collect(executor.stream(request));
    expect(error).toBeNull();
    expect(events[0]).toMatchObject({ type: 'attempt-failed', model: 'a', phase: 'before_first_chunk' });
    expect(text(events).length).toBeGreaterThan(0);
    expect(events.at(-1)).toMatchObject({ type: 'finish', result: { model: 'b' } });
  });

  test('mid_stream: fail ends with stream_interrupted and the partial text', async () => {
    await sim.setScenario({ models: { 'gpt-a': { chunks: 4, faults: [{ type: 'cut_stream', after_chunks: 2 }] } } });
    const executor = simulatedExecutor(sim, yamlPolicy('primary_model: a\nfallback_models: [b]\n'));
    const { events, error } = await collect(executor.stream(request));
    expect(LLMFallbackError.isInstance(error)).toBe(true);
    const failure = error as LLMFallbackError;
    expect(failure.lastError?.kind).toBe('stream_interrupted');
    expect(failure.partialText).toBe(text(events));
    expect(failure.partialText?.length).toBeGreaterThan(0);
    expect(requestsTo(sim, 'claude-b')).toBe(0);
  });

  test('mid_stream: restart starts over on the next model and tells the consumer', async () => {
    await sim.setScenario({ models: { 'gpt-a': { chunks: 4, faults: [{ type: 'cut_stream', after_chunks: 2 }] } } });
    const executor = simulatedExecutor(sim, yamlPolicy('primary_model: a\nfallback_models: [c]\nmid_stream: restart\nfallback_on_errors: [stream_interrupted]\n'));
    const { events, error } = await collect(executor.stream(request));
    expect(error).toBeNull();
    const restartAt = events.findIndex((event) => event.type === 'restart');
    expect(restartAt).toBeGreaterThan(0);
    expect(events[restartAt]).toMatchObject({ type: 'restart', failedModel: 'a', discardedText: text(events.slice(0, restartAt)) });
    expect(text(events.slice(restartAt)).length).toBeGreaterThan(0);
    expect(events.at(-1)).toMatchObject({ type: 'finish', result: { model: 'c' } });
  });
});
