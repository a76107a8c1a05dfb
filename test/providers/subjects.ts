/**
 * The four adapters as the contract suite builds them: each over its real SDK
 * client, pointed at a simulator on 127.0.0.1. `fetch`, when given, is the
 * SDK's transport (used to see the bytes each SDK sends).
 */
import type Anthropic from '@anthropic-ai/sdk';
import * as AnthropicSdk from '@anthropic-ai/sdk';
import * as BedrockSdk from '@aws-sdk/client-bedrock-runtime';
import * as AnthropicVertexSdk from '@anthropic-ai/vertex-sdk';
import { OAuth2Client } from 'google-auth-library';
import * as GoogleSdk from '@google/genai';
import * as OpenAISdk from 'openai';
import { createAnthropicClient } from '../../src/providers/anthropic/create-anthropic-client.js';
import { AnthropicAdapter } from '../../src/providers/anthropic/anthropic-adapter.js';
import { BedrockAdapter } from '../../src/providers/bedrock/bedrock-adapter.js';
import { createBedrockClient } from '../../src/providers/bedrock/create-bedrock-client.js';
import type { FetchFunction } from '../../src/providers/client-settings.js';
import { createGoogleClient } from '../../src/providers/google/create-google-client.js';
import { GoogleAdapter } from '../../src/providers/google/google-adapter.js';
import { createOpenAIClient } from '../../src/providers/openai/create-openai-client.js';
import { OpenAIAdapter } from '../../src/providers/openai/openai-adapter.js';
import { createOpenAICompatibleAdapter } from '../../src/providers/openai-compatible/openai-compatible-adapter.js';
import { createOpenAICompatibleClient } from '../../src/providers/openai-compatible/create-openai-compatible-client.js';
import type { ProviderAdapter } from '../../src/providers/spec.js';
import { createAzureOpenAIClient } from '../../src/providers/azure-openai/create-azure-openai-client.js';
import { createVertexAnthropicClient, createVertexGeminiClient } from '../../src/providers/vertex/create-vertex-clients.js';

export type Protocol = 'openai' | 'anthropic' | 'google' | 'bedrock';

export interface AdapterSubject {
  readonly name: string;
  /** The wire protocol it speaks (decides the raw finish reasons). */
  readonly protocol: Protocol;
  createAdapter(serverRoot: string, modelId: string, options?: { readonly fetch?: FetchFunction; readonly params?: Record<string, unknown> }): ProviderAdapter;
  /** Where a fault's kind differs from the contract's default (Bedrock's 503 is `overloaded`). */
  readonly faultKinds?: Readonly<Record<string, string>>;
  /** The provider sends a retry hint with its 429 (`retry-after`, Google's RetryInfo). @default true */
  readonly sendsRetryAfter?: boolean;
}

const settings = (baseUrl: string, fetch: FetchFunction | undefined) => ({
  apiKey: 'test-key',
  baseUrl,
  timeoutMs: 10_000,
  fetch: fetch ?? null,
  headers: {},
});

export const openAISubject: AdapterSubject = {
  name: 'openai',
  protocol: 'openai',
  createAdapter: (root, modelId, options = {}) =>
    new OpenAIAdapter({ client: createOpenAIClient(OpenAISdk, settings(`${root}/v1`, options.fetch)), modelId, ...(options.params ? { params: options.params } : {}) }),
};

export const anthropicSubject: AdapterSubject = {
  name: 'anthropic',
  protocol: 'anthropic',
  createAdapter: (root, modelId, options = {}) =>
    new AnthropicAdapter({ client: createAnthropicClient(AnthropicSdk, settings(root, options.fetch)), modelId, ...(options.params ? { params: options.params } : {}) }),
};

export const googleSubject: AdapterSubject = {
  name: 'google',
  protocol: 'google',
  createAdapter: (root, modelId, options = {}) =>
    new GoogleAdapter({ client: createGoogleClient(GoogleSdk, settings(root, options.fetch)), modelId, ...(options.params ? { params: options.params } : {}) }),
};

export const openAICompatibleSubject: AdapterSubject = {
  name: 'openai_compatible',
  protocol: 'openai',
  createAdapter: (root, modelId, options = {}) =>
    createOpenAICompatibleAdapter({
      client: createOpenAICompatibleClient(OpenAISdk, settings(`${root}/v1`, options.fetch)),
      modelId,
      provider: 'local',
      ...(options.params ? { params: options.params } : {}),
    }),
};

/** Static test credentials: SigV4 signing runs for real with them; only the credential source is stubbed. */
export const BEDROCK_TEST_CREDENTIALS = {
  accessKeyId: 'AKIAIOSFODNN7EXAMPLE',
  secretAccessKey: 'wJalrXUtnFEMI/K7MDENG/bPxRfiCYEXAMPLEKEY',
  sessionToken: 'IQoJb3JpZ2luX2VjEXAMPLESESSIONTOKENvalue',
} as const;

/** The Bedrock adapter, its SDK sending through `transport` (global fetch unless the test passes one). */
export function bedrockSubjectOver(name: string, transport: FetchFunction | null): AdapterSubject {
  return {
    name,
    protocol: 'bedrock',
    faultKinds: { service_unavailable: 'overloaded' },
    sendsRetryAfter: false,
    createAdapter: (root, modelId, options = {}) => bedrockAdapter(root, modelId, { ...options, ...(options.fetch === undefined && transport !== null ? { fetch: transport } : {}) }),
  };
}

export const bedrockSubject: AdapterSubject = bedrockSubjectOver('bedrock', null);

function bedrockAdapter(root: string, modelId: string, options: { readonly fetch?: FetchFunction; readonly params?: Record<string, unknown> }): ProviderAdapter {
  return (
    new BedrockAdapter({
      client: createBedrockClient(BedrockSdk, {
        region: 'us-east-1',
        profile: null,
        endpoint: root,
        credentials: BEDROCK_TEST_CREDENTIALS,
        bearerToken: null,
        timeoutMs: 10_000,
        fetch: options.fetch ?? null,
        headers: {},
      }),
      sdk: BedrockSdk,
      modelId,
      baseUrl: root,
      secrets: [BEDROCK_TEST_CREDENTIALS.secretAccessKey, BEDROCK_TEST_CREDENTIALS.sessionToken],
      ...(options.params ? { params: options.params } : {}),
    })
  );
}

/** The Azure OpenAI key the subjects send (the simulator checks that an `api-key` header arrives). */
export const AZURE_TEST_KEY = '8f0c2e61d4b94a7f9c3e5b1a2d6f7e80';

export const azureOpenAISubject: AdapterSubject = {
  name: 'azure_openai',
  protocol: 'openai',
  createAdapter: (root, modelId, options = {}) =>
    new OpenAIAdapter({
      client: createAzureOpenAIClient(OpenAISdk, {
        ...settings(`${root}/openai`, options.fetch),
        apiKey: AZURE_TEST_KEY,
        endpoint: 'https://unused.openai.azure.com',
        apiVersion: '2024-10-21',
        azureADTokenProvider: null,
      }),
      modelId,
      provider: 'azure',
      providerType: 'azure_openai',
      ...(options.params ? { params: options.params } : {}),
    }),
};

/** The bearer token the Vertex subjects' credentials give. */
export const VERTEX_TEST_TOKEN = 'ya29.test-access-token';

/**
 * A real google-auth-library client holding a fixed, unexpired access token:
 * the credential layer is stubbed (no token endpoint is called), the HTTP
 * calls are real.
 */
export function testGoogleAuthClient(token = VERTEX_TEST_TOKEN): OAuth2Client {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: token, expiry_date: Date.now() + 3_600_000, token_type: 'Bearer' });
  return client;
}

const vertexSettings = (root: string, fetch: FetchFunction | undefined) => ({
  baseUrl: root,
  timeoutMs: 10_000,
  fetch: fetch ?? null,
  headers: {},
  project: 'detour-test',
  location: 'us-east5',
  authClient: testGoogleAuthClient(),
});

export const vertexGeminiSubject: AdapterSubject = {
  name: 'vertex (Gemini)',
  protocol: 'google',
  createAdapter: (root, modelId, options = {}) =>
    new GoogleAdapter({
      client: createVertexGeminiClient(GoogleSdk, vertexSettings(root, options.fetch)),
      modelId,
      provider: 'vertex',
      providerType: 'vertex',
      ...(options.params ? { params: options.params } : {}),
    }),
};

export const vertexClaudeSubject: AdapterSubject = {
  name: 'vertex (Claude)',
  protocol: 'anthropic',
  createAdapter: (root, modelId, options = {}) =>
    new AnthropicAdapter({
      client: createVertexAnthropicClient(AnthropicVertexSdk, vertexSettings(root, options.fetch)) as unknown as Anthropic,
      modelId,
      provider: 'vertex',
      providerType: 'vertex',
      ...(options.params ? { params: options.params } : {}),
    }),
};
