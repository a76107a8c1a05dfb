/** Real SDK clients pointed at a simulator, retries off. */
import Anthropic from '@anthropic-ai/sdk';
import { GoogleGenAI } from '@google/genai';
import OpenAI, { AzureOpenAI } from 'openai';

export function openAIClient(url: string): OpenAI {
  return new OpenAI({ apiKey: 'sk-test', baseURL: `${url}/v1`, maxRetries: 0, timeout: 5_000 });
}

export function anthropicClient(url: string): Anthropic {
  return new Anthropic({ apiKey: 'sk-ant-test', baseURL: url, maxRetries: 0, timeout: 5_000 });
}

export function googleClient(url: string): GoogleGenAI {
  return new GoogleGenAI({
    apiKey: 'google-test',
    httpOptions: { baseUrl: url, apiVersion: 'v1beta', timeout: 5_000, retryOptions: { attempts: 1 } },
  });
}

export function azureClient(url: string, deployment: string): AzureOpenAI {
  return new AzureOpenAI({ apiKey: 'azure-test', endpoint: url, apiVersion: '2024-10-21', deployment, maxRetries: 0, timeout: 5_000 });
}
