/**
 * Telemetry never hurts the request: throwing exporters, processors, tracers,
 * spans and context managers change nothing about what the caller gets.
 */
import { context, ROOT_CONTEXT, trace, type ContextManager, type Span, type Tracer, type TracerProvider as ApiTracerProvider } from '@opentelemetry/api';
import { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type SpanExporter, type SpanProcessor } from '@opentelemetry/sdk-trace';
import { afterEach, describe, expect, it } from 'vitest';
import { createOpenTelemetryHooks } from '../../src/telemetry/createOpenTelemetryHooks.js';
import { noopTelemetry, type TelemetryHooks } from '../../src/telemetry/hooks.js';
import { attemptInfo, fact, response, sessionInfo } from './fixtures.js';

/** Drives one fallback session the way the executor does and returns what the caller would get. */
async function driveSession(hooks: TelemetryHooks): Promise<{ value: string; error: unknown; calls: number }> {
  let calls = 0;
  const session = hooks.sessionStarted(sessionInfo);
  const value = await session.run(async () => {
    const first = session.attemptStarted(attemptInfo());
    let error: unknown;
    try {
      await first.run(async () => {
        calls += 1;
        throw new Error('provider down');
      });
    } catch (caught) {
      error = caught;
    }
    first.failed(fact('service_unavailable', 'provider down'), 10);
    session.backoff(100, 1);
    session.skipped('claude-instant', 'cooldown');
    const second = session.attemptStarted(attemptInfo({ number: 2, model: 'b', modelId: 'b', reason: 'strategy:sequential', messages: [{ role: 'user', content: 'hi' }] }));
    const text = await second.run(async () => {
      calls += 1;
      await Promise.resolve();
      return 'answer';
    });
    second.succeeded(response({ text }), 20);
    const third = session.attemptStarted(attemptInfo({ number: 3, model: 'c', modelId: 'c', hedged: true }));
    third.cancelled?.(5);
    return { text, error };
  });
  session.ended('success', { attempts: 3, finalModel: 'b' });
  return { value: value.text, error: value.error, calls };
}

const throwing = (): never => {
  throw new Error('telemetry exploded');
};

function throwingSpan(): Span {
  const span = trace.wrapSpanContext({ traceId: '0af7651916cd43dd8448eb211c80319c', spanId: 'b7ad6b7169203331', traceFlags: 1 });
  return new Proxy(span, {
    get: (target, property) => (property === 'spanContext' ? target.spanContext.bind(target) : throwing),
  });
}

async function expectUnharmed(hooks: TelemetryHooks): Promise<void> {
  const baseline = await driveSession(noopTelemetry);
  const result = await driveSession(hooks);
  expect(result.value).toBe(baseline.value);
  expect(result.calls).toBe(2);
  expect((result.error as Error).message).toBe('provider down');
}

describe('telemetry that fails changes nothing about the result', () => {
  afterEach(() => {
    context.disable();
  });

  it('an exporter that throws', async () => {
    const exporter: SpanExporter = { export: throwing, shutdown: async () => {} };
    const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: exporter })] });
    await expectUnharmed(createOpenTelemetryHooks({ tracerProvider }));
  });

  it('an exporter that reports failure asynchronously', async () => {
    const exporter: SpanExporter = {
      export: (_spans, done) => setImmediate(() => done({ code: 1, error: new Error('collector unreachable') })),
      shutdown: async () => {},
    };
    const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: exporter })] });
    await expectUnharmed(createOpenTelemetryHooks({ tracerProvider }));
  });

  it('a processor whose every method throws', async () => {
    const processor: SpanProcessor = { onStart: throwing, onEnd: throwing, forceFlush: async () => {}, shutdown: async () => {} };
    const tracerProvider = new TracerProvider({ spanProcessors: [processor] });
    await expectUnharmed(createOpenTelemetryHooks({ tracerProvider }));
  });

  it('a tracer provider whose getTracer throws', async () => {
    const tracerProvider: ApiTracerProvider = { getTracer: throwing };
    await expectUnharmed(createOpenTelemetryHooks({ tracerProvider }));
  });

  it('a tracer whose startSpan throws', async () => {
    const tracer: Tracer = { startSpan: throwing, startActiveSpan: throwing };
    await expectUnharmed(createOpenTelemetryHooks({ tracerProvider: { getTracer: () => tracer } }));
  });

  it('spans whose every method throws', async () => {
    const tracer: Tracer = { startSpan: throwingSpan, startActiveSpan: throwing };
    await expectUnharmed(createOpenTelemetryHooks({ tracerProvider: { getTracer: () => tracer } }));
  });

  it('a context manager that throws', async () => {
    const broken: ContextManager = {
      active: () => ROOT_CONTEXT,
      with: throwing,
      bind: (_context, target) => target,
      enable() {
        return this;
      },
      disable() {
        return this;
      },
    };
    context.setGlobalContextManager(broken);
    // The SDK's own exporters call context.with too, so watch the spans end at the processor.
    const ended: string[] = [];
    const processor: SpanProcessor = { onStart: () => {}, onEnd: (span) => ended.push(span.name), forceFlush: async () => {}, shutdown: async () => {} };
    const tracerProvider = new TracerProvider({ spanProcessors: [processor] });
    await expectUnharmed(createOpenTelemetryHooks({ tracerProvider }));
    expect(ended.sort()).toEqual(['chat b', 'chat c', 'chat gpt-4o', 'detour.session default']);
  });

  it('errors thrown by the wrapped function pass through once, untouched', async () => {
    const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: new InMemorySpanExporter() })] });
    const session = createOpenTelemetryHooks({ tracerProvider }).sessionStarted(sessionInfo);
    const failure = new TypeError('bad input');
    let calls = 0;
    expect(() =>
      session.run(() => {
        calls += 1;
        throw failure;
      }),
    ).toThrow(failure);
    expect(calls).toBe(1);
  });

  it('with no SDK registered, the global no-op tracer records nothing and still runs everything', async () => {
    const hooks = createOpenTelemetryHooks();
    await expectUnharmed(hooks);
    const session = hooks.sessionStarted(sessionInfo);
    expect(session.run(() => trace.getActiveSpan()?.isRecording() ?? false)).toBe(false);
    expect(hooks.captureContent).toBe(false);
  });
});
