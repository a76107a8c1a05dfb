/**
 * What a detour adapter adds to a direct SDK call when the request carries
 * more than text: 10 tool definitions and an image part (a 16 KB PNG,
 * base64), the same request both ways, against the simulator in a child
 * process, calls interleaved. Also the translation's own CPU cost per call.
 *
 * `npm run bench -- features` (BENCH_FEATURE_CALLS sets the count, default 1000).
 */
import { randomBytes } from 'node:crypto';
import * as AnthropicSdk from '@anthropic-ai/sdk';
import * as GoogleSdk from '@google/genai';
import * as OpenAISdk from 'openai';
import { AnthropicAdapter } from '../src/providers/anthropic/anthropic-adapter.js';
import { createAnthropicClient } from '../src/providers/anthropic/create-anthropic-client.js';
import { toAnthropicBody } from '../src/providers/anthropic/anthropic-request.js';
import { createGoogleClient } from '../src/providers/google/create-google-client.js';
import { GoogleAdapter } from '../src/providers/google/google-adapter.js';
import { toGoogleParameters } from '../src/providers/google/google-request.js';
import { createOpenAIClient } from '../src/providers/openai/create-openai-client.js';
import { OpenAIAdapter } from '../src/providers/openai/openai-adapter.js';
import { toOpenAIBody } from '../src/providers/openai/openai-request.js';
import type { GenerateRequest, Message, Tool } from '../src/providers/spec.js';
import { figures, microsecondsPerCall, sequential, settings, startServer, type Subject } from './adapter.bench.js';
import type { BenchResult } from './types.js';

export const title = 'adapter overhead with 10 tools and an image vs direct SDK call';

const CALLS = Number(process.env['BENCH_FEATURE_CALLS'] ?? 1000);
const WARMUP = 100;

const PROMPT = 'What is in this picture, and what is the weather there?';
/** A PNG signature and 16 KB of noise: what matters here is the bytes to carry, not the picture. */
const IMAGE = Buffer.concat([Buffer.from('89504e470d0a1a0a', 'hex'), randomBytes(16 * 1024)]).toString('base64');
const DATA_URL = `data:image/png;base64,${IMAGE}`;

const TOOLS: Tool[] = Array.from({ length: 10 }, (_, index) => ({
  name: `tool_${index}`,
  description: `Tool number ${index}: looks something up`,
  parameters: {
    type: 'object',
    properties: { query: { type: 'string', description: 'what to look up' }, limit: { type: 'integer', minimum: 1 }, tags: { type: 'array', items: { type: 'string' } } },
    required: ['query'],
  },
}));

const MESSAGES: Message[] = [
  { role: 'system', content: 'You are terse.' },
  { role: 'user', content: [{ type: 'text', text: PROMPT }, { type: 'image', image: IMAGE, mediaType: 'image/png' }] },
];

function request(model: string): GenerateRequest {
  return { model, messages: MESSAGES, tools: TOOLS };
}

function subjects(url: string): Subject[] {
  const openai = createOpenAIClient(OpenAISdk, settings(`${url}/v1`));
  const anthropic = createAnthropicClient(AnthropicSdk, settings(url));
  const google = createGoogleClient(GoogleSdk, settings(url));
  return [
    {
      name: 'openai',
      direct: () =>
        openai.chat.completions.create(
          {
            model: 'bench-openai',
            messages: [
              { role: 'system', content: 'You are terse.' },
              { role: 'user', content: [{ type: 'text', text: PROMPT }, { type: 'image_url', image_url: { url: DATA_URL } }] },
            ],
            tools: TOOLS.map((tool) => ({ type: 'function' as const, function: { name: tool.name, description: tool.description ?? '', parameters: tool.parameters as Record<string, unknown> } })),
          },
          { maxRetries: 0 },
        ),
      adapter: new OpenAIAdapter({ client: openai, modelId: 'bench-openai' }),
      request: request('bench-openai'),
    },
    {
      name: 'anthropic',
      direct: () =>
        anthropic.messages.create(
          {
            model: 'bench-anthropic',
            max_tokens: 1024,
            system: 'You are terse.',
            messages: [{ role: 'user', content: [{ type: 'text', text: PROMPT }, { type: 'image', source: { type: 'base64', media_type: 'image/png', data: IMAGE } }] }],
            tools: TOOLS.map((tool) => ({ name: tool.name, description: tool.description ?? '', input_schema: tool.parameters as { type: 'object' } })),
          },
          { maxRetries: 0 },
        ),
      adapter: new AnthropicAdapter({ client: anthropic, modelId: 'bench-anthropic' }),
      request: request('bench-anthropic'),
    },
    {
      name: 'google',
      direct: () =>
        google.models.generateContent({
          model: 'bench-google',
          contents: [{ role: 'user', parts: [{ text: PROMPT }, { inlineData: { data: IMAGE, mimeType: 'image/png' } }] }],
          config: {
            systemInstruction: 'You are terse.',
            automaticContinuation: false,
            tools: [{ functionDeclarations: TOOLS.map((tool) => ({ name: tool.name, description: tool.description ?? '', parametersJsonSchema: tool.parameters })) }],
          },
        }),
      adapter: new GoogleAdapter({ client: google, modelId: 'bench-google' }),
      request: request('bench-google'),
    },
  ];
}

/** The translation alone: detour's request to each SDK's body, per call. */
function translationCost(): BenchResult[] {
  const translations: readonly (readonly [string, () => unknown])[] = [
    ['openai', () => toOpenAIBody(request('m'), { providerType: 'openai', modelId: 'm' }, 'max_completion_tokens')],
    ['anthropic', () => toAnthropicBody(request('m'), 'm', 1024)],
    ['google', () => toGoogleParameters(request('m'), 'm', undefined, undefined)],
  ];
  const rounds = 50_000;
  return translations.map(([name, translate]) => ({
    name: `${name} translation, 10 tools + image, per call`,
    value: microsecondsPerCall(translate, rounds),
    unit: 'µs',
    note: `${rounds} calls`,
  }));
}

export async function run(): Promise<readonly BenchResult[]> {
  const server = await startServer();
  const results: BenchResult[] = [];
  try {
    for (const subject of subjects(server.url)) {
      await sequential(subject, WARMUP);
      results.push(...figures(`${subject.name} generate, 10 tools + image, sequential`, await sequential(subject, CALLS), '< 1.03'));
    }
    results.push(...translationCost());
  } finally {
    await server.close();
  }
  return results;
}
