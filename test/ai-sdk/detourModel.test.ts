/**
 * detour as an AI SDK model, end to end: the real `ai` package
 * (`generateText`, `streamText`, `Output.object`, tools with `stopWhen`)
 * calls `detourModel`, whose executor calls the simulator through the real
 * provider SDKs. Nothing of the AI SDK is mocked.
 */
import { generateText, Output, stepCountIs, streamText, tool } from 'ai';
import { describe, expect, it, vi } from 'vitest';
import { detourModel } from '../../src/ai-sdk/index.js';
import { LLMFallbackError } from '../../src/errors/LLMFallbackError.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { requestsTo, simulatedExecutor, yamlPolicy } from '../executor/simulated.js';
import { shareSimulator, WEATHER } from './support.js';

let sim: Simulator;
shareSimulator((started) => (sim = started));
const SEQUENTIAL = yamlPolicy('primary_model: a\nfallback_models: [b, c]\nmax_attempts: 3\n');

function detourOf(policy = SEQUENTIAL) {
  const executor = simulatedExecutor(sim, policy);
  return { executor, model: detourModel(executor, { policy: 'default', metadata: { tier: 'free' } }) };
}

describe('generateText through detourModel', () => {
  it('falls back from a 429 on OpenAI to Anthropic; the session is in providerMetadata.detour', async () => {
    await sim.setScenario({ models: { 'gpt-a': { faults: [{ type: 'rate_limit', retry_after: 0 }] } } });
    const { model } = detourOf();
    const result = await generateText({ model, prompt: 'ping' });
    expect(result.text).toContain('ping');
    expect(result.finishReason).toBe('stop');
    expect(result.usage.inputTokens).toBeGreaterThan(0);
    expect(result.providerMetadata?.['detour']).toMatchObject({
      policy: 'default',
      model: 'b',
      modelsTried: ['a', 'b'],
      attempts: [
        { model: 'a', outcome: 'failure', errorKind: 'rate_limit' },
        { model: 'b', outcome: 'success' },
      ],
    });
    expect(typeof result.providerMetadata?.['detour']?.['policyVersion']).toBe('string');
    expect(typeof result.providerMetadata?.['detour']?.['sessionId']).toBe('number');
    expect(result.providerMetadata?.['detour']?.['rule']).toEqual(expect.any(String));
    expect(result.response.modelId).toBe('claude-b');
    expect(result.warnings).toEqual([]);
  });

  it('a failed session rejects with the LLMFallbackError itself, every attempt listed, and the AI SDK does not retry it', async () => {
    await sim.setScenario({ models: { '*': { faults: [{ type: 'server_error', retry_after: 0 }] } } });
    const { model } = detourOf();
    const error = await generateText({ model, prompt: 'ping', maxRetries: 3 }).then(
      () => null,
      (caught: unknown) => caught,
    );
    expect(LLMFallbackError.isInstance(error)).toBe(true);
    expect((error as LLMFallbackError).attempts.map((attempt) => attempt.model)).toEqual(['a', 'b', 'c']);
    expect(sim.counts().requests).toBe(3);
  });

  it('warnings for what is not sent: per-call headers and other providers\' options', async () => {
    const { model } = detourOf();
    const result = await generateText({ model, system: 'Be brief', prompt: 'ping', headers: { 'x-trace': '1' }, providerOptions: { openai: { user: 'u1' } } });
    expect(result.warnings?.map((warning) => (warning.type === 'unsupported' ? warning.feature : warning.type))).toEqual(['headers', 'providerOptions.openai']);
  });

  it('structured output with Output.object: the schema goes to the fallback model, the object comes back parsed', async () => {
    await sim.setScenario({ models: { 'gpt-a': { faults: [{ type: 'service_unavailable' }] }, '*': { json: 'valid' } } });
    const { model } = detourOf();
    const result = await generateText({ model, prompt: 'Which city?', output: Output.object({ schema: WEATHER }) });
    expect(result.output).toEqual({ city: expect.any(String) });
    expect(result.providerMetadata?.['detour']?.['model']).toBe('b');
  });

  it('a multi-step tool agent: step 1 on OpenAI calls the tool, step 2 falls back to Anthropic with the tool result in its history', async () => {
    await sim.setScenario({
      models: {
        'gpt-a': { tool_calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }], faults: [{ type: 'rate_limit', when: { every: 2 } }] },
        '*': { tool_calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] },
      },
    });
    const { model } = detourOf();
    const calls: string[] = [];
    const result = await generateText({
      model,
      prompt: 'Weather in Paris?',
      tools: { get_weather: tool({ description: 'Current weather', inputSchema: WEATHER, execute: async ({ city }) => (calls.push(city), { city, celsius: 21 }) }) },
      stopWhen: stepCountIs(3),
    });
    expect(calls).toEqual(['Paris']);
    expect(result.steps).toHaveLength(2);
    expect(result.steps[0]?.finishReason).toBe('tool-calls');
    expect(result.steps[0]?.providerMetadata?.['detour']?.['model']).toBe('a');
    expect(result.steps[1]?.providerMetadata?.['detour']).toMatchObject({ model: 'b', modelsTried: ['a', 'b'] });
    expect(result.steps[1]?.finishReason).toBe('stop');
    expect(result.text.length).toBeGreaterThan(0);
  });

  it('abort: the AbortController closes the upstream call (the simulator sees the client go) and the call rejects', async () => {
    await sim.setScenario({ models: { 'gpt-a': { faults: [{ type: 'hang' }] } } });
    const { model } = detourOf();
    const controller = new AbortController();
    const pending = generateText({ model, prompt: 'ping', abortSignal: controller.signal }).then(
      () => null,
      (caught: unknown) => caught,
    );
    await vi.waitFor(() => expect(requestsTo(sim, 'gpt-a')).toBe(1));
    controller.abort();
    const error = await pending;
    expect(LLMFallbackError.isInstance(error)).toBe(true);
    expect((error as LLMFallbackError).reason).toBe('aborted');
    await vi.waitFor(() => expect(sim.counts().connectionsClosedByClient).toBe(1));
    expect(requestsTo(sim, 'claude-b')).toBe(0);
  });
});

describe('streamText through detourModel', () => {
  it('falls back from a 429 before the first chunk; text streams from the fallback; finish carries the session', async () => {
    await sim.setScenario({ models: { 'gpt-a': { faults: [{ type: 'rate_limit', retry_after: 0 }] } } });
    const { model } = detourOf();
    const result = streamText({ model, prompt: 'ping' });
    const parts: string[] = [];
    for await (const part of result.fullStream) parts.push(part.type);
    expect(await result.text).toContain('ping');
    expect(parts).toContain('text-delta');
    expect(parts.at(-1)).toBe('finish');
    expect((await result.providerMetadata)?.['detour']).toMatchObject({ model: 'b', modelsTried: ['a', 'b'] });
  });

  it('every model down before the first chunk: the stream ends with one error part carrying the LLMFallbackError, no text', async () => {
    await sim.setScenario({ models: { '*': { faults: [{ type: 'server_error', retry_after: 0 }] } } });
    const { model } = detourOf();
    const errors: unknown[] = [];
    const result = streamText({ model, prompt: 'ping', onError: ({ error }) => void errors.push(error) });
    const types: string[] = [];
    for await (const part of result.fullStream) types.push(part.type);
    expect(types).toContain('error');
    expect(types).not.toContain('text-delta');
    expect(errors).toHaveLength(1);
    expect(LLMFallbackError.isInstance(errors[0])).toBe(true);
    expect((errors[0] as LLMFallbackError).attempts.map((attempt) => attempt.model)).toEqual(['a', 'b', 'c']);
    expect(sim.counts().requests).toBe(3);
  });

  it('tool calls stream as tool-input parts and arrive as a tool call', async () => {
    await sim.setScenario({ models: { 'gpt-a': { faults: [{ type: 'overloaded' }] }, '*': { tool_calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }], reasoning: 'Weather, then.' } } });
    const { model } = detourOf();
    const result = streamText({ model, prompt: 'Weather in Paris?', tools: { get_weather: tool({ inputSchema: WEATHER }) } });
    const types = new Set<string>();
    for await (const part of result.fullStream) types.add(part.type);
    expect([...types]).toEqual(expect.arrayContaining(['reasoning-delta', 'tool-input-start', 'tool-input-delta', 'tool-call']));
    expect(await result.toolCalls).toMatchObject([{ toolName: 'get_weather', input: { city: 'Paris' } }]);
    expect(await result.reasoningText).toBe('Weather, then.');
  });

  it('mid-stream break, by default: the stream fails with the typed error and the partial text; no restart', async () => {
    await sim.setScenario({ models: { 'gpt-a': { chunks: 4, faults: [{ type: 'cut_stream', after_chunks: 2 }] } } });
    const { model } = detourOf(yamlPolicy('primary_model: a\nfallback_models: [c]\nfallback_on_errors: [stream_interrupted]\n'));
    const errors: unknown[] = [];
    const result = streamText({ model, prompt: 'tell me more', onError: ({ error }) => void errors.push(error) });
    let text = '';
    for await (const part of result.fullStream) if (part.type === 'text-delta') text += part.text;
    expect(text.length).toBeGreaterThan(0);
    expect(errors).toHaveLength(1);
    const error = errors[0] as LLMFallbackError;
    expect(LLMFallbackError.isInstance(error)).toBe(true);
    expect(error.lastError?.kind).toBe('stream_interrupted');
    expect(error.partialText).toBe(text);
    expect(requestsTo(sim, 'gemini-c')).toBe(0);
  });

  it('mid-stream break, policy opts in with mid_stream: restart: the next model answers in new text blocks; the restart is in the metadata', async () => {
    await sim.setScenario({ models: { 'gpt-a': { chunks: 4, faults: [{ type: 'cut_stream', after_chunks: 2 }] } } });
    const { model } = detourOf(yamlPolicy('primary_model: a\nfallback_models: [c]\nmid_stream: restart\nfallback_on_errors: [stream_interrupted]\n'));
    const result = streamText({ model, prompt: 'tell me more' });
    const textStarts: string[] = [];
    for await (const part of result.fullStream) if (part.type === 'text-start') textStarts.push(part.id);
    expect(textStarts).toHaveLength(2);
    const detour = (await result.providerMetadata)?.['detour'];
    expect(detour).toMatchObject({ model: 'c', restarts: [{ failedModel: 'a', errorKind: 'stream_interrupted' }] });
    expect(requestsTo(sim, 'gemini-c')).toBe(1);
  });

  it('abort mid-stream closes the upstream stream', async () => {
    await sim.setScenario({ models: { 'gpt-a': { chunks: 4, faults: [{ type: 'hang', after_chunks: 1 }] } } });
    const { model } = detourOf();
    const controller = new AbortController();
    const result = streamText({ model, prompt: 'ping', abortSignal: controller.signal, onError: () => undefined });
    for await (const part of result.fullStream) {
      if (part.type === 'text-delta') controller.abort();
    }
    await vi.waitFor(() => expect(sim.counts().connectionsClosedByClient).toBe(1));
    expect(requestsTo(sim, 'claude-b')).toBe(0);
  });
});

describe('what detourModel sends and returns', () => {
  const PNG = Uint8Array.from(Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mP8z8BQDwAEhQGAhKmMIQAAAABJRU5ErkJggg==', 'base64'));

  it('system, image and file parts, tool history, tool choice, reasoning effort and parameters reach the provider; reasoning tokens come back', async () => {
    const recording = await startSimulator({ port: 0, recordRequests: true, scenario: { models: { '*': { reasoning: 'Thinking it over.' } } } });
    const executor = simulatedExecutor(recording, yamlPolicy('primary_model: a\n'));
    try {
      const result = await generateText({
        model: detourModel(executor, { policy: 'default' }),
        system: 'Be brief',
        messages: [
          { role: 'user', content: [{ type: 'text', text: 'What is in these?' }, { type: 'image', image: PNG, mediaType: 'image/png' }, { type: 'file', data: Buffer.from('%PDF-1.4'), mediaType: 'application/pdf', filename: 'a.pdf' }] },
          { role: 'assistant', content: [{ type: 'tool-call', toolCallId: 'call_1', toolName: 'get_weather', input: { city: 'Paris' } }] },
          { role: 'tool', content: [{ type: 'tool-result', toolCallId: 'call_1', toolName: 'get_weather', output: { type: 'json', value: { celsius: 21 } } }] },
        ],
        tools: { get_weather: tool({ inputSchema: WEATHER }) },
        toolChoice: 'none',
        reasoning: 'high',
        temperature: 0.2,
        maxOutputTokens: 64,
        stopSequences: ['END'],
      });
      expect(result.reasoningText).toBe('Thinking it over.');
      expect(result.usage.outputTokenDetails.reasoningTokens).toBeGreaterThan(0);
      expect(recording.counts().models['gpt-a']).toMatchObject({ images: 1, files: 1 });
      const body = recording.requests()[0]?.body as Record<string, unknown> & { messages: { role: string; content: unknown; tool_call_id?: string }[] };
      expect(body).toMatchObject({ reasoning_effort: 'high', tool_choice: 'none', temperature: 0.2, stop: ['END'] });
      expect(body.messages.map((message) => message.role)).toEqual(['system', 'user', 'assistant', 'tool']);
      expect(body.messages[3]).toMatchObject({ tool_call_id: 'call_1', content: '{"celsius":21}' });
    } finally {
      await recording.close();
    }
  });
});
