/**
 * The error corpus: real error responses from OpenAI, Azure OpenAI,
 * Anthropic, Google (AI Studio and Vertex), Bedrock and the OpenAI-compatible
 * servers (Groq, Together, Fireworks, Mistral, DeepSeek, Moonshot, OpenRouter,
 * xAI, vLLM, Ollama, LM Studio, llama.cpp), each as its provider's docs or a
 * public bug report shows it (`source` names where). Every case is served
 * over real HTTP on 127.0.0.1, thrown by the real SDK the provider is used
 * through (the openai SDK for the OpenAI-compatible ones), and classified:
 * kind, retryability and retry-after must be what the case says.
 */
import { readdirSync, readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import Anthropic from '@anthropic-ai/sdk';
import { classifyError } from '../../src/errors/classify.js';
import type { ErrorKind } from '../../src/errors/kinds.js';
import { callSdk, thrownBy, type SdkName } from './support/sdkCalls.js';
import { startLocalServer, type LocalServer } from './support/localServer.js';

/** One recorded response and what detour must make of it. */
export interface CorpusCase {
  readonly name: string;
  /** The SDK the provider is reached through. */
  readonly sdk: SdkName;
  readonly status: number;
  readonly headers?: Readonly<Record<string, string>>;
  /** A JSON body, or the raw text the server sent. */
  readonly body: unknown;
  readonly expect: { readonly kind: ErrorKind; readonly retryable: boolean; readonly retryAfterMs: number | null };
  /** Where the response was published: provider docs or a public bug report. */
  readonly source: string;
  /**
   * `report`: status and body (or its message) as the cited public report shows them.
   * `docs`: status, error type and message as the cited documentation gives them, in the
   * provider's documented error shape (docs rarely print a whole response).
   */
  readonly evidence: 'report' | 'docs';
}

const folder = path.join(path.dirname(fileURLToPath(import.meta.url)), 'corpus');
const corpus: Record<string, CorpusCase[]> = Object.fromEntries(
  readdirSync(folder)
    .filter((file) => file.endsWith('.json'))
    .sort()
    .map((file) => [file.replace(/\.json$/, ''), JSON.parse(readFileSync(path.join(folder, file), 'utf8')) as CorpusCase[]]),
);
/** A fixed clock, so HTTP-date retry-after values give fixed waits. */
const NOW = Date.parse('2026-12-01T12:00:00Z');

let server: LocalServer;
let url = '';
beforeAll(async () => {
  server = await startLocalServer((request, response) => {
    const [, , provider = '', index = ''] = (request.url ?? '').split('/');
    const entry = corpus[provider]?.[Number(index)];
    if (entry === undefined) {
      response.writeHead(500, { 'content-type': 'text/plain' });
      response.end(`no corpus case at ${request.url ?? ''}`);
      return;
    }
    const raw = typeof entry.body === 'string';
    response.writeHead(entry.status, { 'content-type': raw ? 'text/plain' : 'application/json', ...entry.headers });
    response.end(raw ? (entry.body as string) : JSON.stringify(entry.body));
  });
  url = server.url;
});
afterAll(() => server.close());

it('holds at least 120 cases across every provider the issue names', () => {
  const providers = Object.keys(corpus);
  expect(providers).toEqual(
    expect.arrayContaining(['openai', 'azure-openai', 'anthropic', 'google-ai-studio', 'google-vertex', 'bedrock', 'groq', 'together', 'fireworks', 'mistral', 'deepseek', 'moonshot', 'openrouter', 'xai', 'vllm', 'ollama', 'lm-studio', 'llama-cpp']),
  );
  expect(Object.values(corpus).flat().length).toBeGreaterThanOrEqual(120);
  for (const entry of Object.values(corpus).flat()) {
    expect(entry.source, entry.name).toMatch(/^https:\/\//);
    expect(['report', 'docs']).toContain(entry.evidence);
  }
});

for (const [provider, cases] of Object.entries(corpus)) {
  describe(provider, () => {
    it.each(cases.map((entry, index) => [entry.name, index, entry] as const))('%s', async (_name, index, entry) => {
      const error = await thrownBy(callSdk(entry.sdk, `${url}/c/${provider}/${index}`));
      const fact = classifyError(error, { now: NOW });
      expect({ kind: fact.kind, retryable: fact.retryable, retryAfterMs: fact.retryAfterMs }, fact.message).toEqual(entry.expect);
    });
  });
}

describe('anthropic SDK refusals before any request', () => {
  it('"Streaming is required" for a long non-streamed call is an invalid request, not a retryable connection error', async () => {
    const client = new Anthropic({ apiKey: 'sk-ant-test', baseURL: url, maxRetries: 0 });
    // The SDK throws synchronously, before any request.
    const error = await thrownBy((async () => client.messages.create({ model: 'claude-opus-4-1', max_tokens: 200_000, messages: [{ role: 'user', content: 'hi' }] }))());
    const fact = classifyError(error, { provider: 'anthropic' });
    expect(fact).toMatchObject({ kind: 'invalid_request', retryable: false, code: 'streaming_required', status: null });
    expect(fact.message).toMatch(/^Streaming is required/);
  });
});
