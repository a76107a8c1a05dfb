import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/server.js';
import { anthropicClient, azureClient, googleClient, openAIClient } from './clients.js';

let simulator: Simulator;

beforeAll(async () => {
  simulator = await startSimulator({ scenario: { models: { '*': { chunks: 4 } } } });
});

afterAll(async () => {
  await simulator.close();
});

const prompt = 'What is the capital of France? Answer in one word please.';
const expected = (model: string): string => `[${model}] reply to: ${prompt.slice(0, 40)}`;

describe('OpenAI protocol through the openai SDK', () => {
  it('answers a chat completion', async () => {
    const client = openAIClient(simulator.url);
    const { data, response } = await client.chat.completions
      .create({ model: 'gpt-4o', messages: [{ role: 'system', content: 'be brief' }, { role: 'user', content: prompt }] })
      .withResponse();
    expect(data.id).toMatch(/^chatcmpl-/);
    expect(data.object).toBe('chat.completion');
    expect(data.model).toBe('gpt-4o');
    expect(data.choices[0]?.message.content).toBe(expected('gpt-4o'));
    expect(data.choices[0]?.finish_reason).toBe('stop');
    expect(data.usage?.prompt_tokens).toBe(Math.ceil((prompt.length + 'be brief'.length) / 4));
    expect(data.usage?.completion_tokens).toBe(Math.ceil(expected('gpt-4o').length / 4));
    expect(response.headers.get('x-request-id')).toMatch(/^req_/);
  });

  it('streams chunks, a finish reason, a usage chunk and [DONE]', async () => {
    const client = openAIClient(simulator.url);
    const stream = await client.chat.completions.create({
      model: 'gpt-4o-mini',
      messages: [{ role: 'user', content: prompt }],
      stream: true,
      stream_options: { include_usage: true },
    });
    let text = '';
    const finishReasons: (string | null)[] = [];
    let usage: unknown = null;
    let chunks = 0;
    for await (const chunk of stream) {
      chunks += 1;
      text += chunk.choices[0]?.delta.content ?? '';
      if (chunk.choices[0] !== undefined) finishReasons.push(chunk.choices[0].finish_reason);
      if (chunk.usage) usage = chunk.usage;
    }
    expect(text).toBe(expected('gpt-4o-mini'));
    expect(chunks).toBe(1 + 4 + 1 + 1);
    expect(finishReasons.at(-1)).toBe('stop');
    expect(usage).toMatchObject({ prompt_tokens: Math.ceil(prompt.length / 4), completion_tokens: Math.ceil(text.length / 4) });
  });

  it('ends a stream with finish length when max_tokens cut it short', async () => {
    const client = openAIClient(simulator.url);
    const completion = await client.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: prompt }], max_tokens: 3 });
    expect(completion.choices[0]?.finish_reason).toBe('length');
    expect(completion.choices[0]?.message.content).toBe(expected('gpt-4o').slice(0, 12));
  });
});

describe('Azure OpenAI deployments through the openai SDK’s AzureOpenAI', () => {
  it('answers on /openai/deployments/{deployment}/chat/completions, streaming too', async () => {
    const client = azureClient(simulator.url, 'my-gpt4o');
    const completion = await client.chat.completions.create({ model: '', messages: [{ role: 'user', content: prompt }] });
    expect(completion.choices[0]?.message.content).toBe(expected('my-gpt4o'));
    let text = '';
    for await (const chunk of await client.chat.completions.create({ model: '', messages: [{ role: 'user', content: prompt }], stream: true })) {
      text += chunk.choices[0]?.delta.content ?? '';
    }
    expect(text).toBe(expected('my-gpt4o'));
  });
});

describe('Anthropic protocol through @anthropic-ai/sdk', () => {
  it('answers a message', async () => {
    const client = anthropicClient(simulator.url);
    const { data, response } = await client.messages
      .create({ model: 'claude-haiku-4-5', max_tokens: 1024, system: 'be brief', messages: [{ role: 'user', content: prompt }] })
      .withResponse();
    expect(data.id).toMatch(/^msg_/);
    expect(data.type).toBe('message');
    expect(data.role).toBe('assistant');
    expect(data.content).toEqual([{ type: 'text', text: expected('claude-haiku-4-5') }]);
    expect(data.stop_reason).toBe('end_turn');
    expect(data.usage.input_tokens).toBe(Math.ceil((prompt.length + 'be brief'.length) / 4));
    expect(data.usage.output_tokens).toBe(Math.ceil(expected('claude-haiku-4-5').length / 4));
    expect(response.headers.get('request-id')).toMatch(/^req_/);
  });

  it('streams every event type, in order', async () => {
    const client = anthropicClient(simulator.url);
    const stream = await client.messages.create({
      model: 'claude-3-5-haiku-latest',
      max_tokens: 1024,
      messages: [{ role: 'user', content: prompt }],
      stream: true,
    });
    const types: string[] = [];
    let text = '';
    for await (const event of stream) {
      types.push(event.type);
      if (event.type === 'content_block_delta' && event.delta.type === 'text_delta') text += event.delta.text;
      if (event.type === 'message_delta') expect(event.delta.stop_reason).toBe('end_turn');
    }
    expect(text).toBe(expected('claude-3-5-haiku-latest'));
    expect(types).toEqual([
      'message_start',
      'content_block_start',
      ...Array<string>(4).fill('content_block_delta'),
      'content_block_stop',
      'message_delta',
      'message_stop',
    ]);
  });

  it('feeds the SDK message stream helper a final message', async () => {
    const client = anthropicClient(simulator.url);
    const message = await client.messages
      .stream({ model: 'claude-haiku-4-5', max_tokens: 1024, messages: [{ role: 'user', content: prompt }] })
      .finalMessage();
    expect(message.content).toEqual([{ type: 'text', text: expected('claude-haiku-4-5') }]);
    expect(message.usage.output_tokens).toBe(Math.ceil(expected('claude-haiku-4-5').length / 4));
  });
});

describe('Google protocol through @google/genai', () => {
  it('answers generateContent', async () => {
    const client = googleClient(simulator.url);
    const response = await client.models.generateContent({
      model: 'gemini-2.0-flash',
      contents: prompt,
      config: { systemInstruction: 'be brief' },
    });
    expect(response.text).toBe(expected('gemini-2.0-flash'));
    expect(response.candidates?.[0]?.finishReason).toBe('STOP');
    expect(response.usageMetadata?.promptTokenCount).toBe(Math.ceil((prompt.length + 'be brief'.length) / 4));
    expect(response.usageMetadata?.candidatesTokenCount).toBe(Math.ceil(expected('gemini-2.0-flash').length / 4));
    expect(response.modelVersion).toBe('gemini-2.0-flash');
    expect(response.responseId).toBeTruthy();
  });

  it('streams generateContent over SSE, the last chunk with STOP', async () => {
    const client = googleClient(simulator.url);
    const stream = await client.models.generateContentStream({ model: 'gemini-2.0-flash', contents: prompt });
    let text = '';
    const finishReasons: unknown[] = [];
    for await (const chunk of stream) {
      text += chunk.text ?? '';
      finishReasons.push(chunk.candidates?.[0]?.finishReason);
    }
    expect(text).toBe(expected('gemini-2.0-flash'));
    expect(finishReasons).toEqual([undefined, undefined, undefined, 'STOP']);
  });
});

describe('other endpoints', () => {
  it('answers /health, /v1/models and /_detour/counts', async () => {
    const health = await fetch(`${simulator.url}/health`);
    expect(health.status).toBe(200);
    const models = await openAIClient(simulator.url).models.list();
    expect(models.data).toEqual([]);
    const counts = (await (await fetch(`${simulator.url}/_detour/counts`)).json()) as { requests: number };
    expect(counts.requests).toBe(simulator.counts().requests);
    expect(counts.requests).toBeGreaterThan(0);
  });

  it('answers unreadable requests in the protocol’s own error shape', async () => {
    const post = (path: string, body: unknown): Promise<Response> =>
      fetch(`${simulator.url}${path}`, { method: 'POST', body: JSON.stringify(body), headers: { 'content-type': 'application/json' } });
    const anthropic = await post('/v1/messages', { model: 'claude-haiku-4-5', messages: [] });
    expect(anthropic.status).toBe(400);
    expect(await anthropic.json()).toMatchObject({ type: 'error', error: { type: 'invalid_request_error', message: 'max_tokens: Field required' } });
    const google = await post('/v1beta/models/gemini-2.0-flash:generateContent', { nothing: true });
    expect(google.status).toBe(400);
    expect(await google.json()).toMatchObject({ error: { status: 'INVALID_ARGUMENT' } });
    const unknown = await post('/v2/nothing', {});
    expect(unknown.status).toBe(404);
  });
});
