/**
 * Metric names and shapes in both conventions versions, with the real
 * metrics SDK: v1.41 by default, only the latest names on opt-in (and none
 * of the v1.41 ones that changed), time to first chunk in both.
 */
import { metrics, type Attributes } from '@opentelemetry/api';
import { DataPointType, type Histogram, type HistogramMetricData, type MetricData, type SumMetricData } from '@opentelemetry/sdk-metrics';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import type { SemanticConventions } from '../../src/telemetry/conventions.js';
import { createOpenTelemetryHooks } from '../../src/telemetry/createOpenTelemetryHooks.js';
import { DURATION_BUCKETS, TOKEN_BUCKETS } from '../../src/telemetry/names.js';
import { attemptInfo, fact, response, sessionInfo } from './fixtures.js';
import { createMetrics, type MetricsFixture } from './sdk.js';

let fixture: MetricsFixture;
beforeEach(() => {
  fixture = createMetrics();
});
afterEach(async () => {
  await fixture.shutdown();
  metrics.disable();
});

function collected(): Promise<Map<string, MetricData>> {
  return fixture.collect();
}

const COMMON = {
  'gen_ai.operation.name': 'chat',
  'gen_ai.provider.name': 'openai',
  'gen_ai.request.model': 'gpt-4o',
  'server.address': '127.0.0.1',
  'server.port': 4010,
};

/**
 * A streamed success with cached and reasoning counts (first chunk after
 * 250 ms), a failure after 100 ms, a success with no usage reported, and an
 * attempt detour cancelled.
 */
function drive(semanticConventions: SemanticConventions): void {
  const hooks = createOpenTelemetryHooks({ meterProvider: fixture.meterProvider, semanticConventions });
  const session = hooks.sessionStarted({ ...sessionInfo, stream: true });
  const streamed = session.attemptStarted(attemptInfo());
  streamed.firstChunk?.(250);
  const usage = { inputTokens: 1000, outputTokens: 200, cachedInputTokens: 800, reasoningTokens: 50 };
  streamed.succeeded(response({ usage }), 2000);
  session.attemptStarted(attemptInfo({ number: 2 })).failed(fact('rate_limit', 'slow down'), 100);
  session.attemptStarted(attemptInfo({ number: 3 })).succeeded(response({ usage: { inputTokens: null, outputTokens: null } }), 500);
  session.attemptStarted(attemptInfo({ number: 4 })).cancelled?.(50);
  session.ended('success', { attempts: 4, finalModel: 'gpt-4o' });
}

function histogramPoints(metric: MetricData | undefined): [Attributes, number, number][] {
  const histogram = metric as HistogramMetricData;
  expect(histogram.dataPointType).toBe(DataPointType.HISTOGRAM);
  return histogram.dataPoints.map((point) => [point.attributes, (point.value as Histogram).count, (point.value as Histogram).sum ?? Number.NaN]);
}

function sumPoints(metric: MetricData | undefined): [Attributes, number][] {
  const sum = metric as SumMetricData;
  expect(sum.dataPointType).toBe(DataPointType.SUM);
  expect(sum.isMonotonic).toBe(true);
  return sum.dataPoints.map((point) => [point.attributes, point.value]);
}

const V1_41_ONLY = ['gen_ai.client.operation.duration', 'gen_ai.client.token.usage', 'gen_ai.client.operation.time_to_first_chunk'];
const LATEST_ONLY = [
  'gen_ai.client.inference.duration',
  'gen_ai.client.inference.time_to_first_chunk',
  'gen_ai.client.inference.usage.input_tokens',
  'gen_ai.client.inference.usage.output_tokens',
  'gen_ai.client.inference.usage.cache_read.input_tokens',
  'gen_ai.client.inference.usage.reasoning.output_tokens',
  'gen_ai.client.inference.operation.input_tokens',
  'gen_ai.client.inference.operation.output_tokens',
];

describe('v1.41 (the default)', () => {
  it('the v1.41 instruments only, and detour’s counters', async () => {
    drive('v1.41');
    expect([...(await collected()).keys()].sort()).toEqual([...V1_41_ONLY, 'detour.attempts', 'detour.sessions'].sort());
  });

  it('gen_ai.client.operation.time_to_first_chunk: seconds, the duration buckets, streamed attempts only', async () => {
    drive('v1.41');
    const metric = (await collected()).get('gen_ai.client.operation.time_to_first_chunk') as HistogramMetricData;
    expect(metric.descriptor.unit).toBe('s');
    expect((metric.dataPoints[0]?.value as Histogram).buckets.boundaries).toEqual([...DURATION_BUCKETS]);
    expect(histogramPoints(metric)).toEqual([[{ ...COMMON, 'gen_ai.response.model': 'gpt-4o-2024-08-06' }, 1, 0.25]]);
  });

  it('gen_ai.client.token.usage: input and output of answers that reported usage, no detail types', async () => {
    drive('v1.41');
    const points = histogramPoints((await collected()).get('gen_ai.client.token.usage'));
    expect(points.map(([attributes, count, sum]) => [attributes['gen_ai.token.type'], count, sum])).toEqual([
      ['input', 1, 1000],
      ['output', 1, 200],
    ]);
  });
});

describe('latest (OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental)', () => {
  it('the latest instruments only: none of the v1.41 names that changed', async () => {
    drive('latest');
    expect([...(await collected()).keys()].sort()).toEqual([...LATEST_ONLY, 'detour.attempts', 'detour.sessions'].sort());
  });

  it('gen_ai.client.inference.duration: as v1.41’s operation duration, cancelled attempts left out', async () => {
    drive('latest');
    const metric = (await collected()).get('gen_ai.client.inference.duration') as HistogramMetricData;
    expect(metric.descriptor.unit).toBe('s');
    expect((metric.dataPoints[0]?.value as Histogram).buckets.boundaries).toEqual([...DURATION_BUCKETS]);
    expect(histogramPoints(metric)).toEqual([
      [{ ...COMMON, 'gen_ai.response.model': 'gpt-4o-2024-08-06' }, 2, 2.5],
      [{ ...COMMON, 'error.type': 'rate_limit' }, 1, 0.1],
    ]);
  });

  it('gen_ai.client.inference.time_to_first_chunk', async () => {
    drive('latest');
    expect(histogramPoints((await collected()).get('gen_ai.client.inference.time_to_first_chunk'))).toEqual([
      [{ ...COMMON, 'gen_ai.response.model': 'gpt-4o-2024-08-06' }, 1, 0.25],
    ]);
  });

  it('usage counters: every finished operation counts (0 when no usage came), modality unknown, no error.type', async () => {
    drive('latest');
    const byName = await collected();
    const answered = { ...COMMON, 'gen_ai.response.model': 'gpt-4o-2024-08-06', 'gen_ai.token.modality': 'unknown' };
    const failed = { ...COMMON, 'gen_ai.token.modality': 'unknown' };
    expect(byName.get('gen_ai.client.inference.usage.input_tokens')?.descriptor.unit).toBe('{token}');
    expect(sumPoints(byName.get('gen_ai.client.inference.usage.input_tokens'))).toEqual([
      [answered, 1000],
      [failed, 0],
    ]);
    expect(sumPoints(byName.get('gen_ai.client.inference.usage.output_tokens'))).toEqual([
      [answered, 200],
      [failed, 0],
    ]);
    // Only where the adapter reported a count: a 0 would claim the provider said so.
    expect(sumPoints(byName.get('gen_ai.client.inference.usage.cache_read.input_tokens'))).toEqual([[answered, 800]]);
    expect(sumPoints(byName.get('gen_ai.client.inference.usage.reasoning.output_tokens'))).toEqual([[answered, 50]]);
  });

  it('per-operation token histograms: the token buckets, error.type on failures, no modality', async () => {
    drive('latest');
    const byName = await collected();
    const input = byName.get('gen_ai.client.inference.operation.input_tokens') as HistogramMetricData;
    expect(input.descriptor.unit).toBe('{token}');
    expect((input.dataPoints[0]?.value as Histogram).buckets.boundaries).toEqual([...TOKEN_BUCKETS]);
    expect(histogramPoints(input)).toEqual([
      [{ ...COMMON, 'gen_ai.response.model': 'gpt-4o-2024-08-06' }, 2, 1000],
      [{ ...COMMON, 'error.type': 'rate_limit' }, 1, 0],
    ]);
    expect(histogramPoints(byName.get('gen_ai.client.inference.operation.output_tokens'))).toEqual([
      [{ ...COMMON, 'gen_ai.response.model': 'gpt-4o-2024-08-06' }, 2, 200],
      [{ ...COMMON, 'error.type': 'rate_limit' }, 1, 0],
    ]);
  });

  it('detour’s own counters keep their names', async () => {
    drive('latest');
    const byName = await collected();
    expect(sumPoints(byName.get('detour.sessions'))).toEqual([[{ 'detour.policy.name': 'default', 'detour.outcome': 'success' }, 1]]);
    expect(sumPoints(byName.get('detour.attempts')).map(([attributes, value]) => [attributes['detour.attempt.outcome'], value])).toEqual([
      ['success', 2],
      ['failure', 1],
      ['cancelled', 1],
    ]);
  });
});
