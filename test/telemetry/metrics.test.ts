/**
 * Metrics with the real SDK: names, units, the conventions' bucket
 * boundaries, attributes.
 */
import { metrics } from '@opentelemetry/api';
import { DataPointType, type Histogram, type HistogramMetricData, type MetricData, type SumMetricData } from '@opentelemetry/sdk-metrics';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOpenTelemetryHooks } from '../../src/telemetry/createOpenTelemetryHooks.js';
import { DURATION_BUCKETS, TOKEN_BUCKETS } from '../../src/telemetry/names.js';
import { attemptInfo, fact, response, sessionInfo } from './fixtures.js';
import { createMetrics, type MetricsFixture } from './sdk.js';

let fixture: MetricsFixture;
let meterProvider: MetricsFixture['meterProvider'];

beforeEach(() => {
  fixture = createMetrics();
  meterProvider = fixture.meterProvider;
});
afterEach(async () => {
  await fixture.shutdown();
  metrics.disable();
});

function collected(): Promise<Map<string, MetricData>> {
  return fixture.collect();
}

function driveFallback(hooks: ReturnType<typeof createOpenTelemetryHooks>): void {
  const session = hooks.sessionStarted(sessionInfo);
  session.attemptStarted(attemptInfo()).failed(fact('rate_limit', 'slow down'), 250);
  const second = session.attemptStarted(attemptInfo({ number: 2, providerType: 'anthropic', modelId: 'claude-3-5-haiku-latest', serverPort: 4011 }));
  second.succeeded(response({ responseModel: 'claude-3-5-haiku-20241022', usage: { inputTokens: 100, outputTokens: 20 } }), 1500);
  session.ended('success', { attempts: 2, finalModel: 'claude-instant' });
  const failed = hooks.sessionStarted(sessionInfo);
  failed.attemptStarted(attemptInfo()).failed(fact('timeout', 'late'), 30_000);
  failed.ended('exhausted', { attempts: 1, finalModel: null });
}

describe('metrics', () => {
  it('gen_ai.client.operation.duration: seconds, the conventions buckets, one point per attribute set', async () => {
    driveFallback(createOpenTelemetryHooks({ meterProvider }));
    const duration = (await collected()).get('gen_ai.client.operation.duration') as HistogramMetricData;
    expect(duration.descriptor.unit).toBe('s');
    expect(duration.dataPointType).toBe(DataPointType.HISTOGRAM);
    const points = duration.dataPoints.map((point) => ({ attributes: point.attributes, value: point.value as Histogram }));
    for (const point of points) expect(point.value.buckets.boundaries).toEqual([...DURATION_BUCKETS]);
    expect(points.map((point) => [point.attributes, point.value.count, point.value.sum])).toEqual([
      [
        {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4o',
          'server.address': '127.0.0.1',
          'server.port': 4010,
          'error.type': 'rate_limit',
        },
        1,
        0.25,
      ],
      [
        {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'anthropic',
          'gen_ai.request.model': 'claude-3-5-haiku-latest',
          'server.address': '127.0.0.1',
          'server.port': 4011,
          'gen_ai.response.model': 'claude-3-5-haiku-20241022',
        },
        1,
        1.5,
      ],
      [
        {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'openai',
          'gen_ai.request.model': 'gpt-4o',
          'server.address': '127.0.0.1',
          'server.port': 4010,
          'error.type': 'timeout',
        },
        1,
        30,
      ],
    ]);
  });

  it('gen_ai.client.token.usage: {token}, the conventions buckets, input and output on successes only', async () => {
    driveFallback(createOpenTelemetryHooks({ meterProvider }));
    const tokens = (await collected()).get('gen_ai.client.token.usage') as HistogramMetricData;
    expect(tokens.descriptor.unit).toBe('{token}');
    const points = tokens.dataPoints.map((point) => ({ attributes: point.attributes, value: point.value as Histogram }));
    for (const point of points) expect(point.value.buckets.boundaries).toEqual([...TOKEN_BUCKETS]);
    expect(points.map((point) => [point.attributes['gen_ai.token.type'], point.attributes['gen_ai.request.model'], point.value.sum])).toEqual([
      ['input', 'claude-3-5-haiku-latest', 100],
      ['output', 'claude-3-5-haiku-latest', 20],
    ]);
  });

  it('detour.sessions and detour.attempts count by policy, outcome, model, provider and kind', async () => {
    driveFallback(createOpenTelemetryHooks({ meterProvider }));
    const byName = await collected();
    const sessions = byName.get('detour.sessions') as SumMetricData;
    expect(sessions.descriptor.unit).toBe('{session}');
    expect(sessions.dataPoints.map((point) => [point.attributes, point.value])).toEqual([
      [{ 'detour.policy.name': 'default', 'detour.outcome': 'success' }, 1],
      [{ 'detour.policy.name': 'default', 'detour.outcome': 'exhausted' }, 1],
    ]);
    const attempts = byName.get('detour.attempts') as SumMetricData;
    expect(attempts.descriptor.unit).toBe('{attempt}');
    expect(attempts.dataPoints.map((point) => [point.attributes, point.value])).toEqual([
      [{ 'gen_ai.request.model': 'gpt-4o', 'gen_ai.provider.name': 'openai', 'detour.attempt.outcome': 'failure', 'error.type': 'rate_limit' }, 1],
      [{ 'gen_ai.request.model': 'claude-3-5-haiku-latest', 'gen_ai.provider.name': 'anthropic', 'detour.attempt.outcome': 'success' }, 1],
      [{ 'gen_ai.request.model': 'gpt-4o', 'gen_ai.provider.name': 'openai', 'detour.attempt.outcome': 'failure', 'error.type': 'timeout' }, 1],
    ]);
  });

  it('follows the global meter provider, even one registered after the hooks were made', async () => {
    const hooks = createOpenTelemetryHooks();
    driveFallback(hooks);
    metrics.setGlobalMeterProvider(meterProvider);
    driveFallback(hooks);
    const sessions = (await collected()).get('detour.sessions') as SumMetricData;
    expect(sessions.dataPoints.map((point) => point.value)).toEqual([1, 1]);
  });
});
