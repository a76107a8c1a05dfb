/**
 * Tools, tool results, structured output, images and thinking through both
 * wire formats, with the real clients. The model behind the gateway is a
 * scripted adapter that records the request it was given (in detour's
 * shapes) and answers with tool calls and reasoning.
 */
import Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import type { Policy } from '../../src/policy/types.js';
import type { AdapterSource } from '../../src/providers/factory.js';
import type { ContentPart, GenerateRequest, GenerateResponse, ProviderAdapter, StreamPart } from '../../src/providers/spec.js';
import { gatewayFixture, type GatewayFixture } from './support.js';

const WEATHER = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] };

/** Answers every call with `answer` (streamed as `parts`), and keeps each request. */
class ScriptedModels implements AdapterSource {
  readonly requests: GenerateRequest[] = [];

  constructor(
    private readonly answer: GenerateResponse,
    private readonly parts: readonly StreamPart[] = [],
  ) {}

  getAdapter(_policy: Policy, modelName: string): ProviderAdapter {
    return {
      specificationVersion: 'v2',
      provider: 'openai',
      providerType: 'openai',
      modelId: modelName,
      serverAddress: null,
      serverPort: null,
      generate: async (request) => {
        this.requests.push(request);
        return this.answer;
      },
      stream: (request) => {
        this.requests.push(request);
        const parts = [...this.parts, { type: 'finish' as const, response: this.answer }];
        return (async function* () {
          for (const part of parts) yield part;
        })();
      },
    };
  }
}

function toolAnswer(content: ContentPart[], unified: 'stop' | 'tool_calls' = 'tool_calls'): GenerateResponse {
  const text = content.flatMap((part) => (part.type === 'text' ? [part.text] : [])).join('');
  const reasoning = content.flatMap((part) => (part.type === 'reasoning' ? [part.text] : [])).join('') || null;
  return {
    text,
    content,
    toolCalls: content.flatMap((part) => (part.type === 'tool-call' ? [{ id: part.id, name: part.name, arguments: part.arguments }] : [])),
    reasoning,
    finishReason: { unified, raw: unified },
    usage: { inputTokens: 10, outputTokens: 5, reasoningTokens: 2 },
    responseModel: 'scripted',
    responseId: 'r1',
  };
}

const CALL: ContentPart = { type: 'tool-call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } };
const STREAMED_CALL: StreamPart[] = [
  { type: 'reasoning-delta', text: 'The user wants ' },
  { type: 'reasoning-delta', text: 'the weather.' },
  { type: 'tool-call-start', id: 'call_1', name: 'get_weather' },
  { type: 'tool-call-delta', id: 'call_1', argumentsDelta: '{"city":' },
  { type: 'tool-call-delta', id: 'call_1', argumentsDelta: '"Paris"}' },
  { type: 'tool-call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } },
];

let fixture: GatewayFixture | null = null;
afterEach(async () => {
  await fixture?.close();
  fixture = null;
});

async function over(models: ScriptedModels): Promise<GatewayFixture> {
  fixture = await gatewayFixture({ executor: { factory: models } });
  return fixture;
}

describe('OpenAI Chat Completions beyond text', () => {
  it('passes tools and tool_choice through and answers with tool_calls', async () => {
    const models = new ScriptedModels(toolAnswer([CALL]));
    const gateway = await over(models);
    const answer = await gateway.openai().chat.completions.create({
      model: 'default',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', description: 'Current weather', parameters: WEATHER } }],
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
      parallel_tool_calls: false,
    });
    expect(answer.choices[0]?.finish_reason).toBe('tool_calls');
    expect(answer.choices[0]?.message.content).toBeNull();
    expect(answer.choices[0]?.message.tool_calls).toEqual([{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }]);
    expect(answer.usage?.completion_tokens_details?.reasoning_tokens).toBe(2);
    expect(models.requests[0]).toMatchObject({
      tools: [{ name: 'get_weather', description: 'Current weather', parameters: WEATHER }],
      toolChoice: { name: 'get_weather' },
      parallelToolCalls: false,
    });
  });

  it('streams tool calls in pieces the client assembles', async () => {
    const gateway = await over(new ScriptedModels(toolAnswer([{ type: 'reasoning', text: 'The user wants the weather.' }, CALL]), STREAMED_CALL));
    const stream = gateway.openai().chat.completions.stream({
      model: 'default',
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
      tools: [{ type: 'function', function: { name: 'get_weather', parameters: WEATHER } }],
    });
    const final = await stream.finalChatCompletion();
    expect(final.choices[0]?.finish_reason).toBe('tool_calls');
    expect(final.choices[0]?.message.tool_calls?.[0]).toMatchObject({ id: 'call_1', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } });
  });

  it('sends the tool call and its result back as history, images as image parts', async () => {
    const models = new ScriptedModels(toolAnswer([{ type: 'text', text: 'It is 21 °C in Paris.' }], 'stop'));
    const gateway = await over(models);
    const answer = await gateway.openai().chat.completions.create({
      model: 'default',
      messages: [
        { role: 'user', content: [{ type: 'text', text: 'Weather where this photo was taken?' }, { type: 'image_url', image_url: { url: 'data:image/png;base64,iVBORw0KGgo=' } }] },
        { role: 'assistant', content: null, tool_calls: [{ id: 'call_1', type: 'function', function: { name: 'get_weather', arguments: '{"city":"Paris"}' } }] },
        { role: 'tool', tool_call_id: 'call_1', content: '{"temperature":21}' },
      ],
    });
    expect(answer.choices[0]?.message.content).toBe('It is 21 °C in Paris.');
    expect(models.requests[0]?.messages).toEqual([
      { role: 'user', content: [{ type: 'text', text: 'Weather where this photo was taken?' }, { type: 'image', image: 'data:image/png;base64,iVBORw0KGgo=' }] },
      { role: 'assistant', content: [{ type: 'tool-call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }] },
      { role: 'tool', content: [{ type: 'tool-result', id: 'call_1', name: 'get_weather', result: '{"temperature":21}' }] },
    ]);
  });

  it('passes response_format json_schema through as structured output, and reasoning_effort', async () => {
    const models = new ScriptedModels(toolAnswer([{ type: 'text', text: '{"city":"Paris"}' }], 'stop'));
    const gateway = await over(models);
    const answer = await gateway.openai().chat.completions.create({
      model: 'default',
      messages: [{ role: 'user', content: 'Which city?' }],
      response_format: { type: 'json_schema', json_schema: { name: 'city', schema: WEATHER, strict: true } },
      reasoning_effort: 'high',
    });
    expect(JSON.parse(answer.choices[0]?.message.content ?? '')).toEqual({ city: 'Paris' });
    expect(models.requests[0]).toMatchObject({ responseFormat: { type: 'json', schema: WEATHER, name: 'city' }, reasoning: { effort: 'high' } });
  });

  it('refuses a malformed tool with 400 before any call', async () => {
    const models = new ScriptedModels(toolAnswer([CALL]));
    const gateway = await over(models);
    const response = await fetch(`${gateway.url}/v1/chat/completions`, {
      method: 'POST',
      body: JSON.stringify({ model: 'default', messages: [{ role: 'user', content: 'x' }], tools: [{ type: 'function' }] }),
    });
    expect(response.status).toBe(400);
    expect(await response.json()).toMatchObject({ error: { message: expect.stringContaining('tools[0]') } });
    expect(models.requests).toHaveLength(0);
  });
});

describe('Anthropic Messages beyond text', () => {
  it('passes tools, tool_choice and thinking through and answers with thinking and tool_use blocks', async () => {
    const models = new ScriptedModels(toolAnswer([{ type: 'reasoning', text: 'Need the weather.', signature: 'sig-1' }, CALL]));
    const gateway = await over(models);
    const answer = await gateway.anthropic().messages.create({
      model: 'default',
      max_tokens: 2048,
      thinking: { type: 'enabled', budget_tokens: 1024 },
      tools: [{ name: 'get_weather', description: 'Current weather', input_schema: WEATHER as Anthropic.Tool.InputSchema }],
      tool_choice: { type: 'any', disable_parallel_tool_use: true },
      messages: [{ role: 'user', content: 'Weather in Paris?' }],
    });
    expect(answer.stop_reason).toBe('tool_use');
    expect(answer.content).toEqual([
      { type: 'thinking', thinking: 'Need the weather.', signature: 'sig-1' },
      { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
    ]);
    expect(models.requests[0]).toMatchObject({
      tools: [{ name: 'get_weather', description: 'Current weather', parameters: WEATHER }],
      toolChoice: 'required',
      parallelToolCalls: false,
      reasoning: { budgetTokens: 1024 },
    });
  });

  it('streams thinking and a tool call as content blocks the client assembles', async () => {
    const gateway = await over(new ScriptedModels(toolAnswer([{ type: 'reasoning', text: 'The user wants the weather.' }, CALL]), STREAMED_CALL));
    const final = await gateway
      .anthropic()
      .messages.stream({
        model: 'default',
        max_tokens: 2048,
        tools: [{ name: 'get_weather', input_schema: WEATHER as Anthropic.Tool.InputSchema }],
        messages: [{ role: 'user', content: 'Weather in Paris?' }],
      })
      .finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content).toMatchObject([
      { type: 'thinking', thinking: 'The user wants the weather.' },
      { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
    ]);
  });

  it('streams signed and redacted thinking: signature_delta per block, redacted_thinking whole; the OpenAI stream leaves both out', async () => {
    const parts: StreamPart[] = [
      { type: 'reasoning-delta', text: 'First, ' },
      { type: 'reasoning-delta', text: 'the city.' },
      { type: 'reasoning-delta', text: '', signature: 'sig-' },
      { type: 'reasoning-delta', text: '', signature: 'sig-1' },
      { type: 'reasoning-delta', text: 'Then the tool.' },
      { type: 'reasoning-delta', text: '', signature: 'sig-2' },
      { type: 'reasoning-delta', text: '', redactedData: 'ENCRYPTED' },
      ...STREAMED_CALL.slice(2),
    ];
    const content: ContentPart[] = [
      { type: 'reasoning', text: 'First, the city.', signature: 'sig-1' },
      { type: 'reasoning', text: 'Then the tool.', signature: 'sig-2' },
      { type: 'reasoning', text: '', redactedData: 'ENCRYPTED' },
      CALL,
    ];
    const gateway = await over(new ScriptedModels(toolAnswer(content), parts));
    const request = { model: 'default', max_tokens: 2048, messages: [{ role: 'user' as const, content: 'Weather in Paris?' }] };
    const stream = gateway.anthropic().messages.stream(request);
    const deltas: string[] = [];
    stream.on('streamEvent', (event) => {
      if (event.type === 'content_block_delta') deltas.push(event.delta.type);
    });
    const final = await stream.finalMessage();
    expect(final.content).toEqual([
      { type: 'thinking', thinking: 'First, the city.', signature: 'sig-1' },
      { type: 'thinking', thinking: 'Then the tool.', signature: 'sig-2' },
      { type: 'redacted_thinking', data: 'ENCRYPTED' },
      { type: 'tool_use', id: 'call_1', name: 'get_weather', input: { city: 'Paris' } },
    ]);
    // One signature_delta per signed block, as Anthropic sends them.
    expect(deltas.filter((type) => type === 'signature_delta')).toHaveLength(2);

    const chunks = await gateway.openai().chat.completions.create({ model: 'default', messages: request.messages, stream: true });
    const reasoning: unknown[] = [];
    for await (const chunk of chunks) {
      const delta = chunk.choices[0]?.delta as { reasoning_content?: unknown } | undefined;
      if (delta !== undefined && 'reasoning_content' in delta) reasoning.push(delta.reasoning_content);
    }
    expect(reasoning).toEqual(['First, ', 'the city.', 'Then the tool.']);
  });

  it('turns tool_result blocks into tool messages and base64 images into image parts', async () => {
    const models = new ScriptedModels(toolAnswer([{ type: 'text', text: 'It is 21 °C.' }], 'stop'));
    const gateway = await over(models);
    await gateway.anthropic().messages.create({
      model: 'default',
      max_tokens: 256,
      messages: [
        { role: 'user', content: [{ type: 'image', source: { type: 'base64', media_type: 'image/png', data: 'iVBORw0KGgo=' } }, { type: 'text', text: 'Weather there?' }] },
        { role: 'assistant', content: [{ type: 'tool_use', id: 'toolu_1', name: 'get_weather', input: { city: 'Paris' } }] },
        { role: 'user', content: [{ type: 'tool_result', tool_use_id: 'toolu_1', content: '{"temperature":21}' }] },
      ],
    });
    expect(models.requests[0]?.messages).toEqual([
      { role: 'user', content: [{ type: 'image', image: 'iVBORw0KGgo=', mediaType: 'image/png' }, { type: 'text', text: 'Weather there?' }] },
      { role: 'assistant', content: [{ type: 'tool-call', id: 'toolu_1', name: 'get_weather', arguments: { city: 'Paris' } }] },
      { role: 'tool', content: [{ type: 'tool-result', id: 'toolu_1', name: 'get_weather', result: '{"temperature":21}' }] },
    ]);
  });
});
