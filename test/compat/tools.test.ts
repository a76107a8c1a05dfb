/**
 * The seed's API carries tools and response formats too: given in OpenAI's
 * wire shape in `parameters`, they reach a fallback on another provider
 * translated, and the answer's tool calls come back in detour's shape.
 */
import OpenAI from 'openai';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { FallbackClientWrapper } from '../../src/compat/FallbackClientWrapper.js';
import { splitFeatures } from '../../src/compat/requestFeatures.js';
import { SelfManagingFallbackFactory } from '../../src/providers/factory.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';

let sim: Simulator;

beforeAll(async () => {
  sim = await startSimulator({
    recordRequests: true,
    scenario: {
      models: {
        'gpt-4o': { faults: [{ type: 'server_error' }] },
        '*': { tool_calls: [{ name: 'get_weather', arguments: { city: 'Paris' } }] },
      },
    },
  });
});
afterAll(async () => {
  await sim.close();
});

const openAITools = [{ type: 'function', function: { name: 'get_weather', description: 'Weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } } }];

test('FallbackClientWrapper passes OpenAI-style tools and tool_choice through to an Anthropic fallback', async () => {
  const wrapper = new FallbackClientWrapper({
    primaryClient: new OpenAI({ apiKey: 'test-key', baseURL: `${sim.url}/v1`, maxRetries: 0 }),
    primaryModel: 'gpt-4o',
    fallbackModels: ['claude-instant'],
    baseDelay: 0,
    factory: new SelfManagingFallbackFactory({ baseUrlOverride: sim.url, apiKeyOverride: 'test-key' }),
  });
  const result = await wrapper.generate([{ role: 'user', content: 'Weather in Paris?' }], { max_tokens: 200, tools: openAITools, tool_choice: 'required' });
  expect(result.provider).toBe('anthropic');
  expect(result.toolCalls).toEqual([{ id: expect.any(String), name: 'get_weather', arguments: { city: 'Paris' } }]);
  const [openai, anthropic] = sim.requests().map((request) => request.body as Record<string, unknown>);
  expect(openai?.['tools']).toEqual(openAITools);
  expect(openai?.['tool_choice']).toBe('required');
  expect(anthropic?.['tools']).toEqual([{ name: 'get_weather', description: 'Weather', input_schema: openAITools[0]!.function.parameters }]);
  expect(anthropic?.['tool_choice']).toEqual({ type: 'any' });
  expect(anthropic?.['max_tokens']).toBe(200);
  await wrapper.close();
});

test('splitFeatures reads both spellings and leaves the rest as generation parameters', () => {
  expect(
    splitFeatures({
      temperature: 0.2,
      response_format: { type: 'json_schema', json_schema: { name: 'answer', schema: { type: 'object' } } },
      reasoning_effort: 'high',
      parallel_tool_calls: false,
      tool_choice: { type: 'function', function: { name: 'get_weather' } },
    }),
  ).toEqual({
    parameters: { temperature: 0.2 },
    features: { toolChoice: { name: 'get_weather' }, responseFormat: { type: 'json', schema: { type: 'object' }, name: 'answer' }, reasoning: { effort: 'high' }, parallelToolCalls: false },
  });
  const plain = { max_tokens: 5 };
  expect(splitFeatures(plain).parameters).toBe(plain);
});
