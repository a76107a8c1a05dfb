/**
 * Each gateway request is a SERVER span that continues the client's W3C
 * trace and parents the executor's session span.
 */
import { propagation, SpanKind } from '@opentelemetry/api';
import { W3CTraceContextPropagator } from '@opentelemetry/core';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { createOpenTelemetryHooks } from '../../src/telemetry/createOpenTelemetryHooks.js';
import { createTracing, type TracingFixture } from '../telemetry/sdk.js';
import { gatewayFixture } from './support.js';

let tracing: TracingFixture;
beforeAll(() => {
  propagation.setGlobalPropagator(new W3CTraceContextPropagator());
  tracing = createTracing();
});
afterAll(async () => {
  propagation.disable();
  await tracing.shutdown();
});

const TRACE_ID = '4bf92f3577b34da6a3ce929d0e0e4736';
const PARENT_ID = '00f067aa0ba902b7';

describe('gateway tracing', () => {
  it('continues the traceparent, and the session span is a child of the server span', async () => {
    const fixture = await gatewayFixture({
      gateway: { tracerProvider: tracing.tracerProvider },
      executor: { telemetry: createOpenTelemetryHooks({ tracerProvider: tracing.tracerProvider }) },
    });
    try {
      const messages = [{ role: 'user' as const, content: 'Hi' }];
      await fixture.openai().chat.completions.create({ model: 'default', messages }, { headers: { traceparent: `00-${TRACE_ID}-${PARENT_ID}-01` } });
      const stream = await fixture.anthropic().messages.create({ model: 'default', max_tokens: 9, messages, stream: true });
      for await (const event of stream) void event;
    } finally {
      await fixture.close();
    }
    const spans = tracing.spans();
    const servers = spans.filter((span) => span.kind === SpanKind.SERVER);
    expect(servers.map((span) => span.name)).toEqual(['POST /v1/chat/completions', 'POST /v1/messages']);
    const [first, second] = servers;
    expect(first!.spanContext().traceId).toBe(TRACE_ID);
    expect(first!.parentSpanContext?.spanId).toBe(PARENT_ID);
    expect(first!.attributes['http.response.status_code']).toBe(200);
    for (const server of [first!, second!]) {
      const session = spans.find((span) => span.name === 'detour.session default' && span.parentSpanContext?.spanId === server.spanContext().spanId);
      expect(session, server.name).toBeDefined();
      expect(spans.some((span) => span.kind === SpanKind.CLIENT && span.parentSpanContext?.spanId === session!.spanContext().spanId)).toBe(true);
    }
    expect(second!.spanContext().traceId).not.toBe(TRACE_ID);
  });
});
