import { inspect } from 'node:util';
import Anthropic from '@anthropic-ai/sdk';
import * as AnthropicVertexSdk from '@anthropic-ai/vertex-sdk';
import { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import { NodeHttpHandler } from '@smithy/node-http-handler';
import * as GoogleSdk from '@google/genai';
import { GoogleGenAI } from '@google/genai';
import * as OpenAISdk from 'openai';
import OpenAI from 'openai';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LLMFallbackError } from '../../src/errors/LLMFallbackError.js';
import { ProviderCallError } from '../../src/errors/ProviderCallError.js';
import { scrubCause } from '../../src/errors/toProviderCallError.js';
import { Executor } from '../../src/executor/Executor.js';
import { parsePolicy } from '../../src/policy/load.js';
import { createPolicySet } from '../../src/policy/set.js';
import { adapterForClient, SelfManagingFallbackFactory } from '../../src/providers/factory.js';
import { noopTelemetry } from '../../src/telemetry/hooks.js';
import type { TelemetryHooks } from '../../src/telemetry/hooks.js';
import { AnthropicAdapter } from '../../src/providers/anthropic/anthropic-adapter.js';
import { GoogleAdapter } from '../../src/providers/google/google-adapter.js';
import { OpenAIAdapter } from '../../src/providers/openai/openai-adapter.js';
import type { ProviderAdapter } from '../../src/providers/spec.js';
import { createAzureOpenAIClient } from '../../src/providers/azure-openai/create-azure-openai-client.js';
import { createVertexAnthropicClient, createVertexGeminiClient } from '../../src/providers/vertex/create-vertex-clients.js';
import { testGoogleAuthClient } from './subjects.js';
import { startLocalServer, type LocalServer } from '../errors/support/localServer.js';

// An Azure-style key: 32 hex characters, which no key pattern recognises.
const key = '0f1e2d3c4b5a69788796a5b4c3d2e1f0';

describe('an API key the provider echoes back', () => {
  let server: LocalServer;
  let url = '';

  beforeAll(async () => {
    server = await startLocalServer((request, response) => {
      const sent = String(request.headers['authorization'] ?? request.headers['x-api-key'] ?? request.headers['x-goog-api-key'] ?? request.headers['api-key'] ?? '');
      // Some gateways echo the request's credentials in a response header; the SDKs keep the headers on their error.
      response.writeHead(401, { 'content-type': 'application/json', 'x-echo-authorization': sent, 'x-request-id': 'req_123' });
      const message = `Access denied: key ${key} is invalid (you sent ${sent}).`;
      response.end(JSON.stringify({ error: { code: 401, message, type: 'invalid_request_error', status: 'UNAUTHENTICATED' } }));
    });
    url = server.url;
  });
  afterAll(() => server.close());

  const azure = () => ({ baseUrl: `${url}/openai`, endpoint: '', apiVersion: '2024-10-21', timeoutMs: null, fetch: null, headers: {} });
  // The Google access token is the secret here: a google-auth-library client hands it to the SDK.
  const vertex = () => ({ baseUrl: url, timeoutMs: null, fetch: null, headers: {}, project: 'p', location: 'us-east5', authClient: testGoogleAuthClient(key) });

  const adapters: Record<string, () => ProviderAdapter> = {
    openai: () => new OpenAIAdapter({ client: new OpenAI({ apiKey: key, baseURL: `${url}/v1`, maxRetries: 0 }), modelId: 'gpt-4o' }),
    anthropic: () => new AnthropicAdapter({ client: new Anthropic({ apiKey: key, baseURL: url, maxRetries: 0 }), modelId: 'claude-haiku-4-5' }),
    google: () =>
      new GoogleAdapter({
        client: new GoogleGenAI({ apiKey: key, httpOptions: { baseUrl: url, retryOptions: { attempts: 1 } } }),
        modelId: 'gemini-2.0-flash',
      }),
    azure_openai: () =>
      new OpenAIAdapter({
        client: createAzureOpenAIClient(OpenAISdk, { ...azure(), apiKey: key, azureADTokenProvider: null }),
        modelId: 'gpt4o-deployment',
        providerType: 'azure_openai',
      }),
    'azure_openai (Entra ID token)': () =>
      new OpenAIAdapter({
        client: createAzureOpenAIClient(OpenAISdk, { ...azure(), apiKey: '', azureADTokenProvider: async () => key }),
        modelId: 'gpt4o-deployment',
        providerType: 'azure_openai',
      }),
    'vertex (Gemini)': () =>
      new GoogleAdapter({ client: createVertexGeminiClient(GoogleSdk, vertex()), modelId: 'gemini-2.5-flash', providerType: 'vertex' }),
    'vertex (Claude)': () =>
      new AnthropicAdapter({
        client: createVertexAnthropicClient(AnthropicVertexSdk, vertex()) as unknown as Anthropic,
        modelId: 'claude-sonnet-4@20250514',
        providerType: 'vertex',
      }),
  };

  for (const [name, adapter] of Object.entries(adapters)) {
    it(`is scrubbed from the ${name} adapter's error`, async () => {
      const error = await adapter()
        .generate({ model: 'm', messages: [{ role: 'user', content: 'hi' }] })
        .then(() => null, (thrown: unknown) => thrown);
      expect(ProviderCallError.isInstance(error)).toBe(true);
      const fact = (error as ProviderCallError).fact;
      expect(fact.kind).toBe('authentication');
      expect(fact.message).toContain('Access denied');
      expect(JSON.stringify(fact)).not.toContain(key);
      expect((error as ProviderCallError).message).not.toContain(key);
      // What `console.error(error)` prints: the whole cause chain, the SDK's own error and its Headers included.
      expect(inspect(error)).not.toContain(key);
      expect(inspect(error, { depth: 10, showHidden: true })).not.toContain(key);
      const headers = ((error as ProviderCallError).cause as { headers?: Headers }).headers;
      if (headers !== undefined) {
        expect(headers.get('x-request-id')).toBe('req_123');
        expect(headers.get('x-echo-authorization')).toMatch(/\[REDACTED\]/);
      }
    });
  }

  it('with deferCauseScrub the cause waits for scrubCause (the fact never does)', async () => {
    const error = await adapters['openai']!()
      .generate({ model: 'm', messages: [{ role: 'user', content: 'hi' }] }, { signal: new AbortController().signal, timeout: 10_000, deferCauseScrub: true })
      .then(() => null, (thrown: unknown) => thrown);
    expect(JSON.stringify((error as ProviderCallError).fact)).not.toContain(key);
    expect(inspect(error, { depth: 10 })).toContain(key);
    scrubCause(error);
    expect(inspect(error, { depth: 10, showHidden: true })).not.toContain(key);
  });

  it("is scrubbed from the executor's LLMFallbackError and from what telemetry hooks are handed", async () => {
    const causes: unknown[] = [];
    const telemetry: TelemetryHooks = {
      sessionStarted: (info) => {
        const session = noopTelemetry.sessionStarted(info);
        return { ...session, attemptStarted: (attempt) => ({ ...session.attemptStarted(attempt), failed: (_fact, _duration, cause) => void causes.push(cause) }) };
      },
    };
    const policy = parsePolicy(
      'version: 1\nname: p\nmodels:\n  a: { provider: openai, model: gpt-a }\n  b: { provider: anthropic, model: claude-b }\nprimary_model: a\nfallback_models: [b]\nfallback_on_errors: [authentication]\nbase_delay: 0\n',
      'p.yaml',
    ).policy!;
    const executor = new Executor({ policies: createPolicySet([policy]), factory: new SelfManagingFallbackFactory({ baseUrlOverride: url, apiKeyOverride: key }), telemetry });
    const error = await executor.generate({ policy: 'p', messages: [{ role: 'user', content: 'hi' }] }).then(() => null, (thrown: unknown) => thrown);
    expect(LLMFallbackError.isInstance(error)).toBe(true);
    expect((error as LLMFallbackError).attempts).toHaveLength(2);
    expect(inspect(error, { depth: 10, showHidden: true })).not.toContain(key);
    expect(causes).toHaveLength(2);
    for (const cause of causes) expect(inspect(cause, { depth: 10, showHidden: true })).not.toContain(key);
  });
});

describe('AWS credentials a Bedrock endpoint echoes back', () => {
  const credentials = { accessKeyId: 'AKIAIOSFODNN7SECRETX', secretAccessKey: 'Zq8/7Yh+secretAccessKeyValue+Xy12EXAMPLE', sessionToken: 'FwoGZXIvYXdzEXAMPLEsessionTokenValue0123456789' };
  let server: LocalServer;
  let url = '';

  beforeAll(async () => {
    server = await startLocalServer((request, response) => {
      const authorization = String(request.headers['authorization'] ?? '');
      const token = String(request.headers['x-amz-security-token'] ?? '');
      response.writeHead(403, {
        'content-type': 'application/json',
        'x-amzn-errortype': 'UnrecognizedClientException:http://internal.amazon.com/coral/com.amazon.coral.service/',
        'x-echo-authorization': authorization,
        'x-echo-token': token,
      });
      const message = `The security token included in the request is invalid (token ${token}, secret ${credentials.secretAccessKey}, ${authorization}).`;
      response.end(JSON.stringify({ message }));
    });
    url = server.url;
  });
  afterAll(() => server.close());

  const expectNoCredential = (text: string): void => {
    expect(text).not.toContain(credentials.accessKeyId);
    expect(text).not.toContain(credentials.secretAccessKey);
    expect(text).not.toContain(credentials.sessionToken);
  };

  it('the access key id, secret and session token appear nowhere in the error, its cause, the session or what telemetry is handed', async () => {
    const causes: unknown[] = [];
    const facts: unknown[] = [];
    const telemetry: TelemetryHooks = {
      sessionStarted: (info) => {
        const session = noopTelemetry.sessionStarted(info);
        return {
          ...session,
          attemptStarted: (attempt) => ({
            ...session.attemptStarted(attempt),
            failed: (fact, _duration, cause) => {
              facts.push(fact);
              causes.push(cause);
            },
          }),
        };
      },
    };
    const policy = parsePolicy(
      `version: 1\nname: aws\nprovider_config:\n  bedrock: { region: us-east-1, base_url: "${url}" }\nmodels:\n  a: { provider: bedrock, model: us.anthropic.claude-3-5-haiku-20241022-v1:0 }\nprimary_model: a\n`,
      'aws.yaml',
    ).policy!;
    const env = { AWS_ACCESS_KEY_ID: credentials.accessKeyId, AWS_SECRET_ACCESS_KEY: credentials.secretAccessKey, AWS_SESSION_TOKEN: credentials.sessionToken };
    const executor = new Executor({ policies: createPolicySet([policy]), factory: new SelfManagingFallbackFactory({ env }), telemetry });
    const error = await executor.generate({ policy: 'aws', messages: [{ role: 'user', content: 'hi' }] }).then(() => null, (thrown: unknown) => thrown);
    expect(LLMFallbackError.isInstance(error)).toBe(true);
    const failure = error as LLMFallbackError;
    expect(failure.attempts[0]?.error).toMatchObject({ kind: 'authentication', code: 'UnrecognizedClientException', provider: 'bedrock' });
    expect(failure.attempts[0]?.error?.message).toContain('The security token included in the request is invalid');
    expectNoCredential(inspect(error, { depth: 10, showHidden: true }));
    expectNoCredential(JSON.stringify(failure.attempts));
    expectNoCredential(JSON.stringify(executor.history(10)));
    expect(causes).toHaveLength(1);
    for (const cause of causes) expectNoCredential(inspect(cause, { depth: 10, showHidden: true }));
    for (const fact of facts) expectNoCredential(JSON.stringify(fact));
  });

  it("the caller's own BedrockRuntimeClient (adapterForClient): its credentials appear nowhere in the error or its cause", async () => {
    const client = new BedrockRuntimeClient({ region: 'us-east-1', endpoint: url, credentials, requestHandler: new NodeHttpHandler() });
    const adapter = adapterForClient(client, 'us.anthropic.claude-3-5-haiku-20241022-v1:0');
    const error = await adapter.generate({ model: adapter.modelId, messages: [{ role: 'user', content: 'hi' }] }).then(() => null, (thrown: unknown) => thrown);
    expect(ProviderCallError.isInstance(error)).toBe(true);
    expect((error as ProviderCallError).fact).toMatchObject({ kind: 'authentication', code: 'UnrecognizedClientException', provider: 'bedrock' });
    expect((error as ProviderCallError).fact.message).toContain('The security token included in the request is invalid');
    expectNoCredential(inspect(error, { depth: 10, showHidden: true }));
  });
});
