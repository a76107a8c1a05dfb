/**
 * End to end, in both conventions versions: the executor, the real provider
 * SDKs over HTTP against the simulator, the real tracing and metrics SDKs.
 * The parameters an attempt sent (the caller's with the catalog's laid
 * over), the stream flag, and time to first chunk on the span and as a metric.
 */
import type { Histogram } from '@opentelemetry/sdk-metrics';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createExecutor } from '../../src/executor/createExecutor.js';
import { parsePolicy } from '../../src/policy/load.js';
import { createPolicySet } from '../../src/policy/set.js';
import type { Policy } from '../../src/policy/types.js';
import { SelfManagingFallbackFactory } from '../../src/providers/factory.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import type { SemanticConventions } from '../../src/telemetry/conventions.js';
import { createOpenTelemetryHooks } from '../../src/telemetry/createOpenTelemetryHooks.js';
import { createMetrics, createTracing, findSpan, type MetricsFixture, type TracingFixture } from './sdk.js';

const messages = [{ role: 'user', content: 'What is the capital of France?' }] as const;

function policy(source: string): Policy {
  const result = parsePolicy(source, 'conventions.yaml');
  if (result.policy === null) throw new Error(result.diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
  return result.policy;
}

const POLICIES = [
  policy(`version: 1
name: tuned
primary_model: gpt
fallback_models: [gemini]
base_delay: 0
jitter: false
models:
  gpt: { provider: openai, model: gpt-4o, params: { temperature: 0.3, seed: 7 } }
  gemini: { provider: google, model: gemini-2.0-flash, params: { top_p: 0.8 } }
`),
];

let simulator: Simulator;
let tracing: TracingFixture;
let metrics: MetricsFixture;

beforeAll(async () => {
  simulator = await startSimulator({ port: 0, scenario: { models: { '*': { chunks: 3 }, 'gpt-4o': { faults: [{ type: 'service_unavailable' }] } } } });
});
afterAll(async () => {
  await simulator.close();
});
beforeEach(() => {
  tracing = createTracing();
  metrics = createMetrics();
  return async () => {
    await tracing.shutdown();
    await metrics.shutdown();
  };
});

async function streamThrough(semanticConventions: SemanticConventions): Promise<string> {
  const executor = await createExecutor({
    policies: createPolicySet(POLICIES),
    factory: new SelfManagingFallbackFactory({ baseUrlOverride: simulator.url, apiKeyOverride: 'sk-test-conventions' }),
    telemetry: createOpenTelemetryHooks({ tracerProvider: tracing.tracerProvider, meterProvider: metrics.meterProvider, semanticConventions }),
  });
  try {
    let text = '';
    const params = { maxTokens: 64, temperature: 0.9, stop: ['END'] };
    for await (const event of executor.stream({ policy: 'tuned', messages: [...messages], params, responseFormat: { type: 'text' } })) {
      if (event.type === 'text-delta') text += event.text;
    }
    return text;
  } finally {
    await executor.close();
  }
}

describe.each([
  ['v1.41', 'gen_ai.client.operation.time_to_first_chunk', 'gen_ai.client.inference.time_to_first_chunk'],
  ['latest', 'gen_ai.client.inference.time_to_first_chunk', 'gen_ai.client.operation.time_to_first_chunk'],
] as const)('a stream that falls back from a 503 to Gemini (%s)', (semanticConventions, timeToFirstChunk, otherName) => {
  it('each attempt carries what it sent; the answering one its time to first chunk', async () => {
    expect((await streamThrough(semanticConventions)).length).toBeGreaterThan(0);
    const failed = findSpan(tracing.spans(), 'chat gpt-4o');
    expect(failed.attributes).toMatchObject({
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.stream': true,
      'gen_ai.request.max_tokens': 64,
      // The catalog's temperature wins over the caller's, as the adapter sends it.
      'gen_ai.request.temperature': 0.3,
      'gen_ai.request.seed': 7,
      'gen_ai.request.stop_sequences': ['END'],
      'gen_ai.output.type': 'text',
      'error.type': 'service_unavailable',
    });
    expect(failed.attributes['gen_ai.response.time_to_first_chunk']).toBeUndefined();
    const answered = findSpan(tracing.spans(), 'generate_content gemini-2.0-flash');
    expect(answered.attributes).toMatchObject({
      'gen_ai.operation.name': 'generate_content',
      'gen_ai.provider.name': 'gcp.gemini',
      'gen_ai.request.stream': true,
      'gen_ai.request.max_tokens': 64,
      'gen_ai.request.temperature': 0.9,
      'gen_ai.request.top_p': 0.8,
    });
    const seconds = answered.attributes['gen_ai.response.time_to_first_chunk'];
    expect(typeof seconds).toBe('number');
    expect(seconds).toBeGreaterThanOrEqual(0);

    const byName = await metrics.collect();
    expect(byName.has(otherName)).toBe(false);
    const points = byName.get(timeToFirstChunk)?.dataPoints ?? [];
    expect(points.map((point) => [point.attributes['gen_ai.request.model'], point.attributes['gen_ai.operation.name'], (point.value as Histogram).count])).toEqual([
      ['gemini-2.0-flash', 'generate_content', 1],
    ]);
    expect((points[0]?.value as Histogram).sum).toBeCloseTo(seconds as number, 6);
  });
});
