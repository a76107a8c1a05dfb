/**
 * What lands in spans: never an API key, message content only on opt-in.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { ProviderCallError } from '../../src/errors/ProviderCallError.js';
import { createOpenTelemetryHooks } from '../../src/telemetry/createOpenTelemetryHooks.js';
import { attemptInfo, fact, response, sessionInfo } from './fixtures.js';
import { createTracing, findSpan, spansAsJson, type TracingFixture } from './sdk.js';

const API_KEY = 'sk-test-SECRET0123456789abcdefABCDEF';
const GOOGLE_KEY = 'AIzaSyTESTSECRET0123456789abcdefghijk';

let tracing: TracingFixture;
beforeEach(() => {
  tracing = createTracing();
});
afterEach(async () => {
  await tracing.shutdown();
});

describe('secrets', () => {
  it('no span, event or attribute holds the API key, even when the provider echoes it', () => {
    const hooks = createOpenTelemetryHooks({ tracerProvider: tracing.tracerProvider });
    const session = hooks.sessionStarted(sessionInfo);
    const echoed = fact('authentication', `Incorrect API key provided: ${API_KEY}. You can find your API key at https://platform.openai.com.`, {
      status: 401,
      code: `invalid_api_key ${API_KEY}`,
      sdkError: 'AuthenticationError',
      raw: { error: { message: `Incorrect API key provided: ${API_KEY}` } },
    });
    const first = session.attemptStarted(attemptInfo());
    first.failed(echoed, 12, new ProviderCallError(echoed, { cause: new Error(`401 ${API_KEY}`) }));
    const googleEcho = fact('invalid_request', `API key not valid. Please pass a valid API key. key=${GOOGLE_KEY}`, { status: 400, sdkError: 'ApiError' });
    const second = session.attemptStarted(attemptInfo({ number: 2, providerType: 'google', modelId: 'gemini-2.0-flash' }));
    second.failed(googleEcho, 9, new ProviderCallError(googleEcho));
    session.ended('rejected', { attempts: 2, finalModel: null, error: googleEcho });

    const json = spansAsJson(tracing.spans());
    expect(json).not.toContain('SECRET');
    expect(json).not.toContain(API_KEY.slice(0, 12));
    expect(json).not.toContain(GOOGLE_KEY.slice(0, 10));
    // The rest of the message survives, so the failure is still readable.
    const failed = findSpan(tracing.spans(), 'chat gpt-4o');
    expect(failed.events[0]?.attributes?.['exception.message']).toContain('Incorrect API key provided: [REDACTED]');
    expect(failed.attributes['error.type']).toBe('authentication');
  });

  it('records no message content unless asked', () => {
    const hooks = createOpenTelemetryHooks({ tracerProvider: tracing.tracerProvider, captureContent: false });
    expect(hooks.captureContent).toBe(false);
    const session = hooks.sessionStarted(sessionInfo);
    session.attemptStarted(attemptInfo()).succeeded(response({ text: 'the secret plan' }), 1);
    session.ended('success', { attempts: 1, finalModel: 'gpt-4o' });
    const json = spansAsJson(tracing.spans());
    expect(json).not.toContain('the secret plan');
    expect(json).not.toContain('gen_ai.input.messages');
    expect(json).not.toContain('gen_ai.output.messages');
  });
});

describe('content capture', () => {
  it('records input and output messages in the conventions schema when the attempt carries messages', () => {
    const hooks = createOpenTelemetryHooks({ tracerProvider: tracing.tracerProvider, captureContent: true });
    expect(hooks.captureContent).toBe(true);
    const session = hooks.sessionStarted(sessionInfo);
    const attempt = session.attemptStarted(
      attemptInfo({
        messages: [
          { role: 'system', content: 'Be brief.' },
          { role: 'user', content: [{ type: 'text', text: 'Hello?' }, { type: 'text', text: 'Anyone?' }] },
        ],
      }),
    );
    attempt.succeeded(response({ text: 'Hi.', finishReason: { unified: 'length', raw: 'max_tokens' } }), 1);
    session.ended('success', { attempts: 1, finalModel: 'gpt-4o' });
    const span = findSpan(tracing.spans(), 'chat gpt-4o');
    expect(JSON.parse(String(span.attributes['gen_ai.input.messages']))).toEqual([
      { role: 'system', parts: [{ type: 'text', content: 'Be brief.' }] },
      {
        role: 'user',
        parts: [
          { type: 'text', content: 'Hello?' },
          { type: 'text', content: 'Anyone?' },
        ],
      },
    ]);
    expect(JSON.parse(String(span.attributes['gen_ai.output.messages']))).toEqual([
      { role: 'assistant', parts: [{ type: 'text', content: 'Hi.' }], finish_reason: 'length' },
    ]);
    expect(span.attributes['gen_ai.response.finish_reasons']).toEqual(['max_tokens']);
  });

  it.each([
    ['v1.41', { finish_reason: 'tool_call' }],
    ['latest', {}],
  ] as const)('tool calls, tool results, reasoning and image URLs as the schema parts (%s); inline images and files are left out', (semanticConventions, finish) => {
    const hooks = createOpenTelemetryHooks({ tracerProvider: tracing.tracerProvider, captureContent: true, semanticConventions });
    const session = hooks.sessionStarted(sessionInfo);
    const attempt = session.attemptStarted(
      attemptInfo({
        messages: [
          {
            role: 'user',
            content: [
              { type: 'text', text: 'What is in this picture, and the weather there?' },
              { type: 'image', image: 'https://example.com/paris.png', mediaType: 'image/png' },
              { type: 'image', image: new Uint8Array([137, 80, 78, 71]), mediaType: 'image/png' },
              { type: 'file', data: 'JVBERi0xLjQK', mediaType: 'application/pdf' },
            ],
          },
          { role: 'assistant', content: [{ type: 'tool-call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }] },
          { role: 'tool', content: [{ type: 'tool-result', id: 'call_1', name: 'get_weather', result: { temperature: 21 } }] },
        ],
      }),
    );
    attempt.succeeded(
      response({
        text: '',
        content: [
          { type: 'reasoning', text: 'Paris, then the forecast.' },
          { type: 'reasoning', text: '', redactedData: 'opaque' },
          { type: 'tool-call', id: 'call_2', name: 'get_forecast', arguments: { city: 'Paris', days: 2 } },
        ],
        finishReason: { unified: 'tool_calls', raw: 'tool_calls' },
      }),
      1,
    );
    session.ended('success', { attempts: 1, finalModel: 'gpt-4o' });
    const span = findSpan(tracing.spans(), 'chat gpt-4o');
    expect(JSON.parse(String(span.attributes['gen_ai.input.messages']))).toEqual([
      {
        role: 'user',
        parts: [
          { type: 'text', content: 'What is in this picture, and the weather there?' },
          { type: 'uri', modality: 'image', uri: 'https://example.com/paris.png', mime_type: 'image/png' },
        ],
      },
      { role: 'assistant', parts: [{ type: 'tool_call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }] },
      { role: 'tool', parts: [{ type: 'tool_call_response', id: 'call_1', response: { temperature: 21 } }] },
    ]);
    expect(JSON.parse(String(span.attributes['gen_ai.output.messages']))).toEqual([
      {
        role: 'assistant',
        parts: [
          { type: 'reasoning', content: 'Paris, then the forecast.' },
          { type: 'tool_call', id: 'call_2', name: 'get_forecast', arguments: { city: 'Paris', days: 2 } },
        ],
        ...finish,
      },
    ]);
  });

  it('OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true turns it on; an explicit option wins', () => {
    const saved = process.env['OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT'];
    try {
      process.env['OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT'] = 'true';
      expect(createOpenTelemetryHooks({ tracerProvider: tracing.tracerProvider }).captureContent).toBe(true);
      expect(createOpenTelemetryHooks({ tracerProvider: tracing.tracerProvider, captureContent: false }).captureContent).toBe(false);
      process.env['OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT'] = 'false';
      expect(createOpenTelemetryHooks({ tracerProvider: tracing.tracerProvider }).captureContent).toBe(false);
    } finally {
      if (saved === undefined) delete process.env['OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT'];
      else process.env['OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT'] = saved;
    }
  });

  it('a failed attempt records its input but no output', () => {
    const hooks = createOpenTelemetryHooks({ tracerProvider: tracing.tracerProvider, captureContent: true });
    const session = hooks.sessionStarted(sessionInfo);
    session.attemptStarted(attemptInfo({ messages: [{ role: 'user', content: 'Hi' }] })).failed(fact('timeout', 'timed out'), 1);
    session.ended('exhausted', { attempts: 1, finalModel: null });
    const span = findSpan(tracing.spans(), 'chat gpt-4o');
    expect(span.attributes['gen_ai.input.messages']).toBe('[{"role":"user","parts":[{"type":"text","content":"Hi"}]}]');
    expect(span.attributes['gen_ai.output.messages']).toBeUndefined();
  });
});

describe('tools on the attempt span', () => {
  it('records the tool definitions count and the called tools names, without content capture', () => {
    const hooks = createOpenTelemetryHooks({ tracerProvider: tracing.tracerProvider, captureContent: false });
    const session = hooks.sessionStarted(sessionInfo);
    const answer = { ...response({ text: '' }), content: [], toolCalls: [{ id: 'c1', name: 'get_weather', arguments: { city: 'Paris' } }, { id: 'c2', name: 'get_time', arguments: {} }] };
    session.attemptStarted(attemptInfo({ toolCount: 10 })).succeeded(answer, 1);
    session.ended('success', { attempts: 1, finalModel: 'gpt-4o' });
    const span = findSpan(tracing.spans(), 'chat gpt-4o');
    expect(span.attributes['detour.request.tool_count']).toBe(10);
    expect(span.attributes['detour.response.tool_calls']).toEqual(['get_weather', 'get_time']);
    expect(spansAsJson(tracing.spans())).not.toContain('Paris');
  });
});
