import { afterEach, describe, expect, test, vi } from 'vitest';
import { LLMFallbackError } from '../../src/errors/LLMFallbackError.js';
import { Executor } from '../../src/executor/Executor.js';
import type { ExecutorStreamEvent } from '../../src/executor/types.js';
import { BASE_POLICY, FakeFactory, fact, policyFrom, setOf } from './support.js';
import type { Step } from './support.js';

function executorFor(yaml: string, scripts: Record<string, readonly Step[]>) {
  const factory = new FakeFactory(scripts);
  return { executor: new Executor({ policies: setOf(policyFrom(yaml)), factory }), factory };
}

async function collect(stream: AsyncIterable<ExecutorStreamEvent>): Promise<{ events: ExecutorStreamEvent[]; error: unknown }> {
  const events: ExecutorStreamEvent[] = [];
  try {
    for await (const event of stream) events.push(event);
  } catch (error) {
    return { events, error };
  }
  return { events, error: null };
}

const request = { policy: 'default', messages: [{ role: 'user' as const, content: 'hi' }] };
const text = (events: ExecutorStreamEvent[]) => events.flatMap((event) => (event.type === 'text-delta' ? [event.text] : [])).join('');

afterEach(() => {
  vi.useRealTimers();
});

describe('stream', () => {
  test('falls back freely before the first chunk', async () => {
    const { executor, factory } = executorFor(BASE_POLICY, { a: [{ error: fact('overloaded') }], b: [{ answer: '', chunks: ['he', 'llo'] }] });
    const { events, error } = await collect(executor.stream(request));
    expect(error).toBeNull();
    expect(events.map((event) => event.type)).toEqual(['attempt-failed', 'text-delta', 'text-delta', 'finish']);
    expect(text(events)).toBe('hello');
    const finish = events.at(-1);
    expect(finish?.type === 'finish' && finish.result.model).toBe('b');
    expect(factory.calls.map((call) => call.model)).toEqual(['a', 'b']);
  });

  test('a stream knows its session number before its first event: the one its record and its error carry', async () => {
    const overloaded = { error: fact('overloaded') };
    const { executor } = executorFor(BASE_POLICY, { a: [{ answer: '', chunks: ['one'] }, { answer: 'two' }, overloaded], b: [overloaded], c: [overloaded] });
    const first = executor.stream(request);
    const second = executor.stream(request);
    expect([first.sessionId, second.sessionId]).toEqual([1, 2]);
    const answered = await collect(first);
    const finish = answered.events.at(-1);
    expect(finish?.type === 'finish' && finish.result.session.id).toBe(1);
    // A generate in between takes the next number when it opens.
    await executor.generate(request).catch(() => undefined);
    const failed = await collect(second);
    expect(LLMFallbackError.isInstance(failed.error) && (failed.error.session as { id?: number } | null)?.id).toBe(2);
    expect(executor.history().map((record) => record.id)).toEqual([1, 3, 2]);
  });

  test('mid_stream: fail ends with stream_interrupted and the partial text', async () => {
    const { executor, factory } = executorFor(BASE_POLICY, { a: [{ answer: '', chunks: ['par', 'tial', 'never'], breakAfter: 2 }] });
    const { events, error } = await collect(executor.stream(request));
    expect(text(events)).toBe('partial');
    expect(LLMFallbackError.isInstance(error)).toBe(true);
    const failure = error as LLMFallbackError;
    expect(failure.partialText).toBe('partial');
    expect(failure.lastError?.kind).toBe('stream_interrupted');
    expect(factory.calls).toHaveLength(1);
  });

  test('mid_stream: restart starts over on the next model and tells the consumer', async () => {
    const { executor, factory } = executorFor(`${BASE_POLICY}mid_stream: restart\nfallback_on_errors: [stream_interrupted]\n`, {
      a: [{ answer: '', chunks: ['bro', 'ken'], breakAfter: 1 }],
      b: [{ answer: '', chunks: ['who', 'le'] }],
    });
    const { events, error } = await collect(executor.stream(request));
    expect(error).toBeNull();
    expect(events.map((event) => event.type)).toEqual(['text-delta', 'attempt-failed', 'restart', 'text-delta', 'text-delta', 'finish']);
    const restart = events[2];
    expect(restart).toMatchObject({ type: 'restart', failedModel: 'a', discardedText: 'bro' });
    expect(text(events.slice(3))).toBe('whole');
    expect(factory.calls.map((call) => call.model)).toEqual(['a', 'b']);
  });

  test('first_chunk_timeout aborts a silent stream as a timeout and falls back', async () => {
    vi.useFakeTimers();
    const { executor, factory } = executorFor(`${BASE_POLICY}first_chunk_timeout: 2s\n`, { a: [{ hang: true }] });
    const pending = collect(executor.stream(request));
    await vi.advanceTimersByTimeAsync(2000);
    const { events, error } = await pending;
    expect(error).toBeNull();
    expect(events[0]).toMatchObject({ type: 'attempt-failed', model: 'a', error: { kind: 'timeout' } });
    expect(factory.calls[0]?.aborted).toBe(true);
    expect(text(events)).toBe('answer from b');
  });

  test('hedged stream: the first to send a chunk wins, the other is aborted', async () => {
    vi.useFakeTimers();
    const { executor, factory } = executorFor(`${BASE_POLICY}hedge: { after: 100ms, max_extra: 1 }\n`, {
      a: [{ delay: 1000, then: { answer: 'slow' } }],
      b: [{ delay: 10, then: { answer: 'fast' } }],
    });
    const pending = collect(executor.stream(request));
    await vi.advanceTimersByTimeAsync(110);
    const { events } = await pending;
    expect(text(events)).toBe('fast');
    expect(factory.calls.map((call) => [call.model, call.aborted])).toEqual([
      ['a', true],
      ['b', false],
    ]);
  });

  test('leaving the loop early aborts the session', async () => {
    const { executor, factory } = executorFor(BASE_POLICY, { a: [{ answer: '', chunks: ['one', 'two', 'three'] }] });
    for await (const event of executor.stream(request)) {
      if (event.type === 'text-delta') break;
    }
    await new Promise((resolve) => setImmediate(resolve));
    expect(factory.calls[0]?.aborted).toBe(true);
    expect(executor.history()[0]?.outcome).toBe('aborted');
  });

  test('nothing is sent before the consumer starts reading', async () => {
    const { executor, factory } = executorFor(BASE_POLICY, {});
    const stream = executor.stream(request);
    await new Promise((resolve) => setImmediate(resolve));
    expect(factory.calls).toHaveLength(0);
    await collect(stream);
    expect(factory.calls).toHaveLength(1);
  });
});
