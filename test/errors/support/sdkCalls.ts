/**
 * One real call per SDK, pointed at a base URL on the local error server.
 * Each returns whatever the SDK resolved; the tests expect a throw.
 */
import Anthropic from '@anthropic-ai/sdk';
import { AnthropicVertex } from '@anthropic-ai/vertex-sdk';
import { GoogleGenAI } from '@google/genai';
import { OAuth2Client } from 'google-auth-library';
import OpenAI, { AzureOpenAI } from 'openai';

/** `vertex`: Gemini on Vertex AI (`@google/genai` in Vertex mode); `vertex_anthropic`: Claude on Vertex AI (`AnthropicVertex`). */
export type SdkName = 'openai' | 'anthropic' | 'google' | 'azure_openai' | 'vertex' | 'vertex_anthropic';

export interface CallOptions {
  readonly apiKey?: string;
  readonly timeoutMs?: number;
  readonly signal?: AbortSignal;
}

export const TEST_KEYS: Readonly<Record<SdkName, string>> = {
  openai: 'sk-proj-Abc123SecretKeyValue987zyx',
  anthropic: 'sk-ant-api03-SecretKeyValue987-xyzAA',
  google: 'AIzaSyD-SecretKeyValue9876543210abc',
  azure_openai: '8f0c2e61d4b94a7f9c3e5b1a2d6f7e80',
  // Vertex AI takes Google access tokens, not keys.
  vertex: 'ya29.a0SecretAccessTokenValue987zyx',
  vertex_anthropic: 'ya29.a0SecretAccessTokenValue987zyx',
};

/** A google-auth-library client holding a fixed, unexpired access token (no token endpoint is called). */
function fixedToken(token: string): OAuth2Client {
  const client = new OAuth2Client();
  client.setCredentials({ access_token: token, expiry_date: Date.now() + 3_600_000, token_type: 'Bearer' });
  return client;
}

export function callSdk(sdk: SdkName, baseUrl: string, options: CallOptions = {}): Promise<unknown> {
  const apiKey = options.apiKey ?? TEST_KEYS[sdk];
  const timeout = options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs };
  const signal = options.signal === undefined ? {} : { signal: options.signal };
  switch (sdk) {
    case 'openai':
      return new OpenAI({ apiKey, baseURL: baseUrl, maxRetries: 0, ...timeout }).chat.completions.create(
        { model: 'test-model', messages: [{ role: 'user', content: 'hi' }] },
        signal,
      );
    case 'azure_openai':
      return new AzureOpenAI({
        apiKey,
        baseURL: `${baseUrl}/openai`,
        apiVersion: '2024-10-21',
        deployment: 'test-deployment',
        maxRetries: 0,
        ...timeout,
      }).chat.completions.create({ model: 'test-deployment', messages: [{ role: 'user', content: 'hi' }] }, signal);
    case 'anthropic':
      return new Anthropic({ apiKey, baseURL: baseUrl, maxRetries: 0, ...timeout }).messages.create(
        { model: 'test-model', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] },
        signal,
      );
    case 'google':
      return generateWithGenAI(new GoogleGenAI({ apiKey, httpOptions: genAIHttpOptions(baseUrl, 'v1beta', options) }), options);
    case 'vertex':
      return generateWithGenAI(
        new GoogleGenAI({
          vertexai: true,
          project: 'my-project',
          location: 'us-central1',
          googleAuthOptions: { authClient: fixedToken(apiKey) },
          httpOptions: genAIHttpOptions(baseUrl, 'v1', options),
        }),
        options,
      );
    case 'vertex_anthropic':
      return new AnthropicVertex({
        projectId: 'my-project',
        region: 'us-east5',
        baseURL: `${baseUrl}/v1`,
        authClient: fixedToken(apiKey),
        maxRetries: 0,
        ...timeout,
      }).messages.create({ model: 'claude-test-model', max_tokens: 16, messages: [{ role: 'user', content: 'hi' }] }, signal);
    default:
      throw new Error(`unknown sdk ${String(sdk)}`);
  }
}

/** `@google/genai`'s HTTP options for one attempt at `baseUrl` (the Gemini API's `v1beta`, Vertex AI's `v1`). */
function genAIHttpOptions(baseUrl: string, apiVersion: string, options: CallOptions) {
  return { baseUrl, apiVersion, retryOptions: { attempts: 1 }, ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }) };
}

function generateWithGenAI(client: GoogleGenAI, options: CallOptions): Promise<unknown> {
  return client.models.generateContent({ model: 'test-model', contents: 'hi', config: options.signal === undefined ? {} : { abortSignal: options.signal } });
}

/** The error the call threw (fails the test if it resolved). */
export async function thrownBy(call: Promise<unknown>): Promise<unknown> {
  try {
    const value = await call;
    throw Object.assign(new Error('expected the SDK call to throw'), { resolved: value });
  } catch (error) {
    if (error instanceof Error && error.message === 'expected the SDK call to throw') throw error;
    return error;
  }
}
