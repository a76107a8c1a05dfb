/**
 * A `bedrock` provider built by the factory from a policy and the
 * environment: how it authenticates (SigV4 with keys from the environment, a
 * Bedrock API key, the default chain), its region and endpoint, and the
 * one-line errors for what is missing. Real SDK, real HTTP, against the simulator.
 */
import { afterAll, afterEach, beforeAll, describe, expect, it, vi } from 'vitest';
import { parsePolicy } from '../../src/policy/load.js';
import type { Policy } from '../../src/policy/types.js';
import type { FetchFunction } from '../../src/providers/client-settings.js';
import { SelfManagingFallbackFactory } from '../../src/providers/factory.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { failureOf } from './failure.js';

const MODEL = 'us.anthropic.claude-3-5-haiku-20241022-v1:0';

function policyOf(providerConfig: string): Policy {
  const text = `version: 1\nname: br\nprovider_config:\n  aws: ${providerConfig}\nmodels:\n  claude: { provider: aws, model: ${MODEL} }\nprimary_model: claude\n`;
  const result = parsePolicy(text, 'br.yaml');
  if (result.policy === null) throw new Error(result.diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
  return result.policy;
}

interface Sent {
  readonly url: string;
  readonly headers: Headers;
}

function recordingFetch(sent: Sent[]): FetchFunction {
  return (input, init) => {
    sent.push({ url: String(input), headers: new Headers(init?.headers) });
    return fetch(input, init);
  };
}

const hello = { model: MODEL, messages: [{ role: 'user' as const, content: 'Hello there' }] };

/** No credential or region source outside the test's own `env`: the SDK's default chain finds nothing, and asks no metadata service. */
function isolateFromMachine(): void {
  for (const name of ['AWS_REGION', 'AWS_DEFAULT_REGION', 'AWS_PROFILE', 'AWS_ACCESS_KEY_ID', 'AWS_SECRET_ACCESS_KEY', 'AWS_SESSION_TOKEN', 'AWS_BEARER_TOKEN_BEDROCK', 'AWS_WEB_IDENTITY_TOKEN_FILE', 'AWS_CONTAINER_CREDENTIALS_RELATIVE_URI', 'AWS_CONTAINER_CREDENTIALS_FULL_URI']) {
    vi.stubEnv(name, undefined);
  }
  vi.stubEnv('AWS_CONFIG_FILE', '/nonexistent/detour-test/config');
  vi.stubEnv('AWS_SHARED_CREDENTIALS_FILE', '/nonexistent/detour-test/credentials');
  vi.stubEnv('AWS_EC2_METADATA_DISABLED', 'true');
}

let simulator: Simulator;
beforeAll(async () => {
  simulator = await startSimulator({ scenario: { models: {} } });
});
afterAll(async () => {
  await simulator.close();
});
afterEach(() => {
  vi.unstubAllEnvs();
});

describe('bedrock provider settings', () => {
  it('signs with AWS_ACCESS_KEY_ID / AWS_SECRET_ACCESS_KEY / AWS_SESSION_TOKEN for the configured region, at the configured endpoint', async () => {
    const sent: Sent[] = [];
    const env = { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 'secret-example-key', AWS_SESSION_TOKEN: 'session-token-example' };
    const factory = new SelfManagingFallbackFactory({ env, fetch: recordingFetch(sent) });
    const adapter = factory.getAdapter(policyOf(`{ type: bedrock, region: eu-central-1, base_url: "${simulator.url}" }`), 'claude');
    expect(adapter.serverPort).toBe(simulator.port);
    const response = await adapter.generate(hello);
    expect(response.text).toBe(`[${MODEL}] reply to: Hello there`);
    expect(response.responseId).toMatch(/^req_/);
    expect(sent[0]?.url).toBe(`${simulator.url}/model/${encodeURIComponent(MODEL)}/converse`);
    expect(sent[0]?.headers.get('authorization')).toMatch(/^AWS4-HMAC-SHA256 Credential=AKIAIOSFODNN7EXAMPLE\/\d{8}\/eu-central-1\/bedrock\/aws4_request, SignedHeaders=\S+, Signature=[0-9a-f]{64}$/);
    expect(sent[0]?.headers.get('x-amz-security-token')).toBe('session-token-example');
  });

  it('the region comes from AWS_REGION when the provider sets none; the endpoint from it when no base_url is set', () => {
    const factory = new SelfManagingFallbackFactory({ env: { AWS_REGION: 'ap-southeast-2', AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 's' } });
    const adapter = factory.getAdapter(policyOf('{ type: bedrock }'), 'claude');
    expect(adapter.serverAddress).toBe('bedrock-runtime.ap-southeast-2.amazonaws.com');
    expect(adapter.providerType).toBe('bedrock');
  });

  it('sends a Bedrock API key from AWS_BEARER_TOKEN_BEDROCK as a bearer token instead of signing', async () => {
    const sent: Sent[] = [];
    const factory = new SelfManagingFallbackFactory({ env: { AWS_BEARER_TOKEN_BEDROCK: 'ABSKQmVkcm9ja0FQSUtleS1leGFtcGxlLWtleQ==' }, fetch: recordingFetch(sent) });
    await factory.getAdapter(policyOf(`{ type: bedrock, region: us-west-2, base_url: "${simulator.url}" }`), 'claude').generate(hello);
    expect(sent[0]?.headers.get('authorization')).toBe('Bearer ABSKQmVkcm9ja0FQSUtleS1leGFtcGxlLWtleQ==');
  });

  it('api_key_env names the variable of the API key; unset, asking for the model fails with one line naming it', async () => {
    const factory = new SelfManagingFallbackFactory({ env: {} });
    const error = await failureOf(
      (async () => factory.getAdapter(policyOf(`{ type: bedrock, region: us-west-2, api_key_env: TEAM_BEDROCK_KEY, base_url: "${simulator.url}" }`), 'claude'))(),
    );
    expect(error.fact).toMatchObject({ kind: 'authentication', code: 'missing_api_key', retryable: false });
    expect(error.fact.message).toBe('TEAM_BEDROCK_KEY is not set (needed by model claude, provider aws)');
  });

  it('no region anywhere: the first call fails with one line saying so, and sends nothing', async () => {
    isolateFromMachine();
    const sent: Sent[] = [];
    const factory = new SelfManagingFallbackFactory({ env: { AWS_ACCESS_KEY_ID: 'AKIAIOSFODNN7EXAMPLE', AWS_SECRET_ACCESS_KEY: 's' }, fetch: recordingFetch(sent) });
    const error = await failureOf(factory.getAdapter(policyOf(`{ type: bedrock, base_url: "${simulator.url}" }`), 'claude').generate(hello));
    expect(error.fact).toMatchObject({ kind: 'invalid_request', code: 'missing_region', provider: 'bedrock', retryable: false });
    expect(error.fact.message).not.toContain('\n');
    expect(error.fact.message).toContain('AWS_REGION');
    expect(sent).toEqual([]);
  });

  it('no credentials anywhere: the first call fails with one line naming where they are looked for, and sends nothing', async () => {
    isolateFromMachine();
    const sent: Sent[] = [];
    const factory = new SelfManagingFallbackFactory({ env: {}, fetch: recordingFetch(sent) });
    const error = await failureOf(factory.getAdapter(policyOf(`{ type: bedrock, region: us-east-1, base_url: "${simulator.url}" }`), 'claude').generate(hello));
    expect(error.fact).toMatchObject({ kind: 'authentication', code: 'missing_credentials', provider: 'bedrock', retryable: false });
    expect(error.fact.message).not.toContain('\n');
    expect(error.fact.message).toContain('AWS_ACCESS_KEY_ID');
    expect(sent).toEqual([]);
  });

  it('a request without a signature is refused by the simulator as Bedrock refuses it', async () => {
    const response = await fetch(`${simulator.url}/model/${encodeURIComponent(MODEL)}/converse`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ messages: [{ role: 'user', content: [{ text: 'hi' }] }] }),
    });
    expect(response.status).toBe(403);
    expect(response.headers.get('x-amzn-errortype')).toBe('MissingAuthenticationTokenException');
    expect(await response.json()).toEqual({ message: 'Missing Authentication Token' });
  });
});
