/**
 * What a failed attempt leaves to do once the next call is on its way: its
 * span's end and its log line. The next call never waits for them, the span
 * still ends at the moment the attempt failed, and a hook or logger that
 * throws there is reported, never thrown.
 */
import * as AnthropicSdk from '@anthropic-ai/sdk';
import type { ReadableSpan } from '@opentelemetry/sdk-trace';
import * as OpenAISdk from 'openai';
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { Executor } from '../../src/executor/Executor.js';
import type { FallbackLogger } from '../../src/executor/types.js';
import { AnthropicAdapter } from '../../src/providers/anthropic/anthropic-adapter.js';
import { createAnthropicClient } from '../../src/providers/anthropic/create-anthropic-client.js';
import type { FetchFunction } from '../../src/providers/client-settings.js';
import type { AdapterSource } from '../../src/providers/factory.js';
import { createOpenAIClient } from '../../src/providers/openai/create-openai-client.js';
import { OpenAIAdapter } from '../../src/providers/openai/openai-adapter.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { createOpenTelemetryHooks } from '../../src/telemetry/createOpenTelemetryHooks.js';
import { noopTelemetry, type TelemetryHooks } from '../../src/telemetry/hooks.js';
import { createTracing } from '../telemetry/sdk.js';
import { fact, FakeFactory, policyFrom, setOf } from './support.js';

const POLICY = policyFrom(`version: 1
name: p
models:
  a: { provider: openai, model: gpt-a }
  b: { provider: anthropic, model: claude-b }
primary_model: a
fallback_models: [b]
`);
const messages = [{ role: 'user' as const, content: 'ping' }];

let simulator: Simulator;

beforeAll(async () => {
  simulator = await startSimulator({ scenario: { models: { 'gpt-a': { faults: [{ type: 'service_unavailable' }] }, 'claude-b': {} } } });
});
afterAll(async () => {
  await simulator.close();
});

/**
 * The real SDKs over HTTP to the simulator: a (OpenAI) answers 503, b
 * (Anthropic) answers; `onFallback` runs as b's request reaches `fetch`,
 * after the SDK's own steps, which is when the request goes out.
 */
function overHttp(onFallback: () => void): AdapterSource {
  const settings = (baseUrl: string, fetch: FetchFunction | null) => ({ apiKey: 'test-key', baseUrl, timeoutMs: null, fetch, headers: {} });
  const a = new OpenAIAdapter({ client: createOpenAIClient(OpenAISdk, settings(`${simulator.url}/v1`, null)), modelId: 'gpt-a' });
  const fetch: FetchFunction = (input, init) => {
    onFallback();
    return globalThis.fetch(input, init);
  };
  const b = new AnthropicAdapter({ client: createAnthropicClient(AnthropicSdk, settings(simulator.url, fetch)), modelId: 'claude-b', params: { max_tokens: 64 } });
  return { getAdapter: (_policy, model) => (model === 'a' ? a : b) };
}

const attemptSpans = (spans: readonly ReadableSpan[]) => spans.filter((span) => span.attributes['detour.attempt.number'] !== undefined);
const nanos = ([seconds, nanoseconds]: readonly [number, number]) => BigInt(seconds) * 1_000_000_000n + BigInt(nanoseconds);

afterEach(() => {
  vi.useRealTimers();
});

describe('a failed attempt’s span and log line come after the next call starts', () => {
  it('the fallback request goes out before the failed span ends; the span still ends when the attempt failed', async () => {
    const tracing = createTracing();
    let endedAtFallback: number | null = null;
    const executor = new Executor({
      policies: setOf(POLICY),
      factory: overHttp(() => (endedAtFallback = attemptSpans(tracing.spans()).length)),
      telemetry: createOpenTelemetryHooks({ tracerProvider: tracing.tracerProvider }),
    });
    const result = await executor.generate({ policy: 'p', messages });
    expect(result.model).toBe('b');
    expect(endedAtFallback).toBe(0);
    const [failed, answered] = [...attemptSpans(tracing.spans())].sort((x, y) => Number(x.attributes['detour.attempt.number']) - Number(y.attributes['detour.attempt.number']));
    expect(failed?.attributes['error.type']).toBe('service_unavailable');
    expect(failed?.status.code).toBe(2);
    expect(failed?.events.map((event) => event.name)).toEqual(['exception']);
    // Ended at the failure, not when the trailing work ran (after the fallback had started).
    expect(nanos(failed!.endTime)).toBeLessThanOrEqual(nanos(answered!.startTime));
    expect(nanos(failed!.events[0]!.time)).toBeLessThanOrEqual(nanos(failed!.endTime));
    await tracing.shutdown();
  });

  it('the log line of the failed attempt comes before the session’s, once', async () => {
    const lines: string[] = [];
    let loggedAtFallback = -1;
    const logger: FallbackLogger = {
      logAttemptFailed: (attempt) => lines.push(`attempt ${attempt.number} ${attempt.outcome}`),
      logSessionSucceeded: (session) => lines.push(`session ${session.outcome}`),
    };
    const executor = new Executor({ policies: setOf(POLICY), factory: overHttp(() => (loggedAtFallback = lines.length)), telemetry: noopTelemetry, logger });
    await executor.generate({ policy: 'p', messages });
    expect(loggedAtFallback).toBe(0);
    expect(lines).toEqual(['attempt 1 failure', 'session success']);
  });

  it('a hook that throws when the attempt failed is reported; the session answers', async () => {
    const internal: string[] = [];
    const throwing: TelemetryHooks = {
      sessionStarted: (info) => {
        const scope = noopTelemetry.sessionStarted(info);
        return {
          ...scope,
          attemptStarted: () => ({
            run: (fn) => fn(),
            succeeded: () => {},
            failed: () => {
              throw new Error('hook exploded');
            },
          }),
        };
      },
    };
    const factory = new FakeFactory({ a: [{ error: fact('service_unavailable') }] });
    const executor = new Executor({
      policies: setOf(POLICY),
      factory,
      telemetry: throwing,
      logger: { logInternalError: (message, error) => internal.push(`${message}: ${(error as Error).message}`) },
    });
    const result = await executor.generate({ policy: 'p', messages });
    expect(result.model).toBe('b');
    expect(internal).toEqual(['a telemetry hook or logger threw after an attempt failed: hook exploded']);
  });

  it('with no call to hurry for (a backoff before the retry), the span ends at once', async () => {
    vi.useFakeTimers();
    const tracing = createTracing();
    const retrying = policyFrom(`version: 1
name: r
models:
  a: { provider: openai, model: gpt-a }
primary_model: a
rules:
  - { name: retry-once, when: { all: [{ fact: error.kind, operator: equal, value: service_unavailable }] }, then: { retry: { times: 1, delay: 1s } } }
`);
    const factory = new FakeFactory({ a: [{ error: fact('service_unavailable') }, { answer: 'second time' }] });
    const executor = new Executor({ policies: setOf(retrying), factory, telemetry: createOpenTelemetryHooks({ tracerProvider: tracing.tracerProvider }) });
    const pending = executor.generate({ policy: 'r', messages });
    await vi.advanceTimersByTimeAsync(10);
    expect(factory.callsTo('a')).toBe(1);
    expect(attemptSpans(tracing.spans()).map((span) => span.attributes['error.type'])).toEqual(['service_unavailable']);
    await vi.advanceTimersByTimeAsync(1_000);
    await expect(pending).resolves.toMatchObject({ model: 'a' });
    await tracing.shutdown();
  });
});
