/**
 * Message translation per provider: what each real SDK puts on the wire for
 * system prompts, consecutive same-role messages and empty content. The
 * SDK's transport (`fetch`) records each request body on its way to the simulator.
 */
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderCallError } from '../../src/errors/ProviderCallError.js';
import type { FetchFunction } from '../../src/providers/client-settings.js';
import type { Message } from '../../src/providers/spec.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { anthropicSubject, bedrockSubject, googleSubject, openAICompatibleSubject, openAISubject, type AdapterSubject } from './subjects.js';

interface Captured {
  readonly url: string;
  readonly body: Record<string, unknown>;
}

let simulator: Simulator;
let captured: Captured[] = [];

const capturingFetch: FetchFunction = async (input, init) => {
  const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
  captured.push({ url, body: JSON.parse(String(init?.body ?? '{}')) as Record<string, unknown> });
  return fetch(input, init);
};

beforeAll(async () => {
  simulator = await startSimulator();
});
afterAll(async () => {
  await simulator.close();
});
beforeEach(() => {
  captured = [];
});

function adapter(subject: AdapterSubject, params?: Record<string, unknown>) {
  return subject.createAdapter(simulator.url, 'model-x', { fetch: capturingFetch, ...(params ? { params } : {}) });
}

async function sent(subject: AdapterSubject, messages: readonly Message[], more: Record<string, unknown> = {}, params?: Record<string, unknown>) {
  await adapter(subject, params).generate({ model: 'model-x', messages, ...more });
  expect(captured).toHaveLength(1);
  return captured[0] as Captured;
}

const conversation: Message[] = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: 'First question.' },
  { role: 'user', content: [{ type: 'text', text: 'Second ' }, { type: 'text', text: 'question.' }] },
  { role: 'assistant', content: '' },
  { role: 'system', content: 'Answer in English.' },
  { role: 'assistant', content: 'An answer.' },
  { role: 'user', content: 'Thanks.' },
];

describe.each([openAISubject, openAICompatibleSubject])('$name: chat completions body', (subject) => {
  it('keeps every message and role as sent (the API takes system turns, repeats and empty content)', async () => {
    const { url, body } = await sent(subject, conversation);
    expect(url).toBe(`${simulator.url}/v1/chat/completions`);
    expect(body['messages']).toEqual([
      { role: 'system', content: 'You are terse.' },
      { role: 'user', content: 'First question.' },
      { role: 'user', content: 'Second question.' },
      { role: 'assistant', content: '' },
      { role: 'system', content: 'Answer in English.' },
      { role: 'assistant', content: 'An answer.' },
      { role: 'user', content: 'Thanks.' },
    ]);
  });

  it('maps parameters; catalog params win over the caller and unknown keys pass through', async () => {
    const { body } = await sent(
      subject,
      [{ role: 'user', content: 'Hi' }],
      { maxTokens: 50, temperature: 0.2, topP: 0.5, stop: ['END'] },
      { temperature: 0.9, seed: 7 },
    );
    const maxField = subject.name === 'openai' ? 'max_completion_tokens' : 'max_tokens';
    expect(body).toMatchObject({ model: 'model-x', [maxField]: 50, temperature: 0.9, top_p: 0.5, stop: ['END'], seed: 7 });
    expect(body).not.toHaveProperty('stream');
  });

  it('streams with stream: true and usage requested', async () => {
    for await (const part of adapter(subject).stream({ model: 'model-x', messages: [{ role: 'user', content: 'Hi' }] })) void part;
    expect(captured[0]?.body).toMatchObject({ stream: true, stream_options: { include_usage: true } });
  });
});

describe('anthropic: messages body', () => {
  it('splits system prompts out, merges same-role turns, drops empty content', async () => {
    const { url, body } = await sent(anthropicSubject, conversation);
    expect(url).toBe(`${simulator.url}/v1/messages`);
    expect(body['system']).toBe('You are terse.\n\nAnswer in English.');
    expect(body['messages']).toEqual([
      {
        role: 'user',
        content: [
          { type: 'text', text: 'First question.' },
          { type: 'text', text: 'Second question.' },
        ],
      },
      { role: 'assistant', content: 'An answer.' },
      { role: 'user', content: 'Thanks.' },
    ]);
    expect(body['max_tokens']).toBe(1024);
  });

  it('puts a user turn first when the conversation starts with the assistant, and trims a final prefill', async () => {
    const { body } = await sent(anthropicSubject, [
      { role: 'assistant', content: 'Hello, how can I help?' },
      { role: 'user', content: 'Write a haiku.' },
      { role: 'assistant', content: 'Here it is: \n' },
    ]);
    expect(body['messages']).toEqual([
      { role: 'user', content: '.' },
      { role: 'assistant', content: 'Hello, how can I help?' },
      { role: 'user', content: 'Write a haiku.' },
      { role: 'assistant', content: 'Here it is:' },
    ]);
    expect(body).not.toHaveProperty('system');
  });

  it('maps parameters: stop → stop_sequences, catalog max_tokens over the caller', async () => {
    const { body } = await sent(
      anthropicSubject,
      [{ role: 'user', content: 'Hi' }],
      { maxTokens: 50, temperature: 0.2, topP: 0.5, stop: ['END'] },
      { max_tokens: 300, top_k: 5 },
    );
    expect(body).toMatchObject({ model: 'model-x', max_tokens: 300, temperature: 0.2, top_p: 0.5, stop_sequences: ['END'], top_k: 5 });
  });

  it('a request with no non-empty message is a clear invalid_request, and nothing is sent', async () => {
    const error = await adapter(anthropicSubject)
      .generate({ model: 'model-x', messages: [{ role: 'system', content: 'Only a system prompt' }, { role: 'user', content: '' }] })
      .catch((caught: unknown) => caught);
    expect(ProviderCallError.isInstance(error)).toBe(true);
    expect((error as ProviderCallError).fact.kind).toBe('invalid_request');
    expect(captured).toHaveLength(0);
  });
});

describe('google: generateContent body', () => {
  it('systemInstruction, role model, merged turns, empty content dropped', async () => {
    const { url, body } = await sent(googleSubject, conversation);
    expect(url).toBe(`${simulator.url}/v1beta/models/model-x:generateContent`);
    expect(body['systemInstruction']).toMatchObject({ parts: [{ text: 'You are terse.\n\nAnswer in English.' }] });
    expect(body['contents']).toEqual([
      { role: 'user', parts: [{ text: 'First question.' }, { text: 'Second question.' }] },
      { role: 'model', parts: [{ text: 'An answer.' }] },
      { role: 'user', parts: [{ text: 'Thanks.' }] },
    ]);
  });

  it('maps parameters into generationConfig; snake_case extras become camelCase', async () => {
    const { body } = await sent(
      googleSubject,
      [{ role: 'user', content: 'Hi' }],
      { maxTokens: 50, temperature: 0.2, topP: 0.5, stop: ['END'] },
      { top_k: 5, temperature: 0.7 },
    );
    expect(body['generationConfig']).toMatchObject({ maxOutputTokens: 50, temperature: 0.7, topP: 0.5, stopSequences: ['END'], topK: 5 });
  });

  it('streams from :streamGenerateContent with alt=sse', async () => {
    for await (const part of adapter(googleSubject).stream({ model: 'model-x', messages: [{ role: 'user', content: 'Hi' }] })) void part;
    expect(captured[0]?.url).toBe(`${simulator.url}/v1beta/models/model-x:streamGenerateContent?alt=sse`);
  });

  it('a request with no non-empty message is a clear invalid_request, and nothing is sent', async () => {
    const error = await adapter(googleSubject)
      .generate({ model: 'model-x', messages: [{ role: 'assistant', content: '' }] })
      .catch((caught: unknown) => caught);
    expect((error as ProviderCallError).fact.kind).toBe('invalid_request');
    expect(captured).toHaveLength(0);
  });
});

describe('bedrock: Converse body', () => {
  it('system blocks, merged same-role turns of content blocks, empty content dropped; the model in the path', async () => {
    const { url, body } = await sent(bedrockSubject, conversation);
    expect(url).toBe(`${simulator.url}/model/model-x/converse`);
    expect(body['system']).toEqual([{ text: 'You are terse.' }, { text: 'Answer in English.' }]);
    expect(body['messages']).toEqual([
      { role: 'user', content: [{ text: 'First question.' }, { text: 'Second ' }, { text: 'question.' }] },
      { role: 'assistant', content: [{ text: 'An answer.' }] },
      { role: 'user', content: [{ text: 'Thanks.' }] },
    ]);
    expect(body).not.toHaveProperty('modelId');
    expect(body).not.toHaveProperty('inferenceConfig');
  });

  it('puts a user turn first when the conversation starts with the assistant, and trims a final prefill', async () => {
    const { body } = await sent(bedrockSubject, [
      { role: 'assistant', content: 'Hello, how can I help?' },
      { role: 'user', content: 'Write a haiku.' },
      { role: 'assistant', content: 'Here it is: \n' },
    ]);
    expect(body['messages']).toEqual([
      { role: 'user', content: [{ text: '.' }] },
      { role: 'assistant', content: [{ text: 'Hello, how can I help?' }] },
      { role: 'user', content: [{ text: 'Write a haiku.' }] },
      { role: 'assistant', content: [{ text: 'Here it is:' }] },
    ]);
  });

  it('maps parameters: inferenceConfig, Converse fields to the top level, any other key to the model', async () => {
    const guardrail = { guardrailIdentifier: 'gr-1', guardrailVersion: '1' };
    const { body } = await sent(
      bedrockSubject,
      [{ role: 'user', content: 'Hi' }],
      { maxTokens: 50, temperature: 0.2, topP: 0.5, stop: ['END'] },
      { max_tokens: 300, top_k: 5, guardrail_config: guardrail },
    );
    expect(body['inferenceConfig']).toEqual({ maxTokens: 300, temperature: 0.2, topP: 0.5, stopSequences: ['END'] });
    expect(body['guardrailConfig']).toEqual(guardrail);
    expect(body['additionalModelRequestFields']).toEqual({ top_k: 5 });
  });

  it('streams from /converse-stream', async () => {
    for await (const part of adapter(bedrockSubject).stream({ model: 'model-x', messages: [{ role: 'user', content: 'Hi' }] })) void part;
    expect(captured[0]?.url).toBe(`${simulator.url}/model/model-x/converse-stream`);
  });

  it('a request with no non-empty message is a clear invalid_request, and nothing is sent', async () => {
    const error = await adapter(bedrockSubject)
      .generate({ model: 'model-x', messages: [{ role: 'system', content: 'Only a system prompt' }, { role: 'user', content: '' }] })
      .catch((caught: unknown) => caught);
    expect(ProviderCallError.isInstance(error)).toBe(true);
    expect((error as ProviderCallError).fact).toMatchObject({ kind: 'invalid_request', message: 'Bedrock needs at least one non-empty user or assistant message; the request has none' });
    expect(captured).toHaveLength(0);
  });
});
