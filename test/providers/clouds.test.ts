/**
 * The cloud provider types through SelfManagingFallbackFactory: `azure_openai`
 * and `vertex` policies over the real SDKs against the simulator, their
 * settings resolved from the policy or the environment, their credentials
 * stubbed at the credential layer only (an Azure key or token provider, a
 * google-auth-library client holding a fixed token), and the one-line errors
 * for what is missing.
 */
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it, vi } from 'vitest';
import { ProviderCallError } from '../../src/errors/ProviderCallError.js';
import { parsePolicy } from '../../src/policy/load.js';
import type { Policy } from '../../src/policy/types.js';
import type { FetchFunction } from '../../src/providers/client-settings.js';
import { SelfManagingFallbackFactory } from '../../src/providers/factory.js';
import type { GenerateRequest } from '../../src/providers/spec.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { testGoogleAuthClient, VERTEX_TEST_TOKEN } from './subjects.js';

const POLICY = `
version: 1
name: clouds
provider_config:
  azure:     { type: azure_openai, resource: my-resource, api_version: 2024-10-21 }
  azure-ad:  { type: azure_openai, endpoint: "https://other.openai.azure.com", auth: entra_id }
  azure-env: { type: azure_openai }
  vertex:    { type: vertex, project: acme-prod, location: us-east5 }
  vertex-env: { type: vertex }
models:
  gpt-4o-azure:   { provider: azure, model: gpt4o-deployment }
  gpt-4o-entra:   { provider: azure-ad, model: gpt4o-deployment }
  gpt-4o-env:     { provider: azure-env, model: gpt4o-deployment }
  gemini-vertex:  { provider: vertex, model: gemini-2.5-flash }
  claude-vertex:  { provider: vertex, model: claude-sonnet-4@20250514 }
  gemini-env:     { provider: vertex-env, model: gemini-2.5-flash }
primary_model: gpt-4o-azure
fallback_models: [gemini-vertex, claude-vertex]
`;

function policyFrom(text: string): Policy {
  const result = parsePolicy(text, 'clouds.yaml');
  if (result.policy === null) throw new Error(result.diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
  return result.policy;
}

const hello = (model: string): GenerateRequest => ({ model, messages: [{ role: 'user', content: 'Hello there' }] });

interface Seen {
  readonly url: string;
  readonly headers: Headers;
}

let simulator: Simulator;
let policy: Policy;
let seen: Seen[];

/** Sends every request to the simulator, keeping the URL and headers the SDK built (the cloud hosts are not reachable here). */
const toSimulator: FetchFunction = (input, init) => {
  const url = new URL(input instanceof Request ? input.url : String(input));
  seen.push({ url: url.toString(), headers: new Headers(input instanceof Request ? input.headers : init?.headers) });
  const target = new URL(simulator.url);
  url.protocol = target.protocol;
  url.host = target.host;
  return fetch(url, init);
};

beforeAll(async () => {
  simulator = await startSimulator({ scenario: { models: { 'gpt4o-deployment': {} } } });
  policy = policyFrom(POLICY);
});
afterAll(async () => {
  await simulator.close();
});
beforeEach(() => {
  simulator.reset();
  seen = [];
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('azure_openai', () => {
  it('calls {resource}.openai.azure.com/openai/deployments/{model}/chat/completions with the api-version and the key in api-key', async () => {
    const factory = new SelfManagingFallbackFactory({ env: { AZURE_OPENAI_API_KEY: 'azure-secret-key' }, fetch: toSimulator });
    const adapter = factory.getAdapter(policy, 'gpt-4o-azure');
    expect(adapter).toMatchObject({ providerType: 'azure_openai', provider: 'azure', serverAddress: 'my-resource.openai.azure.com', serverPort: 443 });
    const response = await adapter.generate(hello('gpt4o-deployment'));
    expect(response.text).toContain('[gpt4o-deployment]');
    expect(seen[0]?.url).toBe('https://my-resource.openai.azure.com/openai/deployments/gpt4o-deployment/chat/completions?api-version=2024-10-21');
    expect(seen[0]?.headers.get('api-key')).toBe('azure-secret-key');
    expect(seen[0]?.headers.get('authorization')).toBeNull();
  });

  it('auth: entra_id sends the token provider’s bearer token, no key needed', async () => {
    const tokenProvider = vi.fn(async () => 'entra-token-123');
    const factory = new SelfManagingFallbackFactory({ env: {}, fetch: toSimulator, credentials: { azureADTokenProvider: tokenProvider } });
    const response = await factory.getAdapter(policy, 'gpt-4o-entra').generate(hello('gpt4o-deployment'));
    expect(response.text).toContain('[gpt4o-deployment]');
    expect(seen[0]?.url).toMatch(/^https:\/\/other\.openai\.azure\.com\/openai\/deployments\/gpt4o-deployment\/chat\/completions\?api-version=2024-10-21$/);
    expect(seen[0]?.headers.get('authorization')).toBe('Bearer entra-token-123');
    expect(seen[0]?.headers.get('api-key')).toBeNull();
    expect(tokenProvider).toHaveBeenCalledTimes(1);
  });

  it('reads the endpoint and API version from AZURE_OPENAI_ENDPOINT and OPENAI_API_VERSION', async () => {
    const env = { AZURE_OPENAI_API_KEY: 'k', AZURE_OPENAI_ENDPOINT: 'https://from-env.openai.azure.com/', OPENAI_API_VERSION: '2025-04-01-preview' };
    const factory = new SelfManagingFallbackFactory({ env, fetch: toSimulator });
    await factory.getAdapter(policy, 'gpt-4o-env').generate(hello('gpt4o-deployment'));
    expect(seen[0]?.url).toBe('https://from-env.openai.azure.com/openai/deployments/gpt4o-deployment/chat/completions?api-version=2025-04-01-preview');
  });

  it('a missing endpoint or key is a one-line error at first use, naming what to set', () => {
    const factory = new SelfManagingFallbackFactory({ env: { AZURE_OPENAI_API_KEY: 'k' } });
    const noEndpoint = (() => {
      try {
        factory.getAdapter(policy, 'gpt-4o-env');
      } catch (error) {
        return error;
      }
      return null;
    })();
    expect(ProviderCallError.isInstance(noEndpoint)).toBe(true);
    expect((noEndpoint as ProviderCallError).fact).toMatchObject({ kind: 'invalid_request', code: 'missing_endpoint', provider: 'azure_openai' });
    expect((noEndpoint as ProviderCallError).fact.message).toMatch(/^provider azure-env \(azure_openai\) needs its endpoint: .*AZURE_OPENAI_ENDPOINT$/);
    expect((noEndpoint as ProviderCallError).fact.message).not.toContain('\n');
    const noKey = (() => {
      try {
        new SelfManagingFallbackFactory({ env: {} }).getAdapter(policy, 'gpt-4o-azure');
      } catch (error) {
        return error as ProviderCallError;
      }
      return null;
    })();
    expect(noKey?.fact).toMatchObject({ kind: 'authentication', code: 'missing_api_key', message: 'AZURE_OPENAI_API_KEY is not set (needed by model gpt-4o-azure, provider azure)' });
  });

  it('under baseUrlOverride (the simulator) it calls the simulator’s Azure route with the override key', async () => {
    const factory = new SelfManagingFallbackFactory({ baseUrlOverride: simulator.url, apiKeyOverride: 'sim-key' });
    const response = await factory.getAdapter(policy, 'gpt-4o-azure').generate(hello('gpt4o-deployment'));
    expect(response.text).toContain('[gpt4o-deployment]');
    expect(simulator.counts().models['gpt4o-deployment']?.requests).toBe(1);
  });

  it('an answer Azure’s content filter stopped is content_filter naming the categories', async () => {
    const filtering = await startSimulator({ scenario: { models: { filtered: { faults: [{ type: 'filtered' }] } } } });
    try {
      const factory = new SelfManagingFallbackFactory({ baseUrlOverride: filtering.url, apiKeyOverride: 'sim-key' });
      const filteredPolicy = policyFrom(POLICY.replace('model: gpt4o-deployment }', 'model: filtered }'));
      const error = await factory
        .getAdapter(filteredPolicy, 'gpt-4o-azure')
        .generate(hello('filtered'))
        .then(() => null, (failure: unknown) => failure as ProviderCallError);
      expect(error?.fact).toMatchObject({ kind: 'content_filter', code: 'content_filter', provider: 'azure_openai', retryable: false });
      expect(error?.fact.message).toBe('The response was filtered (finish reason: content_filter; filtered: violence (high)).');
      expect(error?.fact.raw).toMatchObject({ content_filter_results: { violence: { filtered: true, severity: 'high' } } });
    } finally {
      await filtering.close();
    }
  });
});

describe('vertex', () => {
  it('Gemini goes through @google/genai in Vertex mode: projects/{project}/locations/{location}/publishers/google, signed with the auth client’s token', async () => {
    const factory = new SelfManagingFallbackFactory({ env: {}, fetch: toSimulator, credentials: { googleAuthClient: testGoogleAuthClient() } });
    const adapter = factory.getAdapter(policy, 'gemini-vertex');
    expect(adapter).toMatchObject({ providerType: 'vertex', provider: 'vertex', serverAddress: 'us-east5-aiplatform.googleapis.com' });
    const response = await adapter.generate(hello('gemini-2.5-flash'));
    expect(response.text).toContain('[gemini-2.5-flash]');
    expect(seen[0]?.url).toBe('https://us-east5-aiplatform.googleapis.com/v1/projects/acme-prod/locations/us-east5/publishers/google/models/gemini-2.5-flash:generateContent');
    expect(seen[0]?.headers.get('authorization')).toBe(`Bearer ${VERTEX_TEST_TOKEN}`);
  });

  it('Claude goes through AnthropicVertex: …/publishers/anthropic/models/{model}:rawPredict and :streamRawPredict, anthropic_version in the body', async () => {
    const recorder = await startSimulator({ recordRequests: true });
    try {
      const factory = new SelfManagingFallbackFactory({ baseUrlOverride: recorder.url, credentials: { googleAuthClient: testGoogleAuthClient() } });
      const adapter = factory.getAdapter(policy, 'claude-vertex');
      expect(adapter).toMatchObject({ providerType: 'vertex' });
      expect((await adapter.generate(hello('claude-sonnet-4@20250514'))).text).toContain('[claude-sonnet-4@20250514]');
      let streamed = '';
      for await (const part of adapter.stream(hello('claude-sonnet-4@20250514'))) if (part.type === 'text-delta') streamed += part.text;
      expect(streamed).toContain('[claude-sonnet-4@20250514]');
      const [plain, stream] = recorder.requests();
      expect(plain).toMatchObject({ protocol: 'vertex_anthropic', path: '/v1/projects/acme-prod/locations/us-east5/publishers/anthropic/models/claude-sonnet-4@20250514:rawPredict', stream: false });
      expect(stream).toMatchObject({ protocol: 'vertex_anthropic', stream: true });
      expect(stream?.path.endsWith(':streamRawPredict')).toBe(true);
      expect(plain?.body).toMatchObject({ anthropic_version: 'vertex-2023-10-16' });
      expect(plain?.body).not.toHaveProperty('model');
    } finally {
      await recorder.close();
    }
  });

  it('reads the project and location from GOOGLE_CLOUD_PROJECT and CLOUD_ML_REGION', async () => {
    const env = { GOOGLE_CLOUD_PROJECT: 'env-project', CLOUD_ML_REGION: 'europe-west4' };
    const factory = new SelfManagingFallbackFactory({ env, fetch: toSimulator, credentials: { googleAuthClient: testGoogleAuthClient() } });
    await factory.getAdapter(policy, 'gemini-env').generate(hello('gemini-2.5-flash'));
    expect(seen[0]?.url).toBe('https://europe-west4-aiplatform.googleapis.com/v1/projects/env-project/locations/europe-west4/publishers/google/models/gemini-2.5-flash:generateContent');
  });

  it('a missing project or location is a one-line error at first use, naming the setting and the variable', () => {
    const failure = (env: Record<string, string>): ProviderCallError | null => {
      try {
        new SelfManagingFallbackFactory({ env }).getAdapter(policy, 'gemini-env');
      } catch (error) {
        return error as ProviderCallError;
      }
      return null;
    };
    expect(failure({})?.fact).toMatchObject({
      kind: 'invalid_request',
      code: 'missing_project',
      message: 'provider vertex-env (vertex) needs a Google Cloud project: set `project:` in provider_config, or GOOGLE_CLOUD_PROJECT',
    });
    expect(failure({ GOOGLE_CLOUD_PROJECT: 'p' })?.fact).toMatchObject({ code: 'missing_location' });
    expect(failure({ GOOGLE_CLOUD_PROJECT: 'p', GOOGLE_CLOUD_LOCATION: 'global' })).toBeNull();
  });

  it('without credentials anywhere, the call fails as authentication with one line saying how to sign in', async () => {
    vi.stubEnv('METADATA_SERVER_DETECTION', 'none');
    vi.stubEnv('GOOGLE_APPLICATION_CREDENTIALS', '');
    vi.stubEnv('CLOUDSDK_CONFIG', '/nonexistent-gcloud-config');
    const factory = new SelfManagingFallbackFactory({ baseUrlOverride: simulator.url });
    for (const model of ['gemini-vertex', 'claude-vertex']) {
      const error = await factory
        .getAdapter(policy, model)
        .generate(hello(model))
        .then(() => null, (failure: unknown) => failure as ProviderCallError);
      expect(error?.fact, model).toMatchObject({ kind: 'authentication', code: 'missing_credentials', provider: 'vertex', retryable: false });
      expect(error?.fact.message).toMatch(/^no Google credentials for Vertex AI: set GOOGLE_APPLICATION_CREDENTIALS/);
    }
    expect(simulator.counts().models).toEqual({});
  });

  it('the simulator refuses a Vertex call that carries no bearer token (401, authentication)', async () => {
    const unsigned = { getRequestHeaders: async () => new Headers() };
    const factory = new SelfManagingFallbackFactory({ baseUrlOverride: simulator.url, credentials: { googleAuthClient: unsigned } });
    for (const model of ['gemini-vertex', 'claude-vertex']) {
      const error = await factory
        .getAdapter(policy, model)
        .generate(hello(model))
        .then(() => null, (failure: unknown) => failure as ProviderCallError);
      expect(error?.fact, model).toMatchObject({ kind: 'authentication', status: 401, code: 'UNAUTHENTICATED' });
    }
  });
});
