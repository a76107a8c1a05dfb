/**
 * An agent loop through the gateway, end to end: the real `openai` and
 * Anthropic clients call `detour serve`, whose adapters call the simulator
 * with the real provider SDKs. The primary is down; the fallback answers with
 * a tool call; the client sends the result back; structured output asks for
 * a schema.
 */
import type Anthropic from '@anthropic-ai/sdk';
import { afterEach, describe, expect, it } from 'vitest';
import { gatewayFixture, type GatewayFixture } from './support.js';

const WEATHER = { type: 'object', properties: { city: { type: 'string' } }, required: ['city'], additionalProperties: false };
const OUTAGE_WITH_TOOLS = {
  models: {
    'gpt-a': { faults: [{ type: 'service_unavailable' }] },
    'claude-b': { tool_calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }], reasoning: 'The user wants the weather.', json: 'valid' },
  },
};

let fixture: GatewayFixture | null = null;
afterEach(async () => {
  await fixture?.close();
  fixture = null;
});

describe('an agent loop through the gateway during an outage', () => {
  it('OpenAI client: the fallback model calls the tool; the result goes back; the answer follows', async () => {
    fixture = await gatewayFixture({ scenario: OUTAGE_WITH_TOOLS });
    const client = fixture.openai();
    const tools = [{ type: 'function' as const, function: { name: 'get_weather', description: 'Current weather', parameters: WEATHER } }];
    const first = await client.chat.completions.create({ model: 'default', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools }).withResponse();
    expect(first.response.headers.get('x-detour-model')).toBe('b');
    const call = first.data.choices[0]?.message.tool_calls?.[0];
    expect(first.data.choices[0]?.finish_reason).toBe('tool_calls');
    expect(call).toMatchObject({ type: 'function', function: { name: 'get_weather' } });
    expect(JSON.parse((call as { function: { arguments: string } }).function.arguments)).toEqual({ city: 'Paris' });
    const second = await client.chat.completions.create({
      model: 'default',
      tools,
      messages: [
        { role: 'user', content: 'Weather in Paris?' },
        { role: 'assistant', content: null, tool_calls: [call!] },
        { role: 'tool', tool_call_id: call!.id, content: '{"temperature":21}' },
      ],
    });
    expect(second.choices[0]?.finish_reason).toBe('stop');
    expect(second.choices[0]?.message.content).toContain('reply to');
  });

  it('OpenAI client, streamed: tool call deltas assemble into the call', async () => {
    fixture = await gatewayFixture({ scenario: OUTAGE_WITH_TOOLS });
    const final = await fixture
      .openai()
      .chat.completions.stream({ model: 'default', messages: [{ role: 'user', content: 'Weather in Paris?' }], tools: [{ type: 'function', function: { name: 'get_weather', parameters: WEATHER } }] })
      .finalChatCompletion();
    const call = final.choices[0]?.message.tool_calls?.[0] as { function: { name: string; arguments: string } } | undefined;
    expect(call?.function.name).toBe('get_weather');
    expect(JSON.parse(call!.function.arguments)).toEqual({ city: 'Paris' });
  });

  it('Anthropic client: thinking and tool_use blocks from the fallback, streamed', async () => {
    fixture = await gatewayFixture({ scenario: OUTAGE_WITH_TOOLS });
    const final = await fixture
      .anthropic()
      .messages.stream({ model: 'default', max_tokens: 1024, tools: [{ name: 'get_weather', input_schema: WEATHER as Anthropic.Tool.InputSchema }], messages: [{ role: 'user', content: 'Weather in Paris?' }] })
      .finalMessage();
    expect(final.stop_reason).toBe('tool_use');
    expect(final.content.find((block) => block.type === 'tool_use')).toMatchObject({ name: 'get_weather', input: { city: 'Paris' } });
  });

  it('Anthropic client, multi-turn, streamed: signed thinking and the tool call go back; the model accepts its own signature', async () => {
    fixture = await gatewayFixture({ scenario: OUTAGE_WITH_TOOLS });
    const client = fixture.anthropic();
    const tools = [{ name: 'get_weather', input_schema: WEATHER as Anthropic.Tool.InputSchema }];
    const thinking = { type: 'enabled' as const, budget_tokens: 1024 };
    const ask: Anthropic.MessageParam = { role: 'user', content: 'Weather in Paris?' };
    const first = await client.messages.stream({ model: 'default', max_tokens: 2048, thinking, tools, messages: [ask] }).finalMessage();
    const signed = first.content[0];
    expect(signed).toEqual({ type: 'thinking', thinking: 'The user wants the weather.', signature: expect.stringMatching(/^[A-Za-z0-9+/]+=*$/) });
    const call = first.content.find((block) => block.type === 'tool_use')!;
    const turn = (content: Anthropic.ContentBlockParam[]): Anthropic.MessageParam[] => [
      ask,
      { role: 'assistant', content },
      { role: 'user', content: [{ type: 'tool_result', tool_use_id: call.id, content: '{"temperature":21}' }] },
    ];
    const second = await client.messages.stream({ model: 'default', max_tokens: 2048, thinking, tools, messages: turn(first.content) }).finalMessage();
    expect(second.stop_reason).toBe('end_turn');
    expect(second.content.map((block) => block.type)).toEqual(['thinking', 'text']);
    // The check is real: thinking sent back with another signature is refused, as Anthropic refuses it.
    const forged = turn([{ ...(signed as Anthropic.ThinkingBlock), signature: 'forged' }, call]);
    const refused = await client.messages.stream({ model: 'default', max_tokens: 2048, thinking, tools, messages: forged }).finalMessage().catch((caught: unknown) => caught);
    expect(refused).toBeInstanceOf(Error);
    expect((refused as { status?: number }).status).toBe(400);
    expect(String(refused)).toContain('Invalid `signature` in `thinking` block');
  });

  it('structured output: response_format json_schema gets an object of the schema from the fallback', async () => {
    fixture = await gatewayFixture({ scenario: OUTAGE_WITH_TOOLS });
    const answer = await fixture.openai().chat.completions.create({
      model: 'default',
      messages: [{ role: 'user', content: 'Which city?' }],
      response_format: { type: 'json_schema', json_schema: { name: 'city', schema: WEATHER, strict: true } },
    });
    expect(JSON.parse(answer.choices[0]?.message.content ?? '')).toMatchObject({ city: expect.any(String) });
  });
});
