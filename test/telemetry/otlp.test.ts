/**
 * The CLI's OTLP/HTTP export against a receiver started here: the JSON
 * payload decodes to the same span tree the in-memory tests see.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, afterEach, beforeAll, describe, expect, it } from 'vitest';
import { otlpTracesConfigured, setupCliTelemetry } from '../../src/cli/otel.js';
import type { TelemetryHooks } from '../../src/telemetry/hooks.js';
import { attemptInfo, fact, response, sessionInfo } from './fixtures.js';

interface OtlpAnyValue {
  stringValue?: string;
  intValue?: number | string;
  boolValue?: boolean;
  doubleValue?: number;
  arrayValue?: { values?: OtlpAnyValue[] };
}
interface OtlpKeyValue {
  key: string;
  value: OtlpAnyValue;
}
interface OtlpSpan {
  traceId: string;
  spanId: string;
  parentSpanId?: string;
  name: string;
  kind: number;
  attributes?: OtlpKeyValue[];
  events?: { name: string; attributes?: OtlpKeyValue[] }[];
  status?: { code?: number; message?: string };
}
interface OtlpPayload {
  resourceSpans: { resource: { attributes: OtlpKeyValue[] }; scopeSpans: { scope: { name: string; version?: string }; spans: OtlpSpan[] }[] }[];
}

function plain(value: OtlpAnyValue): unknown {
  if (value.stringValue !== undefined) return value.stringValue;
  if (value.intValue !== undefined) return Number(value.intValue);
  if (value.boolValue !== undefined) return value.boolValue;
  if (value.doubleValue !== undefined) return value.doubleValue;
  if (value.arrayValue !== undefined) return (value.arrayValue.values ?? []).map(plain);
  return undefined;
}

function attributesOf(list: readonly OtlpKeyValue[] | undefined): Record<string, unknown> {
  return Object.fromEntries((list ?? []).map((entry) => [entry.key, plain(entry.value)]));
}

interface Received {
  readonly path: string;
  readonly contentType: string | undefined;
  readonly payload: OtlpPayload;
}

let server: Server;
let received: Received[] = [];
let endpoint: string;
const savedEnvironment = { ...process.env };

beforeAll(async () => {
  server = createServer((request, reply) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      received.push({
        path: request.url ?? '',
        contentType: request.headers['content-type'],
        payload: JSON.parse(Buffer.concat(chunks).toString('utf8')) as OtlpPayload,
      });
      reply.writeHead(200, { 'content-type': 'application/json' }).end('{}');
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  await new Promise<void>((resolve) => server.close(() => resolve()));
});
afterEach(() => {
  received = [];
  for (const key of Object.keys(process.env)) if (!(key in savedEnvironment)) delete process.env[key];
  Object.assign(process.env, savedEnvironment);
});

async function driveFallback(hooks: TelemetryHooks): Promise<void> {
  const session = hooks.sessionStarted(sessionInfo);
  await session.run(async () => {
    const first = session.attemptStarted(attemptInfo());
    await first.run(() => Promise.resolve());
    first.failed(fact('rate_limit', 'Rate limit reached'), 20);
    session.backoff(100, 1);
    const second = session.attemptStarted(attemptInfo({ number: 2, model: 'claude-instant', modelId: 'claude-3-5-haiku-latest', providerType: 'anthropic', reason: 'strategy:sequential' }));
    second.succeeded(response({ responseModel: 'claude-3-5-haiku-20241022' }), 50);
  });
  session.ended('success', { attempts: 2, finalModel: 'claude-instant' });
}

describe('setupCliTelemetry', () => {
  it('returns null when no OTLP endpoint is configured', async () => {
    delete process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
    delete process.env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'];
    expect(await setupCliTelemetry()).toBeNull();
  });

  it('OTEL_SDK_DISABLED=true wins over an endpoint', () => {
    expect(otlpTracesConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint })).toBe(true);
    expect(otlpTracesConfigured({ OTEL_EXPORTER_OTLP_TRACES_ENDPOINT: endpoint })).toBe(true);
    expect(otlpTracesConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint, OTEL_SDK_DISABLED: 'true' })).toBe(false);
    expect(otlpTracesConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: '  ' })).toBe(false);
  });

  it('exports the session tree as OTLP/HTTP JSON, with OTEL_SERVICE_NAME honoured', async () => {
    process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = endpoint;
    process.env['OTEL_SERVICE_NAME'] = 'checkout-api';
    const telemetry = await setupCliTelemetry();
    expect(telemetry).not.toBeNull();
    await driveFallback(telemetry!.hooks);
    await telemetry!.shutdown();

    expect(received.map((request) => [request.path, request.contentType])).toEqual([['/v1/traces', 'application/json']]);
    const resourceSpans = received.flatMap((request) => request.payload.resourceSpans);
    expect(attributesOf(resourceSpans[0]?.resource.attributes)['service.name']).toBe('checkout-api');
    const scopes = resourceSpans.flatMap((entry) => entry.scopeSpans);
    expect(scopes.map((scope) => scope.scope.name)).toEqual(['detour']);
    const spans = scopes.flatMap((scope) => scope.spans);
    expect(spans).toHaveLength(3);

    const sessionSpan = spans.find((span) => span.name === 'detour.session default');
    const failed = spans.find((span) => span.name === 'chat gpt-4o');
    const succeeded = spans.find((span) => span.name === 'chat claude-3-5-haiku-latest');
    expect(sessionSpan?.kind).toBe(1);
    expect(sessionSpan?.parentSpanId ?? '').toBe('');
    expect(failed?.kind).toBe(3);
    expect(succeeded?.kind).toBe(3);
    expect(failed?.parentSpanId).toBe(sessionSpan?.spanId);
    expect(succeeded?.parentSpanId).toBe(sessionSpan?.spanId);
    expect(new Set(spans.map((span) => span.traceId)).size).toBe(1);

    expect(attributesOf(sessionSpan?.attributes)).toMatchObject({
      'detour.policy.name': 'default',
      'detour.policy.version': 'v3',
      'detour.outcome': 'success',
      'detour.attempts': 2,
      'detour.final_model': 'claude-instant',
    });
    expect(sessionSpan?.events?.map((event) => [event.name, attributesOf(event.attributes)])).toEqual([
      ['detour.backoff', { 'detour.backoff.delay_ms': 100, 'detour.backoff.after_attempt': 1 }],
    ]);
    expect(failed?.status?.code).toBe(2);
    expect(attributesOf(failed?.attributes)).toMatchObject({ 'error.type': 'rate_limit', 'detour.attempt.number': 1, 'detour.attempt.reason': 'primary' });
    expect(failed?.events?.map((event) => event.name)).toEqual(['exception']);
    expect(attributesOf(succeeded?.attributes)).toMatchObject({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'anthropic',
      'gen_ai.request.model': 'claude-3-5-haiku-latest',
      'gen_ai.response.model': 'claude-3-5-haiku-20241022',
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 3,
      'gen_ai.response.finish_reasons': ['stop'],
      'server.address': '127.0.0.1',
      'server.port': 4010,
      'detour.attempt.reason': 'strategy:sequential',
      'detour.policy.version': 'v3',
    });
  });

  it("defaults service.name to 'detour' and accepts the traces-specific endpoint", async () => {
    delete process.env['OTEL_EXPORTER_OTLP_ENDPOINT'];
    delete process.env['OTEL_SERVICE_NAME'];
    process.env['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] = `${endpoint}/custom/traces`;
    const telemetry = await setupCliTelemetry();
    await driveFallback(telemetry!.hooks);
    await telemetry!.shutdown();
    expect(received.map((request) => request.path)).toEqual(['/custom/traces']);
    expect(attributesOf(received[0]?.payload.resourceSpans[0]?.resource.attributes)['service.name']).toBe('detour');
  });

  it('a collector that is down costs the command nothing: shutdown still resolves', async () => {
    process.env['OTEL_EXPORTER_OTLP_ENDPOINT'] = 'http://127.0.0.1:9';
    // The exporter retries refused connections until this deadline (10 s by default).
    process.env['OTEL_EXPORTER_OTLP_TIMEOUT'] = '200';
    const telemetry = await setupCliTelemetry();
    await driveFallback(telemetry!.hooks);
    await expect(telemetry!.shutdown()).resolves.toBeUndefined();
  });
});
