/**
 * SelfManagingFallbackFactory and adapterForClient, over the real SDKs against the simulator.
 */
import Anthropic from '@anthropic-ai/sdk';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import { GoogleGenAI } from '@google/genai';
import OpenAI from 'openai';
import { afterAll, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { ProviderCallError } from '../../src/errors/ProviderCallError.js';
import type { Policy } from '../../src/policy/types.js';
import { parsePolicy } from '../../src/policy/load.js';
import { adapterForClient, SelfManagingFallbackFactory } from '../../src/providers/factory.js';
import type { FetchFunction } from '../../src/providers/client-settings.js';
import type { GenerateRequest } from '../../src/providers/spec.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { BEDROCK_TEST_CREDENTIALS } from './subjects.js';

const POLICY = `
version: 1
name: factory-test
provider_config:
  openai:    { api_key_env: TEST_OPENAI_KEY, timeout: 30s, max_connections: 2 }
  anthropic: { }
  google:    { }
  local:     { type: openai_compatible, base_url: http://127.0.0.1:9/v1 }
models:
  gpt-4o:         { provider: openai }
  gpt-4o-short:   { provider: openai, model: gpt-4o, params: { max_tokens: 2 } }
  claude-instant: { provider: anthropic, model: claude-3-5-haiku-latest }
  gemini-pro:     { provider: google, model: gemini-2.0-flash }
  llama:          { provider: local, model: llama3.1 }
primary_model: gpt-4o
fallback_models: [gpt-4o-short, claude-instant, gemini-pro, llama]
`;

function policyFrom(text: string): Policy {
  const result = parsePolicy(text, 'factory-test.yaml');
  if (result.policy === null) throw new Error(result.diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
  return result.policy;
}

const KEYS = { TEST_OPENAI_KEY: 'sk-openai', ANTHROPIC_API_KEY: 'sk-ant', GEMINI_API_KEY: 'g-key' };
const hello = (model: string): GenerateRequest => ({ model, messages: [{ role: 'user', content: 'Hello there' }] });

let simulator: Simulator;
let policy: Policy;

beforeAll(async () => {
  simulator = await startSimulator({
    scenario: { models: { 'rate-limited': { faults: [{ type: 'rate_limit', retry_after: '1s' }] }, 'server-error': { faults: [{ type: 'server_error' }] } } },
  });
  policy = policyFrom(POLICY);
});
afterAll(async () => {
  await simulator.close();
});
beforeEach(() => {
  simulator.reset();
});

describe('SelfManagingFallbackFactory', () => {
  it('resolves every catalog name to an adapter of the right provider, all reaching the override URL', async () => {
    const factory = new SelfManagingFallbackFactory({ env: KEYS, baseUrlOverride: simulator.url });
    const expected = {
      'gpt-4o': ['openai', 'openai', 'gpt-4o'],
      'claude-instant': ['anthropic', 'anthropic', 'claude-3-5-haiku-latest'],
      'gemini-pro': ['google', 'google', 'gemini-2.0-flash'],
      llama: ['openai_compatible', 'local', 'llama3.1'],
    } as const;
    for (const [name, [providerType, provider, modelId]] of Object.entries(expected)) {
      const adapter = factory.getAdapter(policy, name);
      expect([adapter.providerType, adapter.provider, adapter.modelId]).toEqual([providerType, provider, modelId]);
      expect([adapter.serverAddress, adapter.serverPort]).toEqual(['127.0.0.1', simulator.port]);
      const response = await adapter.generate(hello(adapter.modelId));
      expect(response.text).toContain(`[${modelId}]`);
    }
    expect(simulator.counts().requests).toBe(4);
    await factory.close();
  });

  it('applies catalog params (max_tokens: 2 cuts the reply)', async () => {
    const factory = new SelfManagingFallbackFactory({ env: KEYS, baseUrlOverride: simulator.url });
    const response = await factory.getAdapter(policy, 'gpt-4o-short').generate(hello('gpt-4o'));
    expect(response.finishReason.unified).toBe('length');
    const full = await factory.getAdapter(policy, 'gpt-4o').generate(hello('gpt-4o'));
    expect(full.finishReason.unified).toBe('stop');
    await factory.close();
  });

  it('caches adapters per policy and model, and clients per provider configuration content', async () => {
    const factory = new SelfManagingFallbackFactory({ env: KEYS, baseUrlOverride: simulator.url });
    const first = factory.getAdapter(policy, 'gpt-4o');
    expect(factory.getAdapter(policy, 'gpt-4o')).toBe(first);
    const reloaded = policyFrom(POLICY);
    expect(reloaded).not.toBe(policy);
    expect(factory.getAdapter(reloaded, 'gpt-4o')).toBe(first);
    expect(factory.getAdapter(policy, 'gpt-4o-short')).not.toBe(first);
    const openai = policy.providers['openai'];
    if (openai === undefined) throw new Error('no openai provider');
    expect(await factory.createClient(openai)).toBe(await factory.createClient({ ...openai }));
    expect(await factory.createClient({ ...openai, timeoutMs: 1_000 })).not.toBe(await factory.createClient(openai));
    expect(await factory.createClient(openai)).toBeInstanceOf(OpenAI);
    await factory.close();
  });

  it('preloadSdks imports the SDKs a policy needs up front; with all three installed it reports nothing missing', async () => {
    const factory = new SelfManagingFallbackFactory({ env: KEYS, baseUrlOverride: simulator.url });
    expect(await factory.preloadSdks([policy])).toEqual([]);
  });

  it('a missing key fails at first use of that model, naming the variable; start-up and other models are fine', async () => {
    const env: Record<string, string | undefined> = { ANTHROPIC_API_KEY: 'sk-ant' };
    const factory = new SelfManagingFallbackFactory({ env, baseUrlOverride: simulator.url });
    expect(factory.getAdapter(policy, 'claude-instant').providerType).toBe('anthropic');
    const failure = (name: string): ProviderCallError => {
      try {
        factory.getAdapter(policy, name);
      } catch (error) {
        expect(ProviderCallError.isInstance(error)).toBe(true);
        return error as ProviderCallError;
      }
      throw new Error(`getAdapter(${name}) did not throw`);
    };
    const openai = failure('gpt-4o');
    expect(openai.fact.kind).toBe('authentication');
    expect(openai.fact.message).toBe('TEST_OPENAI_KEY is not set (needed by model gpt-4o, provider openai)');
    expect(failure('gemini-pro').fact.message).toBe('GEMINI_API_KEY (or GOOGLE_API_KEY) is not set (needed by model gemini-pro, provider google)');
    env['GOOGLE_API_KEY'] = 'g-key';
    expect(factory.getAdapter(policy, 'gemini-pro').providerType).toBe('google');
    env['TEST_OPENAI_KEY'] = 'sk-openai';
    await expect(factory.getAdapter(policy, 'gpt-4o').generate(hello('gpt-4o'))).resolves.toMatchObject({ text: expect.any(String) });
  });

  it('an OpenAI-compatible provider without api_key_env needs no key and never sends OPENAI_API_KEY', async () => {
    const seen: string[] = [];
    const recordingFetch: FetchFunction = (input, init) => {
      seen.push(new Headers(init?.headers).get('authorization') ?? '');
      return fetch(input, init);
    };
    const factory = new SelfManagingFallbackFactory({ env: { OPENAI_API_KEY: 'sk-secret' }, baseUrlOverride: simulator.url, fetch: recordingFetch });
    await factory.getAdapter(policy, 'llama').generate(hello('llama3.1'));
    expect(seen).toHaveLength(1);
    expect(seen[0]).not.toContain('sk-secret');
  });

  it('Azure-style: api-version in base_url sends the api-key header and calls the deployment', async () => {
    const azure = policyFrom(`
version: 1
name: azure
provider_config:
  azure: { type: openai_compatible, api_key_env: AZURE_KEY, base_url: "https://example.openai.azure.com/openai?api-version=2024-10-21" }
models:
  gpt-4o-azure: { provider: azure, model: my-deployment }
primary_model: gpt-4o-azure
`);
    const requests: { url: string; headers: Headers }[] = [];
    const toSimulator: FetchFunction = (input, init) => {
      const url = typeof input === 'string' ? input : input instanceof URL ? input.href : input.url;
      requests.push({ url, headers: new Headers(init?.headers) });
      return fetch(`${simulator.url}/v1/chat/completions`, init);
    };
    const factory = new SelfManagingFallbackFactory({ env: { AZURE_KEY: 'azure-secret' }, fetch: toSimulator });
    const response = await factory.getAdapter(azure, 'gpt-4o-azure').generate(hello('my-deployment'));
    expect(response.text).toContain('[my-deployment]');
    expect(requests[0]?.url).toBe('https://example.openai.azure.com/openai/deployments/my-deployment/chat/completions?api-version=2024-10-21');
    expect(requests[0]?.headers.get('api-key')).toBe('azure-secret');
  });

  it('max_connections: calls go through the pooled undici fetch and all succeed', async () => {
    const factory = new SelfManagingFallbackFactory({ env: KEYS, baseUrlOverride: simulator.url });
    const adapter = factory.getAdapter(policy, 'gpt-4o');
    const responses = await Promise.all(Array.from({ length: 6 }, () => adapter.generate(hello('gpt-4o'))));
    expect(responses.every((response) => response.finishReason.unified === 'stop')).toBe(true);
    expect(simulator.counts().models['gpt-4o']?.requests).toBe(6);
    await factory.close();
  });

  it('lists the catalog, routes a bare model name by prefix, and rejects an unknown one', () => {
    const factory = new SelfManagingFallbackFactory({ env: KEYS, baseUrlOverride: simulator.url, policies: [policy] });
    expect(factory.getAvailableModels()).toEqual(['gpt-4o', 'gpt-4o-short', 'claude-instant', 'gemini-pro', 'llama']);
    expect(factory.getAdapter(policy, 'claude-3-opus').providerType).toBe('anthropic');
    let error: unknown;
    try {
      factory.getAdapter(policy, 'mystery-model');
    } catch (caught) {
      error = caught;
    }
    expect((error as ProviderCallError).fact.kind).toBe('model_not_found');
  });
});

describe('adapterForClient: a caller-built client, its retries ignored', () => {
  it.each([
    ['openai', () => new OpenAI({ apiKey: 'k', baseURL: `${simulator.url}/v1`, maxRetries: 5 })],
    ['anthropic', () => new Anthropic({ apiKey: 'k', baseURL: simulator.url, maxRetries: 5 })],
    ['google', () => new GoogleGenAI({ apiKey: 'k', httpOptions: { baseUrl: simulator.url, retryOptions: { attempts: 5, initialDelay: 0.01 } } })],
    ['bedrock', () => new BedrockRuntimeClient({ region: 'us-east-1', endpoint: simulator.url, credentials: BEDROCK_TEST_CREDENTIALS, maxAttempts: 5, requestHandler: new NodeHttpHandler() })],
  ] as const)('%s: a 429 and a 500 each reach the server once', async (type, create) => {
    const client = create();
    for (const [model, kind] of [
      ['rate-limited', 'rate_limit'],
      ['server-error', 'service_unavailable'],
    ] as const) {
      const adapter = adapterForClient(client, model);
      expect(adapter.providerType).toBe(type);
      const error = await adapter.generate(hello(model)).catch((caught: unknown) => caught);
      expect((error as ProviderCallError).fact.kind).toBe(kind);
      expect(simulator.counts().models[model]?.requests).toBe(1);
    }
  });

  it("bedrock: the user's own BedrockRuntimeClient answers and streams through the Bedrock adapter", async () => {
    const client = new BedrockRuntimeClient({ region: 'us-west-2', endpoint: simulator.url, credentials: BEDROCK_TEST_CREDENTIALS, requestHandler: new NodeHttpHandler() });
    const adapter = adapterForClient(client, 'us.anthropic.claude-3-5-haiku-20241022-v1:0', { provider: 'my-bedrock', params: { max_tokens: 64 } });
    expect([adapter.providerType, adapter.provider]).toEqual(['bedrock', 'my-bedrock']);
    const response = await adapter.generate(hello(adapter.modelId));
    expect(response.text.length).toBeGreaterThan(0);
    const parts: string[] = [];
    for await (const part of adapter.stream(hello(adapter.modelId))) parts.push(part.type);
    expect(parts).toContain('text-delta');
    expect(parts.at(-1)).toBe('finish');
    expect(simulator.counts().models[adapter.modelId]?.requests).toBe(2);
    expect([adapter.serverAddress, adapter.serverPort]).toEqual(['127.0.0.1', simulator.port]);
  });

  it("bedrock: server.address is where the user's client sends requests: its endpoint, else its region's (FIPS included)", async () => {
    const regional = adapterForClient(new BedrockRuntimeClient({ region: 'eu-west-3', credentials: BEDROCK_TEST_CREDENTIALS }), 'anthropic.claude-3-haiku');
    const fips = adapterForClient(new BedrockRuntimeClient({ region: 'us-gov-west-1', useFipsEndpoint: true, credentials: BEDROCK_TEST_CREDENTIALS }), 'anthropic.claude-3-haiku');
    const custom = adapterForClient(new BedrockRuntimeClient({ region: 'us-west-2', endpoint: 'https://vpce-0abc.bedrock-runtime.us-west-2.vpce.amazonaws.com:8443/base', credentials: BEDROCK_TEST_CREDENTIALS }), 'm');
    // The SDK resolves region and endpoint asynchronously; the address follows as soon as they settle.
    await new Promise((resolve) => setImmediate(resolve));
    expect([regional.serverAddress, regional.serverPort]).toEqual(['bedrock-runtime.eu-west-3.amazonaws.com', 443]);
    expect(fips.serverAddress).toBe('bedrock-runtime-fips.us-gov-west-1.amazonaws.com');
    expect([custom.serverAddress, custom.serverPort]).toEqual(['vpce-0abc.bedrock-runtime.us-west-2.vpce.amazonaws.com', 8443]);
  });

  it('rejects something that is not an SDK client', () => {
    expect(() => adapterForClient({} as OpenAI, 'x')).toThrow(TypeError);
  });
});
