/**
 * What `import 'detour-llm'` costs a cold process (a serverless instance pays
 * it on every start), against importing the three provider SDKs it no longer
 * imports up front; and what the lazily built adapter adds to a call once it
 * is built, against calling the same adapter directly.
 *
 * `npm run bench -- import` (BENCH_IMPORT_RUNS sets the number of cold starts, default 15).
 */
import { execFile } from 'node:child_process';
import path from 'node:path';
import { fileURLToPath, pathToFileURL } from 'node:url';
import { promisify } from 'node:util';
import { LazyAdapter } from '../src/providers/lazy-adapter.js';
import type { GenerateRequest, GenerateResponse, ProviderAdapter } from '../src/providers/spec.js';
import { percentile, type BenchResult } from './types.js';

export const title = 'cold import and the lazy adapter';

const execFileAsync = promisify(execFile);
const entry = pathToFileURL(path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../src/index.js')).href;

interface ColdImport {
  readonly wallMs: number;
  readonly cpuMs: number;
}

/** One fresh `node` process importing `specifiers`; wall and CPU time of the imports alone. */
async function coldImport(specifiers: readonly string[]): Promise<ColdImport> {
  const source = `const cpu = process.cpuUsage(); const start = performance.now();
await Promise.all(${JSON.stringify(specifiers)}.map((specifier) => import(specifier)));
const used = process.cpuUsage(cpu);
console.log(JSON.stringify({ wallMs: performance.now() - start, cpuMs: (used.user + used.system) / 1000 }));`;
  const { stdout } = await execFileAsync(process.execPath, ['--input-type=module', '-e', source], { cwd: process.cwd() });
  return JSON.parse(stdout) as ColdImport;
}

async function importTimes(runs: number): Promise<BenchResult[]> {
  const detour: ColdImport[] = [];
  const sdks: ColdImport[] = [];
  // Interleaved, so a busy moment of the machine hits both alike.
  for (let round = 0; round < runs; round += 1) {
    detour.push(await coldImport([entry]));
    sdks.push(await coldImport(['openai', '@anthropic-ai/sdk', '@google/genai']));
  }
  const median = (samples: readonly ColdImport[], key: keyof ColdImport) => percentile(samples.map((sample) => sample[key]), 50);
  return [
    {
      name: 'import detour-llm, cold process, median wall',
      value: median(detour, 'wallMs'),
      unit: 'ms',
      baseline: { name: 'the three provider SDKs detour used to import up front', value: median(sdks, 'wallMs') },
      aim: '< 150 ms',
      note: `${runs} processes each; min ${Math.min(...detour.map((sample) => sample.wallMs)).toFixed(0)} ms`,
    },
    {
      name: 'import detour-llm, cold process, median CPU',
      value: median(detour, 'cpuMs'),
      unit: 'ms',
      baseline: { name: 'the three provider SDKs', value: median(sdks, 'cpuMs') },
      note: 'user + system time of the process while importing (all threads)',
    },
  ];
}

const RESPONSE: GenerateResponse = { text: 'ok', content: [{ type: 'text', text: 'ok' }], toolCalls: [], reasoning: null, finishReason: { unified: 'stop', raw: 'stop' }, usage: { inputTokens: 1, outputTokens: 1 }, responseModel: 'm', responseId: null };

const inMemory: ProviderAdapter = {
  specificationVersion: 'v2',
  provider: 'memory',
  providerType: 'openai',
  modelId: 'm',
  serverAddress: null,
  serverPort: null,
  generate: () => Promise.resolve(RESPONSE),
  async *stream() {
    yield { type: 'finish', response: RESPONSE };
  },
};

async function callsPerRound(adapter: ProviderAdapter, calls: number): Promise<number> {
  const request: GenerateRequest = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
  const start = performance.now();
  for (let call = 0; call < calls; call += 1) await adapter.generate(request);
  return ((performance.now() - start) * 1000) / calls;
}

async function lazyOverhead(): Promise<BenchResult[]> {
  const lazy = new LazyAdapter({ provider: 'memory', providerType: 'openai', modelId: 'm', baseUrl: null, build: () => Promise.resolve(inMemory) });
  const request: GenerateRequest = { model: 'm', messages: [{ role: 'user', content: 'hi' }] };
  await lazy.generate(request);
  const direct: number[] = [];
  const wrapped: number[] = [];
  for (let round = 0; round < 30; round += 1) {
    direct.push(await callsPerRound(inMemory, 20_000));
    wrapped.push(await callsPerRound(lazy, 20_000));
  }
  return [
    {
      name: 'generate through the built lazy adapter, per call',
      value: percentile(wrapped, 50),
      unit: 'µs',
      baseline: { name: 'the same adapter called directly', value: percentile(direct, 50) },
      note: 'an in-memory adapter, so the figure is the wrapper alone; 30 rounds of 20000 calls',
    },
  ];
}

export async function run(): Promise<BenchResult[]> {
  const runs = Number(process.env['BENCH_IMPORT_RUNS'] ?? 15);
  return [...(await importTimes(runs)), ...(await lazyOverhead())];
}
