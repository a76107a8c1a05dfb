/**
 * Hooks that follow the global providers: nothing at all while no SDK is
 * registered (the caller's context flows through), spans as soon as one is.
 */
import { context, trace, TraceFlags } from '@opentelemetry/api';
import { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { afterAll, describe, expect, it } from 'vitest';
import { createOpenTelemetryHooks } from '../../src/telemetry/createOpenTelemetryHooks.js';
import { attemptInfo, response, sessionInfo } from './fixtures.js';
import { enableAsyncContext, spanTree } from './sdk.js';

afterAll(() => {
  trace.disable();
  context.disable();
});

describe('the global tracer provider', () => {
  it('with no SDK, a remote parent in the caller context reaches the provider call untouched', async () => {
    enableAsyncContext();
    const hooks = createOpenTelemetryHooks();
    const remote = { traceId: '4bf92f3577b34da6a3ce929d0e0e4736', spanId: '00f067aa0ba902b7', traceFlags: TraceFlags.SAMPLED, isRemote: true };
    const seen = await context.with(trace.setSpanContext(context.active(), remote), async () => {
      const session = hooks.sessionStarted(sessionInfo);
      return session.run(async () => {
        const attempt = session.attemptStarted(attemptInfo());
        const inside = await attempt.run(async () => {
          await Promise.resolve();
          return trace.getSpanContext(context.active());
        });
        attempt.succeeded(response(), 1);
        session.ended('success', { attempts: 1, finalModel: 'gpt-4o' });
        return inside;
      });
    });
    expect(seen).toEqual(remote);
  });

  it('hooks made before the SDK was registered start recording once it is', () => {
    const hooks = createOpenTelemetryHooks();
    const before = hooks.sessionStarted(sessionInfo);
    before.attemptStarted(attemptInfo()).succeeded(response(), 1);
    before.ended('success', { attempts: 1, finalModel: 'gpt-4o' });

    const exporter = new InMemorySpanExporter();
    trace.setGlobalTracerProvider(new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: exporter })] }));
    const after = hooks.sessionStarted(sessionInfo);
    after.attemptStarted(attemptInfo()).succeeded(response(), 1);
    after.ended('success', { attempts: 1, finalModel: 'gpt-4o' });

    expect(spanTree(exporter.getFinishedSpans())).toEqual([
      {
        name: 'detour.session default',
        kind: 'INTERNAL',
        status: 'UNSET',
        children: [{ name: 'chat gpt-4o', kind: 'CLIENT', status: 'UNSET', children: [] }],
      },
    ]);
  });
});
