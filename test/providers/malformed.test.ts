/**
 * A 200 whose body is not the provider's response (empty, `null`, HTML from a
 * proxy, cut-off JSON): through the real SDKs, every adapter throws a
 * classified error with detour's own message (never "Cannot read properties
 * of undefined"), and a session follows its policy to the next model.
 */
import { createServer, type Server } from 'node:http';
import type { AddressInfo } from 'node:net';
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { ProviderCallError } from '../../src/errors/ProviderCallError.js';
import { AnthropicAdapter } from '../../src/providers/anthropic/anthropic-adapter.js';
import { GoogleAdapter } from '../../src/providers/google/google-adapter.js';
import { OpenAIAdapter } from '../../src/providers/openai/openai-adapter.js';
import type { ProviderAdapter } from '../../src/providers/spec.js';
import { requestsTo, simulatedExecutor, simulator, yamlPolicy } from '../executor/simulated.js';

const bodies: Record<string, { readonly type: string; readonly body: string }> = {
  'an empty body': { type: 'application/json', body: '' },
  'null': { type: 'application/json', body: 'null' },
  'a JSON string': { type: 'application/json', body: '"ok"' },
  'a list': { type: 'application/json', body: '[]' },
  'cut-off JSON': { type: 'application/json', body: '{"id":"x","choices":[{"message":{"content":"Hel' },
  'an HTML page from a proxy': { type: 'text/html', body: '<html><body>Welcome to nginx!</body></html>' },
};

describe('a malformed 200 through each real SDK', () => {
  let server: Server;
  let url = '';
  let next: { readonly type: string; readonly body: string } = { type: 'application/json', body: '' };

  beforeAll(async () => {
    server = createServer((request, response) => {
      request.resume();
      request.on('end', () => {
        response.writeHead(200, { 'content-type': next.type });
        response.end(next.body);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => new Promise<void>((resolve) => server.close(() => resolve())));

  const adapters: Record<string, () => ProviderAdapter> = {
    openai: () => new OpenAIAdapter({ client: new OpenAI({ apiKey: 'k', baseURL: `${url}/v1`, maxRetries: 0 }), modelId: 'gpt-4o' }),
    anthropic: () => new AnthropicAdapter({ client: new Anthropic({ apiKey: 'k', baseURL: url, maxRetries: 0 }), modelId: 'claude-haiku-4-5' }),
    google: () =>
      new GoogleAdapter({
        client: new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: url, retryOptions: { attempts: 1 } } }),
        modelId: 'gemini-2.0-flash',
      }),
  };

  for (const [provider, adapter] of Object.entries(adapters)) {
    for (const [what, body] of Object.entries(bodies)) {
      it(`${provider}: ${what} is a retryable server fault with detour's message`, async () => {
        next = body;
        const error = await adapter()
          .generate({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })
          .then(() => null, (thrown: unknown) => thrown);
        expect(ProviderCallError.isInstance(error), String(error)).toBe(true);
        const fact = (error as ProviderCallError).fact;
        expect(fact).toMatchObject({ kind: 'service_unavailable', status: 200, code: 'malformed_response', retryable: true, provider });
        expect(fact.message).toMatch(new RegExp(`^${provider} answered 200 with a body that is not a response`));
        expect(fact.message).not.toMatch(/Cannot read|undefined|Unexpected token|in JSON at position/);
      });
    }
  }
});

describe('a session meeting a malformed 200', () => {
  it('falls back to the next model, as the policy says for a server fault', async () => {
    const sim = await simulator({ models: { 'gpt-a': { faults: [{ type: 'malformed_json' }] } } });
    try {
      const executor = simulatedExecutor(sim, yamlPolicy('primary_model: a\nfallback_models: [b]\n'));
      const result = await executor.generate({ policy: 'default', messages: [{ role: 'user', content: 'hi' }] });
      expect(result.model).toBe('b');
      expect(requestsTo(sim, 'gpt-a')).toBe(1);
      const first = result.session.attempts[0];
      expect(first?.error?.kind).toBe('service_unavailable');
      expect(first?.error?.message).toMatch(/^openai answered 200 with a body that is not a response/);
    } finally {
      await sim.close();
    }
  });
});
