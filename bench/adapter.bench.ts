/**
 * What a detour adapter adds to a direct SDK call: the same SDK client, the
 * same request, against the simulator (in a child process, so the server does
 * not share the client's thread), sequential and at 50 concurrent, the two
 * interleaved so drift hits both alike. Also: how late timeouts and aborts
 * settle after their deadline.
 *
 * `npm run bench -- adapter` (BENCH_ADAPTER_CALLS sets the sequential count, default 2000).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import * as AnthropicSdk from '@anthropic-ai/sdk';
import type Anthropic from '@anthropic-ai/sdk';
import * as GoogleSdk from '@google/genai';
import type { GoogleGenAI } from '@google/genai';
import * as OpenAISdk from 'openai';
import type OpenAI from 'openai';
import { AnthropicAdapter } from '../src/providers/anthropic/anthropic-adapter.js';
import { createAnthropicClient } from '../src/providers/anthropic/create-anthropic-client.js';
import { createGoogleClient } from '../src/providers/google/create-google-client.js';
import { GoogleAdapter } from '../src/providers/google/google-adapter.js';
import { toAnthropicBody } from '../src/providers/anthropic/anthropic-request.js';
import { toGoogleParameters } from '../src/providers/google/google-request.js';
import { createOpenAIClient } from '../src/providers/openai/create-openai-client.js';
import { toOpenAIBody } from '../src/providers/openai/openai-request.js';
import { catalogParams, mergeParams } from '../src/providers/params.js';
import { OpenAIAdapter } from '../src/providers/openai/openai-adapter.js';
import type { GenerateRequest, ProviderAdapter } from '../src/providers/spec.js';
import { startSimulator } from '../src/simulator/index.js';
import { percentile, type BenchResult } from './types.js';

export const title = 'adapter overhead vs direct SDK call';

const SEQUENTIAL = Number(process.env['BENCH_ADAPTER_CALLS'] ?? 2000);
const CONCURRENCY = 50;
const BATCHES = Math.max(4, Math.round(SEQUENTIAL / CONCURRENCY));
const WARMUP = 200;

const PROMPT = 'Tell me about the weather today, in detail please.';
const MESSAGES = [
  { role: 'system' as const, content: 'You are terse.' },
  { role: 'user' as const, content: PROMPT },
];

export interface Subject {
  readonly name: string;
  readonly direct: () => Promise<unknown>;
  readonly adapter: ProviderAdapter;
  readonly request: GenerateRequest;
}

interface Server {
  readonly url: string;
  close(): Promise<void>;
}

/** The simulator as a child process (`detour simulate --port 0`); in-process if that fails. */
export async function startServer(): Promise<Server> {
  const here = path.dirname(fileURLToPath(import.meta.url));
  const main = path.resolve(here, '../src/cli/main.js');
  const child: ChildProcess = spawn(process.execPath, [main, 'simulate', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  const url = await new Promise<string | null>((resolve) => {
    let output = '';
    const timer = setTimeout(() => resolve(null), 10_000);
    child.stdout?.on('data', (data: Buffer) => {
      output += data.toString();
      const match = /listening on (http:\/\/\S+)/.exec(output);
      if (match?.[1] !== undefined) {
        clearTimeout(timer);
        resolve(match[1]);
      }
    });
    child.once('exit', () => {
      clearTimeout(timer);
      resolve(null);
    });
  });
  if (url !== null) {
    return {
      url,
      close: () =>
        new Promise<void>((resolve) => {
          child.once('exit', () => resolve());
          child.kill('SIGTERM');
        }),
    };
  }
  child.kill('SIGTERM');
  process.stderr.write('adapter bench: detour simulate did not start; using the simulator in-process\n');
  const simulator = await startSimulator();
  return { url: simulator.url, close: () => simulator.close() };
}

export function settings(baseUrl: string) {
  return { apiKey: 'bench-key', baseUrl, timeoutMs: 30_000, fetch: null, headers: {} };
}

function subjects(url: string): Subject[] {
  const openai: OpenAI = createOpenAIClient(OpenAISdk, settings(`${url}/v1`));
  const anthropic: Anthropic = createAnthropicClient(AnthropicSdk, settings(url));
  const google: GoogleGenAI = createGoogleClient(GoogleSdk, settings(url));
  return [
    {
      name: 'openai',
      direct: () => openai.chat.completions.create({ model: 'bench-openai', messages: MESSAGES }, { maxRetries: 0 }),
      adapter: new OpenAIAdapter({ client: openai, modelId: 'bench-openai' }),
      request: { model: 'bench-openai', messages: MESSAGES },
    },
    {
      name: 'anthropic',
      direct: () =>
        anthropic.messages.create(
          { model: 'bench-anthropic', max_tokens: 1024, system: 'You are terse.', messages: [{ role: 'user', content: PROMPT }] },
          { maxRetries: 0 },
        ),
      adapter: new AnthropicAdapter({ client: anthropic, modelId: 'bench-anthropic' }),
      request: { model: 'bench-anthropic', messages: MESSAGES },
    },
    {
      name: 'google',
      direct: () =>
        google.models.generateContent({
          model: 'bench-google',
          contents: [{ role: 'user', parts: [{ text: PROMPT }] }],
          config: { systemInstruction: 'You are terse.', automaticContinuation: false },
        }),
      adapter: new GoogleAdapter({ client: google, modelId: 'bench-google' }),
      request: { model: 'bench-google', messages: MESSAGES },
    },
  ];
}

async function timed(call: () => Promise<unknown>): Promise<number> {
  const start = performance.now();
  await call();
  return performance.now() - start;
}

/** Alternating calls, the order flipped every round so neither side always goes first. */
export async function sequential(subject: Subject, count: number): Promise<{ direct: number[]; adapter: number[] }> {
  const direct: number[] = [];
  const adapter: number[] = [];
  const viaAdapter = () => subject.adapter.generate(subject.request);
  for (let round = 0; round < count; round += 1) {
    if (round % 2 === 0) {
      direct.push(await timed(subject.direct));
      adapter.push(await timed(viaAdapter));
    } else {
      adapter.push(await timed(viaAdapter));
      direct.push(await timed(subject.direct));
    }
  }
  return { direct, adapter };
}

/** Batches of 50 at once, direct and adapter batches alternating; per-call latencies and each batch's wall time. */
async function concurrent(
  subject: Subject,
  batches: number,
): Promise<{ direct: number[]; adapter: number[]; directBatches: number[]; adapterBatches: number[] }> {
  const result = { direct: [] as number[], adapter: [] as number[], directBatches: [] as number[], adapterBatches: [] as number[] };
  const viaAdapter = () => subject.adapter.generate(subject.request);
  const batch = async (call: () => Promise<unknown>, calls: number[], walls: number[]) => {
    const start = performance.now();
    calls.push(...(await Promise.all(Array.from({ length: CONCURRENCY }, () => timed(call)))));
    walls.push(performance.now() - start);
  };
  for (let round = 0; round < batches; round += 1) {
    if (round % 2 === 0) {
      await batch(subject.direct, result.direct, result.directBatches);
      await batch(viaAdapter, result.adapter, result.adapterBatches);
    } else {
      await batch(viaAdapter, result.adapter, result.adapterBatches);
      await batch(subject.direct, result.direct, result.directBatches);
    }
  }
  return result;
}

export function figures(label: string, samples: { direct: number[]; adapter: number[] }, aim: string): BenchResult[] {
  const directMedian = percentile(samples.direct, 50);
  const adapterMedian = percentile(samples.adapter, 50);
  const directP99 = percentile(samples.direct, 99);
  const adapterP99 = percentile(samples.adapter, 99);
  return [
    { name: `${label}, median`, value: adapterMedian * 1000, unit: 'µs', baseline: { name: 'direct SDK', value: directMedian * 1000 } },
    { name: `${label}, p99`, value: adapterP99 * 1000, unit: 'µs', baseline: { name: 'direct SDK', value: directP99 * 1000 } },
    {
      name: `${label}, median ratio`,
      value: adapterMedian / directMedian,
      unit: 'ratio',
      baseline: { name: 'direct SDK', value: 1 },
      aim,
      note: `${samples.adapter.length} calls each`,
    },
  ];
}

/** How long after its deadline a timed-out (or aborted) call settles, against a hanging model. */
async function lateness(url: string): Promise<BenchResult[]> {
  const simulator = await startSimulator({ scenario: { models: { hang: { faults: [{ type: 'hang' }] } } } });
  const adapter = new OpenAIAdapter({ client: createOpenAIClient(OpenAISdk, settings(`${simulator.url}/v1`)), modelId: 'hang' });
  void url;
  const request: GenerateRequest = { model: 'hang', messages: MESSAGES };
  const timeoutLate: number[] = [];
  const abortLate: number[] = [];
  const deadline = 30;
  for (let round = 0; round < 30; round += 1) {
    const start = performance.now();
    await adapter.generate(request, { timeout: deadline }).catch(() => undefined);
    timeoutLate.push(performance.now() - start - deadline);
    const controller = new AbortController();
    const abortAt = performance.now() + deadline;
    setTimeout(() => controller.abort(), deadline);
    await adapter.generate(request, { signal: controller.signal }).catch(() => undefined);
    abortLate.push(performance.now() - abortAt);
  }
  await simulator.close();
  return [
    { name: 'timeout settles after its deadline, p99', value: percentile(timeoutLate, 99), unit: 'ms', aim: '< 20 ms', note: `${deadline} ms timeout, hanging model, 30 calls` },
    { name: 'abort settles after the signal, p99', value: percentile(abortLate, 99), unit: 'ms', aim: '< 20 ms', note: '30 calls' },
  ];
}

/** The adapter's own CPU work per call, free of network noise: request translation with catalog params merged. */
function translationCost(): BenchResult[] {
  const request: GenerateRequest = { model: 'm', messages: MESSAGES, maxTokens: 100 };
  const params = catalogParams({ temperature: 0.2, top_p: 0.9 });
  const translations: readonly (readonly [string, () => unknown])[] = [
    ['openai', () => toOpenAIBody(mergeParams(request, params), { providerType: 'openai', modelId: 'm' }, 'max_completion_tokens')],
    ['anthropic', () => toAnthropicBody(mergeParams(request, params), 'm', 1024)],
    ['google', () => toGoogleParameters(mergeParams(request, params), 'm', undefined, undefined)],
  ];
  const rounds = 100_000;
  return translations.map(([name, translate]) => ({
    name: `${name} request translation (params merged), per call`,
    value: microsecondsPerCall(translate, rounds),
    unit: 'µs',
    note: `${rounds} calls; compare with the sequential direct-SDK median above`,
  }));
}

/** CPU time of one call of `work`, in µs, over `rounds` calls after a tenth as many to warm up. */
export function microsecondsPerCall(work: () => unknown, rounds: number): number {
  for (let index = 0; index < rounds / 10; index += 1) work();
  const start = performance.now();
  for (let index = 0; index < rounds; index += 1) work();
  return ((performance.now() - start) * 1000) / rounds;
}

export async function run(): Promise<readonly BenchResult[]> {
  const server = await startServer();
  const results: BenchResult[] = [];
  try {
    for (const subject of subjects(server.url)) {
      await sequential(subject, WARMUP);
      results.push(...figures(`${subject.name} generate, sequential`, await sequential(subject, SEQUENTIAL), '< 1.03'));
      await concurrent(subject, 2);
      const parallel = await concurrent(subject, BATCHES);
      results.push(...figures(`${subject.name} generate, ${CONCURRENCY} concurrent`, parallel, '< 1.03'));
      const directWall = percentile(parallel.directBatches, 50);
      const adapterWall = percentile(parallel.adapterBatches, 50);
      results.push({
        name: `${subject.name} generate, ${CONCURRENCY} concurrent, batch wall time median`,
        value: adapterWall,
        unit: 'ms',
        baseline: { name: 'direct SDK', value: directWall },
        note: `ratio ${(adapterWall / directWall).toFixed(3)}, ${parallel.adapterBatches.length} batches each`,
      });
    }
    results.push(...translationCost());
    results.push(...(await lateness(server.url)));
  } finally {
    await server.close();
  }
  return results;
}
