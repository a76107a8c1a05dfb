/**
 * With no `telemetry` option the executor follows the global OpenTelemetry
 * API: a service that registers an SDK sees detour's spans without wiring
 * anything; `noopTelemetry` turns them off.
 */
import { context, trace } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor } from '@opentelemetry/sdk-trace';
import { afterAll, afterEach, beforeAll, expect, test } from 'vitest';
import { Executor } from '../../src/executor/Executor.js';
import { noopTelemetry } from '../../src/telemetry/hooks.js';
import { spanTree } from '../telemetry/sdk.js';
import { BASE_POLICY, FakeFactory, fact, policyFrom, setOf } from './support.js';

const exporter = new InMemorySpanExporter();
const provider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: exporter })] });
const request = { policy: 'default', messages: [{ role: 'user', content: 'hi' }] } as const;

beforeAll(() => {
  context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  trace.setGlobalTracerProvider(provider);
});

afterEach(() => exporter.reset());

afterAll(async () => {
  trace.disable();
  context.disable();
  await provider.shutdown();
});

test('no telemetry option: a globally registered SDK sees the session span and an attempt span per attempt', async () => {
  const factory = new FakeFactory({ a: [{ error: fact('rate_limit', { status: 429 }) }] });
  const executor = new Executor({ policies: setOf(policyFrom(BASE_POLICY)), factory });
  const result = await executor.generate(request);
  expect(result.model).toBe('b');
  expect(spanTree(exporter.getFinishedSpans())).toEqual([
    {
      name: 'detour.session default',
      kind: 'INTERNAL',
      status: 'UNSET',
      children: [
        { name: 'chat a', kind: 'CLIENT', status: 'ERROR', children: [] },
        { name: 'chat b', kind: 'CLIENT', status: 'UNSET', children: [] },
      ],
    },
  ]);
  expect(exporter.getFinishedSpans().find((span) => span.name === 'detour.session default')?.attributes).toMatchObject({ 'detour.outcome': 'success', 'detour.final_model': 'b' });
});

test('telemetry: noopTelemetry records nothing', async () => {
  const executor = new Executor({ policies: setOf(policyFrom(BASE_POLICY)), factory: new FakeFactory({}), telemetry: noopTelemetry });
  await executor.generate(request);
  expect(exporter.getFinishedSpans()).toEqual([]);
});
