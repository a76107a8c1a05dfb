/**
 * The adapter contract beyond text, run against every adapter through its
 * real SDK: tool calls (whole, streamed in pieces, parallel), tool results in
 * history, images, structured output, reasoning round trips, refusals, and
 * what a provider cannot take refused before the call.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderCallError } from '../../src/errors/ProviderCallError.js';
import type { GenerateRequest, Message, ProviderAdapter, StreamPart, Tool } from '../../src/providers/spec.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import type { AdapterSubject } from './subjects.js';

export const WEATHER_TOOL: Tool = {
  name: 'get_weather',
  description: 'Current weather for a city',
  parameters: { type: 'object', properties: { city: { type: 'string' }, days: { type: 'integer' } }, required: ['city', 'days'] },
};

const TIME_TOOL: Tool = { name: 'get_time', parameters: { type: 'object', properties: { zone: { type: 'string' } }, required: ['zone'] } };

export const ANSWER_SCHEMA = {
  type: 'object',
  properties: { city: { type: 'string' }, temperature: { type: 'number' } },
  required: ['city', 'temperature'],
} as const;

/** A 1×1 PNG. */
export const PNG_BYTES = Uint8Array.from(
  Buffer.from('iVBORw0KGgoAAAANSUhEUgAAAAEAAAABCAYAAAAfFcSJAAAADUlEQVR42mNk+M9QDwADhgGAWjR9awAAAABJRU5ErkJggg==', 'base64'),
);

function scenario(): Record<string, unknown> {
  return {
    models: {
      '*': { chunks: 4 },
      tools: { chunks: 4, tool_calls: [{ name: 'get_weather', arguments: { city: 'Paris', days: 3 } }] },
      'parallel-tools': {
        chunks: 3,
        tool_calls: [
          { name: 'get_weather', arguments: { city: 'Paris', days: 1 } },
          { name: 'get_time', arguments: { zone: 'Europe/Paris' } },
        ],
      },
      'json-valid': { json: 'valid' },
      'json-invalid': { json: 'invalid' },
      thinker: { chunks: 3, reasoning: 'The user wants the weather; I should answer briefly.' },
      'anthropic.claude-thinker': { chunks: 3, reasoning: 'The user wants the weather; I should answer briefly.' },
      refuser: { refusal: 'I cannot help with that.' },
    },
  };
}

const ask = (text: string): Message => ({ role: 'user', content: text });

async function collect(stream: AsyncIterable<StreamPart>): Promise<StreamPart[]> {
  const parts: StreamPart[] = [];
  for await (const part of stream) parts.push(part);
  return parts;
}

function finishOf(parts: readonly StreamPart[]): Extract<StreamPart, { type: 'finish' }>['response'] {
  const last = parts[parts.length - 1];
  if (last?.type !== 'finish') throw new Error(`the stream did not finish: ${JSON.stringify(parts.map((part) => part.type))}`);
  return last.response;
}

/** The tool-use history of a two-turn conversation: the call, then its result. */
export function toolHistory(callId: string): Message[] {
  return [
    { role: 'system', content: 'You are a weather bot.' },
    ask('Weather in Paris for 3 days?'),
    { role: 'assistant', content: [{ type: 'text', text: 'Let me look.' }, { type: 'tool-call', id: callId, name: 'get_weather', arguments: { city: 'Paris', days: 3 } }] },
    { role: 'tool', content: [{ type: 'tool-result', id: callId, name: 'get_weather', result: { forecast: 'sunny', temperature: 21 } }] },
  ];
}

/**
 * Registers the feature contract for one adapter.
 *
 * @example
 * runFeatureContract(openAISubject);
 */
export function runFeatureContract(subject: AdapterSubject): void {
  describe(`${subject.name} adapter: tools, images, structured output, reasoning`, () => {
    let simulator: Simulator;
    const adapterFor = (model: string): ProviderAdapter => subject.createAdapter(simulator.url, model);
    const request = (model: string, more: Partial<GenerateRequest> = {}): GenerateRequest => ({ model, messages: [ask('Weather in Paris?')], ...more });
    const lastBody = (): Record<string, unknown> => {
      const requests = simulator.requests();
      return requests[requests.length - 1]?.body as Record<string, unknown>;
    };

    beforeAll(async () => {
      simulator = await startSimulator({ scenario: scenario(), recordRequests: true });
    });
    afterAll(async () => {
      await simulator?.close();
    });
    beforeEach(() => {
      simulator.reset();
    });

    it('a tool call: id, name, parsed arguments, finish reason tool_calls, and the tools on the wire', async () => {
      const response = await adapterFor('tools').generate(request('tools', { tools: [WEATHER_TOOL], toolChoice: 'auto' }));
      expect(response.toolCalls).toEqual([{ id: expect.stringMatching(/^[A-Za-z0-9_-]+$/), name: 'get_weather', arguments: { city: 'Paris', days: 3 } }]);
      expect(response.finishReason.unified).toBe('tool_calls');
      expect(response.content.filter((part) => part.type === 'tool-call')).toHaveLength(1);
      const body = lastBody();
      const wire = JSON.stringify(body);
      expect(wire).toContain('get_weather');
      expect(wire).toContain('"city"');
    });

    it('a streamed tool call: start, the arguments in pieces, then the complete call before finish', async () => {
      const parts = await collect(adapterFor('tools').stream(request('tools', { tools: [WEATHER_TOOL] })));
      const start = parts.find((part) => part.type === 'tool-call-start');
      const deltas = parts.flatMap((part) => (part.type === 'tool-call-delta' ? [part.argumentsDelta] : []));
      const call = parts.find((part) => part.type === 'tool-call');
      expect(start).toMatchObject({ name: 'get_weather' });
      if (subject.protocol !== 'google') expect(deltas.length).toBeGreaterThan(1);
      expect(JSON.parse(deltas.join(''))).toEqual({ city: 'Paris', days: 3 });
      expect(call).toEqual({ type: 'tool-call', id: (start as { id: string }).id, name: 'get_weather', arguments: { city: 'Paris', days: 3 } });
      expect(parts.indexOf(call!)).toBeLessThan(parts.length - 1);
      const response = finishOf(parts);
      expect(response.toolCalls).toEqual([{ id: (start as { id: string }).id, name: 'get_weather', arguments: { city: 'Paris', days: 3 } }]);
      expect(response.finishReason.unified).toBe('tool_calls');
    });

    it('parallel tool calls: two calls with distinct ids, plain and streamed alike', async () => {
      const tools = [WEATHER_TOOL, TIME_TOOL];
      const plain = await adapterFor('parallel-tools').generate(request('parallel-tools', { tools, parallelToolCalls: true }));
      expect(plain.toolCalls.map((call) => call.name)).toEqual(['get_weather', 'get_time']);
      expect(new Set(plain.toolCalls.map((call) => call.id)).size).toBe(2);
      const streamed = finishOf(await collect(adapterFor('parallel-tools').stream(request('parallel-tools', { tools }))));
      expect(streamed.toolCalls.map((call) => call.arguments)).toEqual([{ city: 'Paris', days: 1 }, { zone: 'Europe/Paris' }]);
    });

    it('tool results in history: sent in the provider shape with the call id, and answered with text', async () => {
      const response = await adapterFor('tools').generate({ model: 'tools', messages: toolHistory('call_abc123'), tools: [WEATHER_TOOL] });
      expect(response.toolCalls).toEqual([]);
      expect(response.text).not.toBe('');
      const body = lastBody();
      if (subject.protocol === 'openai') {
        const messages = body['messages'] as Record<string, unknown>[];
        expect(messages.map((message) => message['role'])).toEqual(['system', 'user', 'assistant', 'tool']);
        expect(messages[2]).toMatchObject({ tool_calls: [{ id: 'call_abc123', type: 'function', function: { name: 'get_weather' } }] });
        expect(messages[3]).toMatchObject({ tool_call_id: 'call_abc123', content: '{"forecast":"sunny","temperature":21}' });
      } else if (subject.protocol === 'anthropic') {
        const messages = body['messages'] as { role: string; content: Record<string, unknown>[] }[];
        expect(messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
        expect(messages[1]?.content).toContainEqual({ type: 'tool_use', id: 'call_abc123', name: 'get_weather', input: { city: 'Paris', days: 3 } });
        expect(messages[2]?.content[0]).toMatchObject({ type: 'tool_result', tool_use_id: 'call_abc123' });
      } else if (subject.protocol === 'bedrock') {
        const messages = body['messages'] as { role: string; content: Record<string, unknown>[] }[];
        expect(messages.map((message) => message.role)).toEqual(['user', 'assistant', 'user']);
        expect(body['system']).toEqual([{ text: 'You are a weather bot.' }]);
        expect(messages[1]?.content).toContainEqual({ toolUse: { toolUseId: 'call_abc123', name: 'get_weather', input: { city: 'Paris', days: 3 } } });
        expect(messages[2]?.content[0]).toEqual({ toolResult: { toolUseId: 'call_abc123', content: [{ json: { forecast: 'sunny', temperature: 21 } }] } });
      } else {
        const contents = body['contents'] as { role: string; parts: Record<string, unknown>[] }[];
        expect(contents.map((content) => content.role)).toEqual(['user', 'model', 'user']);
        expect(contents[1]?.parts).toContainEqual({ functionCall: { name: 'get_weather', args: { city: 'Paris', days: 3 } } });
        expect(contents[2]?.parts[0]).toEqual({ functionResponse: { name: 'get_weather', response: { forecast: 'sunny', temperature: 21 } } });
      }
    });

    it('image input: sent as the provider takes images, and counted by the simulator', async () => {
      const response = await adapterFor('ok').generate({
        model: 'ok',
        messages: [{ role: 'user', content: [{ type: 'text', text: 'What is in this picture?' }, { type: 'image', image: PNG_BYTES, mediaType: 'image/png' }] }],
      });
      expect(response.text).toContain('What is in this picture?');
      expect(simulator.counts().models['ok']?.images).toBe(1);
    });

    it('structured output: the schema reaches the provider; a valid and an invalid answer come back as text', async () => {
      const responseFormat = { type: 'json', schema: ANSWER_SCHEMA, name: 'weather' } as const;
      const valid = await adapterFor('json-valid').generate(request('json-valid', { responseFormat }));
      expect(JSON.parse(valid.text)).toEqual({ city: 'text', temperature: 1 });
      // Bedrock carries the schema as JSON text (outputConfig.textFormat.structure.jsonSchema.schema).
      expect(subject.protocol === 'bedrock' ? JSON.stringify(lastBody()).replaceAll('\\"', '"') : JSON.stringify(lastBody())).toContain('"temperature"');
      const invalid = await adapterFor('json-invalid').generate(request('json-invalid', { responseFormat }));
      expect(JSON.parse(invalid.text)).toEqual(['not', 'an', 'object']);
    });

    it('reasoning: thinking comes back as reasoning (streamed as reasoning deltas) and goes back as the provider wants it', async () => {
      const reasoning = { effort: 'low' } as const;
      // Bedrock maps reasoning by model family: a Claude model id gets Claude's thinking field.
      const thinker = subject.protocol === 'bedrock' ? 'anthropic.claude-thinker' : 'thinker';
      const response = await adapterFor(thinker).generate(request(thinker, { reasoning, maxTokens: 2000 }));
      expect(response.reasoning).toBe('The user wants the weather; I should answer briefly.');
      expect(response.content[0]?.type).toBe('reasoning');
      const signature = (response.content[0] as { signature?: string }).signature;
      if (subject.protocol !== 'openai') expect(signature).toEqual(expect.any(String));
      const parts = await collect(adapterFor(thinker).stream(request(thinker, { reasoning })));
      const deltas = parts.flatMap((part) => (part.type === 'reasoning-delta' ? [part.text] : []));
      expect(deltas.join('')).toBe(response.reasoning);
      // The stream carries the block's signature too (a reasoning-delta with no text), so a gateway can pass it on.
      const signed = parts.flatMap((part) => (part.type === 'reasoning-delta' && part.signature !== undefined ? [part.signature] : []));
      expect(signed.at(-1)).toBe(signature);
      expect(finishOf(parts).content[0]).toEqual(response.content[0]);

      await adapterFor(thinker).generate({ model: thinker, messages: [ask('Weather?'), { role: 'assistant', content: response.content }, ask('And tomorrow?')], reasoning });
      const body = lastBody();
      if (subject.protocol === 'anthropic') {
        const messages = body['messages'] as { role: string; content: Record<string, unknown>[] }[];
        expect(messages[1]?.content[0]).toEqual({ type: 'thinking', thinking: response.reasoning, signature });
        expect(body['thinking']).toEqual({ type: 'enabled', budget_tokens: 1024 });
      } else if (subject.protocol === 'bedrock') {
        const messages = body['messages'] as { role: string; content: Record<string, unknown>[] }[];
        expect(messages[1]?.content[0]).toEqual({ reasoningContent: { reasoningText: { text: response.reasoning, signature } } });
        expect(body['additionalModelRequestFields']).toEqual({ thinking: { type: 'enabled', budget_tokens: 1024 } });
      } else if (subject.protocol === 'google') {
        expect((body['generationConfig'] as Record<string, unknown>)['thinkingConfig']).toEqual({ thinkingBudget: 1024, includeThoughts: true });
      } else {
        expect(body['reasoning_effort']).toBe('low');
        expect(JSON.stringify(body['messages'])).not.toContain('The user wants the weather');
      }
    });

    it('a refusal is reported the provider way: OpenAI refusal field, Anthropic and Bedrock content_filter, Gemini an empty answer', async () => {
      const outcome = await adapterFor('refuser').generate(request('refuser')).then(
        (response) => ({ response }),
        (error: unknown) => ({ error }),
      );
      if (subject.protocol === 'anthropic' || subject.protocol === 'bedrock') {
        expect('error' in outcome && ProviderCallError.isInstance(outcome.error) && outcome.error.fact.kind).toBe('content_filter');
        return;
      }
      if (!('response' in outcome)) throw outcome.error;
      expect(outcome.response.text).toBe('');
      if (subject.protocol === 'openai') expect(outcome.response.refusal).toBe('I cannot help with that.');
    });

    it('what the provider cannot take is invalid_request before the call, never a silent drop', async () => {
      const zip = { model: 'ok', messages: [{ role: 'user', content: [{ type: 'file', data: new Uint8Array([80, 75, 3, 4]), mediaType: 'application/zip' }] }] } as GenerateRequest;
      const error = await adapterFor('ok').generate(zip).then(
        () => null,
        (thrown: unknown) => thrown,
      );
      expect(ProviderCallError.isInstance(error)).toBe(true);
      expect((error as ProviderCallError).fact.kind).toBe('invalid_request');
      expect((error as ProviderCallError).fact.message).toMatch(/^ok: file parts of type application\/zip are not supported/);
      expect(simulator.counts().requests).toBe(0);
    });
  });
}
