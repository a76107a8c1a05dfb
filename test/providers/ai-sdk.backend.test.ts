/**
 * AI SDK models as detour backends (`provider: ai_sdk`): a real
 * `@ai-sdk/openai-compatible` model pointed at the simulator, registered by
 * name, called by the executor through its `doGenerate` / `doStream` (no AI
 * SDK retries), with its errors classified into the same facts as the native
 * `openai` adapter's for the same faults.
 */
import { createOpenAICompatible } from '@ai-sdk/openai-compatible';
import { generateText, Output, stepCountIs, streamText, tool } from 'ai';
import { describe, expect, it, vi } from 'vitest';
import { detourModel } from '../../src/ai-sdk/index.js';
import { ProviderCallError } from '../../src/errors/ProviderCallError.js';
import type { ErrorFact } from '../../src/errors/kinds.js';
import { Executor } from '../../src/executor/Executor.js';
import { createExecutor } from '../../src/executor/createExecutor.js';
import { SelfManagingFallbackFactory } from '../../src/providers/factory.js';
import type { ProviderAdapter } from '../../src/providers/spec.js';
import type { Simulator } from '../../src/simulator/index.js';
import { genAiProviderName } from '../../src/telemetry/genAiProviderName.js';
import { requestsTo } from '../executor/simulated.js';
import { policyFrom, setOf } from '../executor/support.js';
import { shareSimulator, WEATHER } from '../ai-sdk/support.js';

let sim: Simulator;
shareSimulator((started) => (sim = started));

const POLICY = `version: 1
name: default
base_delay: 0
jitter: false
models:
  a: { provider: openai, model: gpt-a }
  x: { provider: ai_sdk, model: compat-x }
  y: { provider: ai_sdk, model: compat-y }
  b: { provider: anthropic, model: claude-b }
primary_model: x
fallback_models: [b]
max_attempts: 3
`;

function compatModels(apiKey = 'test-key') {
  const provider = createOpenAICompatible({ name: 'sim', baseURL: `${sim.url}/v1`, apiKey, supportsStructuredOutputs: true, includeUsage: true });
  return { 'compat-x': provider.chatModel('gpt-x'), 'compat-y': provider.chatModel('gpt-y') };
}

function executorWith(yaml: string, apiKey?: string): { executor: Executor; factory: SelfManagingFallbackFactory } {
  const factory = new SelfManagingFallbackFactory({ baseUrlOverride: sim.url, apiKeyOverride: 'test-key', models: compatModels(apiKey) });
  return { executor: new Executor({ policies: setOf(policyFrom(yaml)), factory }), factory };
}

async function callError(adapter: ProviderAdapter): Promise<ErrorFact> {
  const error = await adapter.generate({ model: adapter.modelId, messages: [{ role: 'user', content: 'ping' }] }).then(
    () => null,
    (caught: unknown) => caught,
  );
  if (!ProviderCallError.isInstance(error)) throw new Error(`expected ProviderCallError, got ${String(error)}`);
  return error.fact;
}

describe('provider: ai_sdk, through the executor', () => {
  it('createExecutor({ models }) registers AI SDK models by name; the answer and its usage come back', async () => {
    const { writeFile, mkdtemp } = await import('node:fs/promises');
    const { tmpdir } = await import('node:os');
    const path = await import('node:path');
    const folder = await mkdtemp(path.join(tmpdir(), 'detour-ai-sdk-'));
    await writeFile(path.join(folder, 'default.yaml'), POLICY.replace('fallback_models: [b]', 'fallback_models: [y]'));
    const executor = await createExecutor({ policies: folder, models: compatModels() });
    const result = await executor.generate({ policy: 'default', messages: [{ role: 'user', content: 'ping' }] });
    expect(result).toMatchObject({ model: 'x', provider: 'sim.chat', finishReason: { unified: 'stop' } });
    expect(result.text).toContain('ping');
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(requestsTo(sim, 'gpt-x')).toBe(1);
    await executor.close();
  });

  it('a name that is not registered fails that attempt with model_not_found (unregistered_model); a policy that falls back on it does', async () => {
    const factory = new SelfManagingFallbackFactory({ baseUrlOverride: sim.url, apiKeyOverride: 'test-key', models: {} });
    const executor = new Executor({ policies: setOf(policyFrom(`${POLICY}fallback_on_errors: [model_not_found]\n`)), factory });
    const result = await executor.generate({ policy: 'default', messages: [{ role: 'user', content: 'ping' }] });
    expect(result.model).toBe('b');
    const failed = result.session.attempts[0];
    expect(failed?.error).toMatchObject({ kind: 'model_not_found', code: 'unregistered_model' });
    expect(failed?.error?.message).toContain("createExecutor({ models: { 'compat-x'");
  });

  it('createExecutor refuses models beside a factory of your own, saying where they go', async () => {
    await expect(createExecutor({ policies: setOf(policyFrom(POLICY)), factory: new SelfManagingFallbackFactory(), models: compatModels() })).rejects.toThrow(/pass them to it/);
  });

  it('detour validate says the name must be registered at run time (a warning at the model, file:line:col)', async () => {
    const { parsePolicy } = await import('../../src/policy/load.js');
    const { diagnostics, policy } = parsePolicy(POLICY, 'ai.yaml');
    expect(policy).not.toBeNull();
    const warnings = diagnostics.filter((diagnostic) => diagnostic.severity === 'warning');
    expect(warnings.map((warning) => [warning.line, warning.pointer])).toEqual([
      [7, '/models/x/provider'],
      [8, '/models/y/provider'],
    ]);
    expect(warnings[0]?.message).toContain("createExecutor({ models: { 'compat-x': languageModel } })");
  });

  it("the AI SDK's retries never run: one 500 is one request, then the fallback", async () => {
    await sim.setScenario({ models: { 'gpt-x': { faults: [{ type: 'server_error', retry_after: 0 }] } } });
    const { executor } = executorWith(POLICY);
    const result = await executor.generate({ policy: 'default', messages: [{ role: 'user', content: 'ping' }] });
    expect(result.model).toBe('b');
    expect(requestsTo(sim, 'gpt-x')).toBe(1);
  });

  it('telemetry names the provider from the model: sim.chat → sim, mistral.chat → mistral_ai', () => {
    expect(genAiProviderName('ai_sdk', null, 'sim.chat')).toBe('sim');
    expect(genAiProviderName('ai_sdk', null, 'mistral.chat')).toBe('mistral_ai');
    expect(genAiProviderName('ai_sdk', null, 'google.vertex.chat')).toBe('gcp.vertex_ai');
    expect(genAiProviderName('ai_sdk', null, 'amazon-bedrock')).toBe('aws.bedrock');
  });
});

describe('provider: ai_sdk errors classify like the native openai adapter', () => {
  const FAULTS = [
    ['rate_limit with retry-after', { type: 'rate_limit', retry_after: 7 }],
    ['server_error', { type: 'server_error', retry_after: 0 }],
    ['context_length', { type: 'context_length' }],
    ['unauthorized', { type: 'unauthorized' }],
  ] as const;

  for (const [name, fault] of FAULTS) {
    it(`${name}: same kind, status, code, retry_after, message, retryable and scope`, async () => {
      await sim.setScenario({ models: { '*': { faults: [fault] } } });
      const { factory } = executorWith(POLICY);
      const policy = policyFrom(POLICY);
      const viaAiSdk = await callError(factory.getAdapter(policy, 'x'));
      const native = await callError(factory.getAdapter(policy, 'a'));
      const comparable = (fact: ErrorFact) => ({ kind: fact.kind, status: fact.status, code: fact.code, retryAfterMs: fact.retryAfterMs, message: fact.message.replace('gpt-x', 'gpt-a'), retryable: fact.retryable, scope: fact.scope });
      expect(comparable(viaAiSdk)).toEqual(comparable(native));
      expect(viaAiSdk).toMatchObject({ provider: 'ai_sdk', sdkError: 'APICallError' });
      if (name.startsWith('rate_limit')) expect(viaAiSdk.retryAfterMs).toBe(7_000);
    });
  }

  it('a refused connection is connection; a missing key (LoadAPIKeyError) is authentication', async () => {
    const { AiSdkAdapter } = await import('../../src/providers/ai-sdk/ai-sdk-adapter.js');
    const closed = createOpenAICompatible({ name: 'down', baseURL: 'http://127.0.0.1:1/v1', apiKey: 'k' }).chatModel('m');
    expect((await callError(new AiSdkAdapter({ model: closed }))).kind).toBe('connection');
    const { createOpenAI } = await import('@ai-sdk/openai');
    const saved = process.env['OPENAI_API_KEY'];
    delete process.env['OPENAI_API_KEY'];
    try {
      const keyless = createOpenAI({ baseURL: `${sim.url}/v1` }).chat('gpt-a');
      expect(await callError(new AiSdkAdapter({ model: keyless }))).toMatchObject({ kind: 'authentication', code: 'missing_api_key', sdkError: 'LoadAPIKeyError' });
    } finally {
      if (saved !== undefined) process.env['OPENAI_API_KEY'] = saved;
    }
  });

  it('a 200 that does not fit the response schema is a server fault (malformed_response)', async () => {
    await sim.setScenario({ models: { '*': { faults: [{ type: 'malformed_json' }] } } });
    const { factory } = executorWith(POLICY);
    const fact = await callError(factory.getAdapter(policyFrom(POLICY), 'x'));
    expect(fact).toMatchObject({ kind: 'service_unavailable', code: 'malformed_response' });
  });
});

describe('the AI SDK on top, an AI SDK backend underneath', () => {
  const NATIVE_FIRST = POLICY.replace('primary_model: x', 'primary_model: a').replace('fallback_models: [b]', 'fallback_models: [x]');

  it('generateText: a 429 on the AI SDK backend falls back to Anthropic', async () => {
    await sim.setScenario({ models: { 'gpt-x': { faults: [{ type: 'rate_limit', retry_after: 0 }] } } });
    const { executor } = executorWith(POLICY);
    const result = await generateText({ model: detourModel(executor, { policy: 'default' }), prompt: 'ping' });
    expect(result.providerMetadata?.['detour']).toMatchObject({ model: 'b', modelsTried: ['x', 'b'] });
    expect(result.text).toContain('ping');
  });

  it('streamText: a 429 on native OpenAI falls back to the AI SDK backend, which streams the answer', async () => {
    await sim.setScenario({ models: { 'gpt-a': { faults: [{ type: 'rate_limit', retry_after: 0 }] } } });
    const { executor } = executorWith(NATIVE_FIRST);
    const result = streamText({ model: detourModel(executor, { policy: 'default' }), prompt: 'ping' });
    let deltas = 0;
    for await (const part of result.fullStream) if (part.type === 'text-delta') deltas++;
    expect(deltas).toBeGreaterThan(1);
    expect(await result.text).toContain('ping');
    expect((await result.providerMetadata)?.['detour']).toMatchObject({ model: 'x', provider: 'sim.chat' });
    expect((await result.usage).outputTokens).toBeGreaterThan(0);
  });

  it('a tool agent whose second step falls back to the AI SDK backend; structured output from it', async () => {
    await sim.setScenario({
      models: {
        'gpt-a': { tool_calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }], faults: [{ type: 'rate_limit', retry_after: 0, when: { every: 2 } }] },
        '*': { tool_calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }], json: 'valid' },
      },
    });
    const { executor } = executorWith(NATIVE_FIRST);
    const model = detourModel(executor, { policy: 'default' });
    const result = await generateText({
      model,
      prompt: 'Weather in Paris?',
      tools: { get_weather: tool({ inputSchema: WEATHER, execute: async ({ city }) => ({ city, celsius: 21 }) }) },
      stopWhen: stepCountIs(3),
    });
    expect(result.steps.map((step) => step.providerMetadata?.['detour']?.['model'])).toEqual(['a', 'x']);
    expect(result.steps[1]?.finishReason).toBe('stop');
    sim.reset();
    await sim.setScenario({ models: { 'gpt-a': { faults: [{ type: 'server_error', retry_after: 0 }] }, '*': { json: 'valid' } } });
    const structured = await generateText({ model, prompt: 'Which city?', output: Output.object({ schema: WEATHER }) });
    expect(structured.output).toEqual({ city: expect.any(String) });
    expect(structured.providerMetadata?.['detour']?.['model']).toBe('x');
  });

  it('abort: the AbortController closes the AI SDK backend call', async () => {
    await sim.setScenario({ models: { 'gpt-x': { faults: [{ type: 'hang' }] } } });
    const { executor } = executorWith(POLICY);
    const controller = new AbortController();
    const pending = generateText({ model: detourModel(executor, { policy: 'default' }), prompt: 'ping', abortSignal: controller.signal }).then(
      () => null,
      (caught: unknown) => caught,
    );
    await vi.waitFor(() => expect(requestsTo(sim, 'gpt-x')).toBe(1));
    controller.abort();
    expect(await pending).toMatchObject({ name: 'LLMFallbackError', reason: 'aborted' });
    await vi.waitFor(() => expect(sim.counts().connectionsClosedByClient).toBe(1));
    expect(requestsTo(sim, 'claude-b')).toBe(0);
  });
});

describe('the AI SDK error classes, as the AI SDK builds them', () => {
  it('RetryError is its last error; TypeValidationError and JSONParseError are malformed answers; a v3 model is refused', async () => {
    const { APICallError, JSONParseError, TypeValidationError } = await import('@ai-sdk/provider');
    const { RetryError } = await import('ai');
    const { classifyError } = await import('../../src/errors/classify.js');
    const tooMany = new APICallError({
      message: 'Too Many Requests',
      url: 'http://127.0.0.1/v1/chat/completions',
      requestBodyValues: {},
      statusCode: 429,
      responseHeaders: { 'retry-after': '3' },
      responseBody: '{"error":{"message":"Rate limit reached","type":"requests","code":"rate_limit_exceeded"}}',
      isRetryable: true,
    });
    expect(classifyError(tooMany, { provider: 'ai_sdk' })).toMatchObject({ kind: 'rate_limit', status: 429, code: 'rate_limit_exceeded', retryAfterMs: 3_000, message: 'Rate limit reached', sdkError: 'APICallError' });
    const retried = new RetryError({ message: 'Failed after 3 attempts', reason: 'maxRetriesExceeded', errors: [tooMany, tooMany] });
    expect(classifyError(retried, { provider: 'ai_sdk' })).toMatchObject({ kind: 'rate_limit', retryAfterMs: 3_000 });
    const invalid = new TypeValidationError({ value: { choices: null }, cause: new Error('expected array') });
    expect(classifyError(invalid, { provider: 'ai_sdk' })).toMatchObject({ kind: 'service_unavailable', code: 'malformed_response', sdkError: 'TypeValidationError' });
    expect(classifyError(new JSONParseError({ text: '{"cut', cause: new SyntaxError('Unexpected end') }), { provider: 'ai_sdk' })).toMatchObject({ kind: 'service_unavailable', code: 'malformed_response' });
    const v3 = { specificationVersion: 'v3', provider: 'old.chat', modelId: 'old', doGenerate: async () => ({}), doStream: async () => ({}) };
    const factory = new SelfManagingFallbackFactory({ models: { 'compat-x': v3 as never } });
    expect(() => factory.getAdapter(policyFrom(POLICY), 'x')).toThrow(/specification v3; detour takes v4/);
  });
});
