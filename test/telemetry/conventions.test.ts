/**
 * Which GenAI conventions the hooks emit (v1.41 by default, the latest on
 * opt-in), the well-known provider and operation names, and the attributes
 * both versions share: request parameters, streaming, time to first chunk,
 * cached and reasoning tokens. Real SDK, in-memory exporter.
 */
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { conventionsFromEnvironment } from '../../src/telemetry/conventions.js';
import { createOpenTelemetryHooks } from '../../src/telemetry/createOpenTelemetryHooks.js';
import { genAiOperationName, genAiProviderName } from '../../src/telemetry/genAiProviderName.js';
import { attemptInfo, fact, response, sessionInfo } from './fixtures.js';
import { createTracing, findSpan, type TracingFixture } from './sdk.js';

let tracing: TracingFixture;
beforeEach(() => {
  tracing = createTracing();
});
afterEach(async () => {
  await tracing.shutdown();
});

describe('OTEL_SEMCONV_STABILITY_OPT_IN', () => {
  it.each([
    [undefined, 'v1.41'],
    ['', 'v1.41'],
    ['http', 'v1.41'],
    ['gen_ai_latest_experimental', 'latest'],
    ['http,gen_ai_latest_experimental', 'latest'],
    [' database , gen_ai_latest_experimental ', 'latest'],
    ['gen_ai_latest_experimental_extra', 'v1.41'],
    ['gen_ai', 'v1.41'],
  ] as const)('%j → %s', (value, expected) => {
    expect(conventionsFromEnvironment(value === undefined ? {} : { OTEL_SEMCONV_STABILITY_OPT_IN: value })).toBe(expected);
  });

  it('is read once, when the hooks are made; the option wins over it', () => {
    const saved = process.env['OTEL_SEMCONV_STABILITY_OPT_IN'];
    try {
      process.env['OTEL_SEMCONV_STABILITY_OPT_IN'] = 'gen_ai_latest_experimental';
      const latest = createOpenTelemetryHooks({ tracerProvider: tracing.tracerProvider, captureContent: true });
      const pinned = createOpenTelemetryHooks({ tracerProvider: tracing.tracerProvider, captureContent: true, semanticConventions: 'v1.41' });
      delete process.env['OTEL_SEMCONV_STABILITY_OPT_IN'];
      for (const [hooks, model] of [
        [latest, 'latest'],
        [pinned, 'pinned'],
      ] as const) {
        const session = hooks.sessionStarted(sessionInfo);
        session.attemptStarted(attemptInfo({ modelId: model, messages: [{ role: 'user', content: 'Hi' }] })).succeeded(response(), 5);
        session.ended('success', { attempts: 1, finalModel: model });
      }
      // The output messages tell the versions apart: v1.41 requires finish_reason, the latest deprecates it.
      expect(findSpan(tracing.spans(), 'chat latest').attributes['gen_ai.output.messages']).toBe('[{"role":"assistant","parts":[{"type":"text","content":"Hello there"}]}]');
      expect(findSpan(tracing.spans(), 'chat pinned').attributes['gen_ai.output.messages']).toBe(
        '[{"role":"assistant","parts":[{"type":"text","content":"Hello there"}],"finish_reason":"stop"}]',
      );
    } finally {
      if (saved === undefined) delete process.env['OTEL_SEMCONV_STABILITY_OPT_IN'];
      else process.env['OTEL_SEMCONV_STABILITY_OPT_IN'] = saved;
    }
  });
});

describe('well-known provider and operation names', () => {
  it.each([
    // [adapter type, server.address, provider_config key, gen_ai.provider.name]
    ['openai', 'api.openai.com', 'openai', 'openai'],
    ['openai', '127.0.0.1', 'openai', 'openai'],
    ['anthropic', 'api.anthropic.com', 'anthropic', 'anthropic'],
    ['google', 'generativelanguage.googleapis.com', 'google', 'gcp.gemini'],
    ['google', null, 'google', 'gcp.gemini'],
    ['google', 'us-central1-aiplatform.googleapis.com', 'google', 'gcp.vertex_ai'],
    ['google', 'aiplatform.googleapis.com', 'google', 'gcp.vertex_ai'],
    ['openai_compatible', 'my-resource.openai.azure.com', 'azure', 'azure.ai.openai'],
    ['openai_compatible', 'my-resource.cognitiveservices.azure.com', 'local', 'azure.ai.openai'],
    ['openai_compatible', 'my-project.services.ai.azure.com', 'foundry', 'azure.ai.inference'],
    ['openai_compatible', 'api.groq.com', 'fast', 'groq'],
    ['openai_compatible', 'api.deepseek.com', 'ds', 'deepseek'],
    ['openai_compatible', 'api.mistral.ai', 'eu', 'mistral_ai'],
    ['openai_compatible', 'api.x.ai', 'grok', 'x_ai'],
    ['openai_compatible', 'api.perplexity.ai', 'search', 'perplexity'],
    ['openai_compatible', 'api.moonshot.ai', 'kimi', 'moonshot_ai'],
    ['openai_compatible', 'api.cohere.ai', 'c', 'cohere'],
    ['openai_compatible', 'generativelanguage.googleapis.com', 'gemini-openai', 'gcp.gemini'],
    ['openai_compatible', 'bedrock-runtime.us-east-1.amazonaws.com', 'aws', 'aws.bedrock'],
    ['openai_compatible', 's3.amazonaws.com', 'store', 'openai'],
    ['openai_compatible', 'API.GROQ.COM', 'x', 'groq'],
    // A proxy or a local gateway: the provider_config key names the service.
    ['openai_compatible', '127.0.0.1', 'groq', 'groq'],
    ['openai_compatible', 'localhost', 'DeepSeek-Proxy', 'deepseek'],
    ['openai_compatible', 'gateway.internal', 'mistral_eu', 'mistral_ai'],
    ['openai_compatible', 'gateway.internal', 'xai', 'x_ai'],
    ['openai_compatible', 'gateway.internal', 'azure-openai', 'azure.ai.openai'],
    // Nothing recognisable: the wire format it speaks.
    ['openai_compatible', 'localhost', 'ollama', 'openai'],
    ['openai_compatible', null, 'local', 'openai'],
    // Adapter types to come.
    ['azure_openai', 'my-resource.openai.azure.com', 'azure', 'azure.ai.openai'],
    ['vertex', 'us-central1-aiplatform.googleapis.com', 'vertex', 'gcp.vertex_ai'],
    ['bedrock', 'bedrock-runtime.eu-west-1.amazonaws.com', 'bedrock', 'aws.bedrock'],
    // AI SDK models: named from the model's own `provider` (`mistral.chat`).
    ['ai_sdk', null, 'groq.chat', 'groq'],
    ['ai_sdk', null, 'mistral.chat', 'mistral_ai'],
    ['ai_sdk', null, 'custom.chat', 'custom'],
    ['ai_sdk', null, null, 'ai_sdk'],
  ] as const)('%s at %s (key %s) → %s', (providerType, serverAddress, providerKey, expected) => {
    expect(genAiProviderName(providerType, serverAddress, providerKey)).toBe(expected);
  });

  it.each([
    ['openai', 'chat'],
    ['anthropic', 'chat'],
    ['openai_compatible', 'chat'],
    ['google', 'generate_content'],
    ['vertex', 'generate_content'],
  ] as const)('%s → %s', (providerType, expected) => {
    expect(genAiOperationName(providerType)).toBe(expected);
  });

  it('Vertex AI: Gemini is generate_content, Claude (Anthropic Messages) is chat', () => {
    expect(genAiOperationName('vertex', 'gemini-2.5-flash')).toBe('generate_content');
    expect(genAiOperationName('vertex', 'claude-sonnet-4@20250514')).toBe('chat');
    expect(genAiProviderName('vertex', '127.0.0.1', 'backup')).toBe('gcp.vertex_ai');
    expect(genAiProviderName('azure_openai', '127.0.0.1', 'backup')).toBe('azure.ai.openai');
  });

  it('the attempt span carries them from the start, named after the operation', () => {
    const hooks = createOpenTelemetryHooks({ tracerProvider: tracing.tracerProvider });
    const session = hooks.sessionStarted(sessionInfo);
    session
      .attemptStarted(attemptInfo({ providerType: 'openai_compatible', provider: 'fast', modelId: 'llama-3.3-70b-versatile', serverAddress: 'api.groq.com', serverPort: 443 }))
      .succeeded(response(), 5);
    session.attemptStarted(attemptInfo({ providerType: 'google', provider: 'google', modelId: 'gemini-2.0-flash', serverAddress: 'generativelanguage.googleapis.com' })).succeeded(response(), 5);
    session.ended('success', { attempts: 2, finalModel: 'x' });
    expect(findSpan(tracing.spans(), 'chat llama-3.3-70b-versatile').attributes).toMatchObject({ 'gen_ai.operation.name': 'chat', 'gen_ai.provider.name': 'groq' });
    expect(findSpan(tracing.spans(), 'generate_content gemini-2.0-flash').attributes).toMatchObject({
      'gen_ai.operation.name': 'generate_content',
      'gen_ai.provider.name': 'gcp.gemini',
    });
  });
});

describe.each(['v1.41', 'latest'] as const)('attributes both versions share (%s)', (semanticConventions) => {
  it('request parameters, streaming, time to first chunk, cached and reasoning tokens', () => {
    const hooks = createOpenTelemetryHooks({ tracerProvider: tracing.tracerProvider, semanticConventions });
    const session = hooks.sessionStarted({ ...sessionInfo, stream: true });
    const attempt = session.attemptStarted(
      attemptInfo({
        params: {
          maxTokens: 256,
          temperature: 0.2,
          topP: 0.9,
          stop: ['END', '###'],
          extra: { top_k: 40, seed: 7, frequency_penalty: 0.5, presencePenalty: -0.5, n: 2, logprobs: true },
        },
        outputType: 'json',
      }),
    );
    attempt.firstChunk?.(350);
    // Usage as adapters that know the detail counts report it.
    const usage = { inputTokens: 1200, outputTokens: 300, cachedInputTokens: 1024, reasoningTokens: 128 };
    attempt.succeeded(response({ usage }), 900);
    session.ended('success', { attempts: 1, finalModel: 'gpt-4o' });

    const span = findSpan(tracing.spans(), 'chat gpt-4o');
    expect(span.attributes).toMatchObject({
      'gen_ai.request.max_tokens': 256,
      'gen_ai.request.temperature': 0.2,
      'gen_ai.request.top_p': 0.9,
      'gen_ai.request.stop_sequences': ['END', '###'],
      'gen_ai.request.top_k': 40,
      'gen_ai.request.seed': 7,
      'gen_ai.request.frequency_penalty': 0.5,
      'gen_ai.request.presence_penalty': -0.5,
      'gen_ai.request.choice.count': 2,
      'gen_ai.request.stream': true,
      'gen_ai.output.type': 'json',
      'gen_ai.response.time_to_first_chunk': 0.35,
      'gen_ai.usage.input_tokens': 1200,
      'gen_ai.usage.output_tokens': 300,
      'gen_ai.usage.cache_read.input_tokens': 1024,
      'gen_ai.usage.reasoning.output_tokens': 128,
    });
    // Neither version has a name for `logprobs`; v1.41's cache-creation name and the latest cache-write one stay unset (no adapter reports writes).
    expect(Object.keys(span.attributes).filter((key) => key.includes('logprobs') || key.includes('cache_creation') || key.includes('cache_write'))).toEqual([]);
  });

  it('a plain request: no parameters, no stream flag (unset means not streamed), no detail counts', () => {
    const hooks = createOpenTelemetryHooks({ tracerProvider: tracing.tracerProvider, semanticConventions });
    const session = hooks.sessionStarted(sessionInfo);
    session.attemptStarted(attemptInfo({ params: { extra: { n: 1 } } })).succeeded(response(), 90);
    session.ended('success', { attempts: 1, finalModel: 'gpt-4o' });
    const keys = Object.keys(findSpan(tracing.spans(), 'chat gpt-4o').attributes);
    expect(keys.filter((key) => key.startsWith('gen_ai.request.') || key === 'gen_ai.output.type')).toEqual(['gen_ai.request.model']);
    expect(keys.filter((key) => key.includes('time_to_first_chunk') || key.includes('cache_read') || key.includes('reasoning'))).toEqual([]);
  });

  it('a stream that fails after its first chunk still records when the chunk came', () => {
    const hooks = createOpenTelemetryHooks({ tracerProvider: tracing.tracerProvider, semanticConventions });
    const session = hooks.sessionStarted({ ...sessionInfo, stream: true });
    const attempt = session.attemptStarted(attemptInfo());
    attempt.firstChunk?.(120);
    attempt.firstChunk?.(999);
    attempt.failed(fact('stream_interrupted', 'terminated'), 400);
    session.ended('exhausted', { attempts: 1, finalModel: null });
    expect(findSpan(tracing.spans(), 'chat gpt-4o').attributes).toMatchObject({
      'gen_ai.request.stream': true,
      'gen_ai.response.time_to_first_chunk': 0.12,
      'error.type': 'stream_interrupted',
    });
  });
});
