/**
 * One real call per SDK, pointed at a base URL on the local error server.
 * Each returns whatever the SDK resolved; the tests expect a throw.
 */
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI, { AzureOpenAI } from 'openai';

export type SdkName = 'openai' | 'anthropic' | 'google' | 'azure_openai';

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
};

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
      return new GoogleGenAI({
        apiKey,
        httpOptions: {
          baseUrl,
          apiVersion: 'v1beta',
          retryOptions: { attempts: 1 },
          ...(options.timeoutMs === undefined ? {} : { timeout: options.timeoutMs }),
        },
      }).models.generateContent({
        model: 'test-model',
        contents: 'hi',
        config: options.signal === undefined ? {} : { abortSignal: options.signal },
      });
    default:
      throw new Error(`unknown sdk ${String(sdk)}`);
  }
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
