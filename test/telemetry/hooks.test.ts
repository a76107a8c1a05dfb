/**
 * The OpenTelemetry hooks driven directly, as the executor drives them, with
 * the real SDK: names, kinds, parent links, attributes, events, statuses.
 */
import { SpanKind, SpanStatusCode, trace, type Attributes } from '@opentelemetry/api';
import { TracerProvider, InMemorySpanExporter, SamplingDecision, SimpleSpanProcessor, type Sampler } from '@opentelemetry/sdk-trace';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createOpenTelemetryHooks } from '../../src/telemetry/createOpenTelemetryHooks.js';
import { attemptInfo, fact, response, sessionInfo } from './fixtures.js';
import { createTracing, findSpan, spanTree, type TracingFixture } from './sdk.js';

let tracing: TracingFixture;
beforeEach(() => {
  tracing = createTracing();
});
afterEach(async () => {
  await tracing.shutdown();
});

describe('createOpenTelemetryHooks, spans', () => {
  it('a success on the primary: one INTERNAL session span with one CLIENT child', () => {
    const hooks = createOpenTelemetryHooks({ tracerProvider: tracing.tracerProvider });
    const session = hooks.sessionStarted(sessionInfo);
    const attempt = session.attemptStarted(attemptInfo());
    attempt.succeeded(response(), 120);
    session.ended('success', { attempts: 1, finalModel: 'gpt-4o' });

    const spans = tracing.spans();
    expect(spanTree(spans)).toEqual([
      {
        name: 'detour.session default',
        kind: 'INTERNAL',
        status: 'UNSET',
        children: [{ name: 'chat gpt-4o', kind: 'CLIENT', status: 'UNSET', children: [] }],
      },
    ]);
    const sessionSpan = findSpan(spans, 'detour.session default');
    expect(sessionSpan.kind).toBe(SpanKind.INTERNAL);
    expect(sessionSpan.attributes).toEqual({
      'detour.policy.name': 'default',
      'detour.policy.version': 'v3',
      'detour.strategy': 'sequential',
      'detour.stream': false,
      'detour.attempts': 1,
      'detour.outcome': 'success',
      'detour.final_model': 'gpt-4o',
    });
    const attemptSpan = findSpan(spans, 'chat gpt-4o');
    expect(attemptSpan.parentSpanContext?.spanId).toBe(sessionSpan.spanContext().spanId);
    expect(attemptSpan.spanContext().traceId).toBe(sessionSpan.spanContext().traceId);
    expect(attemptSpan.attributes).toEqual({
      'gen_ai.operation.name': 'chat',
      'gen_ai.provider.name': 'openai',
      'gen_ai.request.model': 'gpt-4o',
      'server.address': '127.0.0.1',
      'server.port': 4010,
      'detour.attempt.number': 1,
      'detour.attempt.reason': 'primary',
      'detour.hedged': false,
      'detour.policy.version': 'v3',
      'detour.model': 'gpt-4o',
      'detour.provider': 'openai',
      'detour.attempt.outcome': 'success',
      'gen_ai.response.model': 'gpt-4o-2024-08-06',
      'gen_ai.response.id': 'chatcmpl-1',
      'gen_ai.response.finish_reasons': ['stop'],
      'detour.finish_reason': 'stop',
      'gen_ai.usage.input_tokens': 12,
      'gen_ai.usage.output_tokens': 3,
    });
    expect(attemptSpan.status.code).toBe(SpanStatusCode.UNSET);
    expect(sessionSpan.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
  });

  it('sets the sampling-relevant attributes when the span starts (a sampler sees them)', async () => {
    const seen: { name: string; attributes: Attributes }[] = [];
    const sampler: Sampler = {
      shouldSample: (_context, _traceId, name, _kind, attributes) => {
        seen.push({ name, attributes: { ...attributes } });
        return { decision: SamplingDecision.RECORD_AND_SAMPLED };
      },
      toString: () => 'recording sampler',
    };
    const tracerProvider = new TracerProvider({ sampler, spanProcessors: [new SimpleSpanProcessor({ exporter: new InMemorySpanExporter() })] });
    const hooks = createOpenTelemetryHooks({ tracerProvider });
    const session = hooks.sessionStarted(sessionInfo);
    session.attemptStarted(attemptInfo({ providerType: 'anthropic', modelId: 'claude-3-5-haiku-latest', model: 'claude-instant' })).succeeded(response(), 1);
    session.ended('success', { attempts: 1, finalModel: 'claude-instant' });
    await tracerProvider.shutdown();
    expect(seen).toEqual([
      {
        name: 'detour.session default',
        attributes: { 'detour.policy.name': 'default', 'detour.policy.version': 'v3', 'detour.strategy': 'sequential', 'detour.stream': false },
      },
      {
        name: 'chat claude-3-5-haiku-latest',
        attributes: {
          'gen_ai.operation.name': 'chat',
          'gen_ai.provider.name': 'anthropic',
          'gen_ai.request.model': 'claude-3-5-haiku-latest',
          'server.address': '127.0.0.1',
          'server.port': 4010,
        },
      },
    ]);
  });

  it('maps provider types onto the conventions names: Gemini is generate_content', () => {
    const hooks = createOpenTelemetryHooks({ tracerProvider: tracing.tracerProvider });
    const session = hooks.sessionStarted(sessionInfo);
    for (const [providerType, modelId] of [
      ['openai', 'a'],
      ['anthropic', 'b'],
      ['google', 'c'],
      ['openai_compatible', 'd'],
    ] as const) {
      session.attemptStarted(attemptInfo({ providerType, modelId })).succeeded(response(), 1);
    }
    session.ended('success', { attempts: 4, finalModel: 'd' });
    const spans = tracing.spans();
    expect(['chat a', 'chat b', 'generate_content c', 'chat d'].map((name) => findSpan(spans, name).attributes)).toMatchObject([
      { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai' },
      { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'anthropic' },
      { 'gen_ai.operation.name': 'generate_content', 'gen_ai.provider.name': 'gcp.gemini' },
      { 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'openai' },
    ]);
  });

  it('a sequential fallback: the failed attempt is an Error with its kind and exception, backoff and skip are session events', () => {
    const hooks = createOpenTelemetryHooks({ tracerProvider: tracing.tracerProvider });
    const session = hooks.sessionStarted(sessionInfo);
    const first = session.attemptStarted(attemptInfo());
    first.failed(fact('rate_limit', 'Rate limit reached for gpt-4o', { code: 'rate_limit_exceeded' }), 30);
    session.backoff(250, 1);
    session.skipped('claude-instant', 'cooldown');
    const second = session.attemptStarted(
      attemptInfo({ model: 'gemini-pro', modelId: 'gemini-2.0-flash', providerType: 'google', provider: 'google', number: 2, reason: 'rule:honour-long-retry-after' }),
    );
    second.succeeded(response({ responseModel: 'gemini-2.0-flash', finishReason: { unified: 'stop', raw: 'STOP' } }), 80);
    session.ended('success', { attempts: 2, finalModel: 'gemini-pro' });

    const spans = tracing.spans();
    expect(spanTree(spans)).toEqual([
      {
        name: 'detour.session default',
        kind: 'INTERNAL',
        status: 'UNSET',
        children: [
          { name: 'chat gpt-4o', kind: 'CLIENT', status: 'ERROR', children: [] },
          { name: 'generate_content gemini-2.0-flash', kind: 'CLIENT', status: 'UNSET', children: [] },
        ],
      },
    ]);
    const failed = findSpan(spans, 'chat gpt-4o');
    expect(failed.status).toEqual({ code: SpanStatusCode.ERROR, message: 'RateLimitError: Rate limit reached for gpt-4o' });
    expect(failed.attributes).toMatchObject({
      'error.type': 'rate_limit',
      'detour.attempt.outcome': 'failure',
      'detour.error.status': 429,
      'detour.error.code': 'rate_limit_exceeded',
    });
    expect(failed.attributes['gen_ai.usage.input_tokens']).toBeUndefined();
    expect(failed.events.map((event) => [event.name, event.attributes])).toEqual([
      ['exception', { 'exception.type': 'RateLimitError', 'exception.message': 'Rate limit reached for gpt-4o' }],
    ]);
    const succeeded = findSpan(spans, 'generate_content gemini-2.0-flash');
    expect(succeeded.attributes).toMatchObject({
      'gen_ai.operation.name': 'generate_content',
      'gen_ai.provider.name': 'gcp.gemini',
      'detour.attempt.number': 2,
      'detour.attempt.reason': 'rule:honour-long-retry-after',
      'gen_ai.response.finish_reasons': ['STOP'],
      'detour.finish_reason': 'stop',
    });
    const sessionSpan = findSpan(spans, 'detour.session default');
    expect(sessionSpan.events.map((event) => [event.name, event.attributes])).toEqual([
      ['detour.backoff', { 'detour.backoff.delay_ms': 250, 'detour.backoff.after_attempt': 1 }],
      ['detour.skip', { 'detour.skip.model': 'claude-instant', 'detour.skip.reason': 'cooldown' }],
    ]);
    expect(sessionSpan.status.code).toBe(SpanStatusCode.UNSET);
  });

  it('parallel and hedged attempts are siblings under the session; the cancelled loser is not an error', async () => {
    const hooks = createOpenTelemetryHooks({ tracerProvider: tracing.tracerProvider });
    const session = hooks.sessionStarted({ ...sessionInfo, strategy: 'parallel' });
    const first = session.attemptStarted(attemptInfo());
    // The executor starts the hedge from inside the first attempt's context: it must still hang off the session.
    const second = await first.run(async () => {
      await Promise.resolve();
      return session.attemptStarted(attemptInfo({ model: 'gpt-3.5-turbo', modelId: 'gpt-3.5-turbo', number: 2, hedged: true, reason: 'hedge' }));
    });
    second.succeeded(response(), 40);
    first.cancelled?.(45);
    session.ended('success', { attempts: 2, finalModel: 'gpt-3.5-turbo' });

    const spans = tracing.spans();
    expect(spanTree(spans)).toEqual([
      {
        name: 'detour.session default',
        kind: 'INTERNAL',
        status: 'UNSET',
        children: [
          { name: 'chat gpt-4o', kind: 'CLIENT', status: 'UNSET', children: [] },
          { name: 'chat gpt-3.5-turbo', kind: 'CLIENT', status: 'UNSET', children: [] },
        ],
      },
    ]);
    expect(findSpan(spans, 'chat gpt-4o').attributes['detour.attempt.outcome']).toBe('cancelled');
    expect(findSpan(spans, 'chat gpt-4o').attributes['error.type']).toBeUndefined();
    expect(findSpan(spans, 'chat gpt-3.5-turbo').attributes).toMatchObject({ 'detour.hedged': true, 'detour.attempt.reason': 'hedge' });
  });

  it('an exhausted session is an Error with the last kind; an aborted one too', () => {
    const hooks = createOpenTelemetryHooks({ tracerProvider: tracing.tracerProvider });
    const exhausted = hooks.sessionStarted(sessionInfo);
    exhausted.attemptStarted(attemptInfo()).failed(fact('service_unavailable', 'down'), 3);
    exhausted.ended('exhausted', { attempts: 1, finalModel: null, error: fact('service_unavailable', 'down') });
    const aborted = hooks.sessionStarted({ ...sessionInfo, policy: 'other' });
    aborted.attemptStarted(attemptInfo()).failed(fact('aborted', 'The user aborted a request.'), 3);
    aborted.ended('aborted', { attempts: 1, finalModel: null });

    const spans = tracing.spans();
    const exhaustedSpan = findSpan(spans, 'detour.session default');
    expect(exhaustedSpan.status).toEqual({ code: SpanStatusCode.ERROR, message: 'session exhausted, last error ServiceUnavailableError' });
    expect(exhaustedSpan.attributes).toMatchObject({ 'detour.outcome': 'exhausted', 'error.type': 'service_unavailable', 'detour.attempts': 1 });
    expect(exhaustedSpan.attributes['detour.final_model']).toBeUndefined();
    const abortedSpan = findSpan(spans, 'detour.session other');
    expect(abortedSpan.status).toEqual({ code: SpanStatusCode.ERROR, message: 'session aborted' });
    expect(abortedSpan.attributes).toMatchObject({ 'detour.outcome': 'aborted', 'error.type': 'aborted' });
    expect(spans.filter((span) => span.name === 'chat gpt-4o').map((span) => span.attributes['error.type'])).toEqual(['service_unavailable', 'aborted']);
  });

  it("nests under the caller's active span and keeps context across await", async () => {
    const hooks = createOpenTelemetryHooks({ tracerProvider: tracing.tracerProvider });
    const callerTracer = tracing.tracerProvider.getTracer('caller');
    const seen: (string | undefined)[] = [];
    await callerTracer.startActiveSpan('handle request', async (callerSpan) => {
      const session = hooks.sessionStarted(sessionInfo);
      await session.run(async () => {
        await new Promise((resolve) => setImmediate(resolve));
        seen.push(trace.getActiveSpan()?.spanContext().spanId);
        const attempt = session.attemptStarted(attemptInfo());
        await attempt.run(async () => {
          await new Promise((resolve) => setImmediate(resolve));
          seen.push(trace.getActiveSpan()?.spanContext().spanId);
        });
        attempt.succeeded(response(), 1);
      });
      session.ended('success', { attempts: 1, finalModel: 'gpt-4o' });
      callerSpan.end();
    });
    const spans = tracing.spans();
    expect(spanTree(spans)).toEqual([
      {
        name: 'handle request',
        kind: 'INTERNAL',
        status: 'UNSET',
        children: [
          {
            name: 'detour.session default',
            kind: 'INTERNAL',
            status: 'UNSET',
            children: [{ name: 'chat gpt-4o', kind: 'CLIENT', status: 'UNSET', children: [] }],
          },
        ],
      },
    ]);
    expect(seen).toEqual([findSpan(spans, 'detour.session default').spanContext().spanId, findSpan(spans, 'chat gpt-4o').spanContext().spanId]);
  });

  it('ending twice, or calling after the end, records nothing more', () => {
    const hooks = createOpenTelemetryHooks({ tracerProvider: tracing.tracerProvider });
    const session = hooks.sessionStarted(sessionInfo);
    const attempt = session.attemptStarted(attemptInfo());
    attempt.succeeded(response(), 1);
    attempt.failed(fact('timeout', 'late'), 2);
    session.ended('success', { attempts: 1, finalModel: 'gpt-4o' });
    session.ended('exhausted', { attempts: 1, finalModel: null });
    session.backoff(10, 1);
    const spans = tracing.spans();
    expect(spans).toHaveLength(2);
    expect(findSpan(spans, 'chat gpt-4o').status.code).toBe(SpanStatusCode.UNSET);
    expect(findSpan(spans, 'detour.session default').events).toEqual([]);
  });
});
