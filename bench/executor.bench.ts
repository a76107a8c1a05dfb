/**
 * The executor's cost in the request path, against the simulator on
 * 127.0.0.1 through the real OpenAI SDK:
 * (a) success path: executor.generate vs the same SDK call made directly,
 *     sequential and 50 concurrent (interleaved so drift hits both alike);
 * (b) failover: from a failed call's rejection to the next call being sent,
 *     zero delay configured;
 * (c) hedging against a heavy-tail latency scenario: p99 with and without
 *     `hedge`, and the share of extra requests it cost.
 */
import OpenAI from 'openai';
import { Executor } from '../src/executor/Executor.js';
import { parsePolicy } from '../src/policy/load.js';
import { createPolicySet } from '../src/policy/set.js';
import type { Policy } from '../src/policy/types.js';
import { SelfManagingFallbackFactory } from '../src/providers/factory.js';
import type { AdapterSource } from '../src/providers/factory.js';
import type { ProviderAdapter } from '../src/providers/spec.js';
import { startSimulator } from '../src/simulator/index.js';
import type { Simulator } from '../src/simulator/index.js';
import { percentile } from './types.js';
import type { BenchResult } from './types.js';

export const title = 'executor';

const messages = [{ role: 'user' as const, content: 'ping' }];

function policy(body: string): Policy {
  const text = `version: 1\nname: bench\nmodels:\n  a: { provider: openai, model: gpt-a }\n  b: { provider: openai, model: gpt-b }\n  c: { provider: openai, model: gpt-c }\nbase_delay: 0\njitter: false\n${body}`;
  const result = parsePolicy(text, 'bench.yaml');
  if (result.policy === null) throw new Error(result.diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
  return result.policy;
}

function executorFor(sim: Simulator, body: string, factory?: AdapterSource): Executor {
  return new Executor({
    policies: createPolicySet([policy(body)]),
    factory: factory ?? new SelfManagingFallbackFactory({ baseUrlOverride: sim.url, apiKeyOverride: 'bench' }),
    historySize: 100,
  });
}

const micros = (start: number) => (performance.now() - start) * 1000;

async function successPath(results: BenchResult[]): Promise<void> {
  const sim = await startSimulator({ port: 0 });
  const client = new OpenAI({ apiKey: 'bench', baseURL: `${sim.url}/v1`, maxRetries: 0 });
  const executor = executorFor(sim, 'primary_model: a\nfallback_models: [b]\n');
  const direct = () => client.chat.completions.create({ model: 'gpt-a', messages });
  const viaExecutor = () => executor.generate({ policy: 'bench', messages });
  for (let index = 0; index < 300; index++) {
    await direct();
    await viaExecutor();
  }
  const directSamples: number[] = [];
  const executorSamples: number[] = [];
  for (let index = 0; index < 2000; index++) {
    let start = performance.now();
    await direct();
    directSamples.push(micros(start));
    start = performance.now();
    await viaExecutor();
    executorSamples.push(micros(start));
  }
  report(results, 'sequential', directSamples, executorSamples);
  const directConcurrent: number[] = [];
  const executorConcurrent: number[] = [];
  const timed = async (call: () => Promise<unknown>, into: number[]) => {
    const start = performance.now();
    await call();
    into.push(micros(start));
  };
  for (let round = 0; round < 60; round++) {
    await Promise.all(Array.from({ length: 50 }, () => timed(direct, directConcurrent)));
    await Promise.all(Array.from({ length: 50 }, () => timed(viaExecutor, executorConcurrent)));
  }
  report(results, '50 concurrent', directConcurrent.slice(500), executorConcurrent.slice(500));
  await sim.close();
}

function report(results: BenchResult[], label: string, direct: number[], executor: number[]): void {
  for (const p of [50, 99]) {
    const base = percentile(direct, p);
    const value = percentile(executor, p);
    const name = p === 50 ? 'median' : 'p99';
    results.push({ name: `success path, ${label}, ${name}`, value, unit: 'µs', baseline: { name: `direct SDK call ${name}`, value: base } });
    results.push({ name: `success path, ${label}, ${name} added`, value: value - base, unit: 'µs', ...(p === 50 ? { aim: '< 50 µs' } : {}) });
    if (p === 50) results.push({ name: `success path, ${label}, median ratio`, value: value / base, unit: 'ratio', aim: '< 1.05' });
  }
}

/** Wraps real adapters: notes when a call's rejection reaches detour and when the next call is sent. */
class FailoverClock implements AdapterSource {
  failedAt = 0;
  readonly gaps: number[] = [];
  private readonly wrapped = new Map<string, ProviderAdapter>();
  constructor(private readonly inner: AdapterSource) {}
  getAdapter(policyObject: Policy, modelName: string): ProviderAdapter {
    let adapter = this.wrapped.get(modelName);
    if (adapter !== undefined) return adapter;
    const real = this.inner.getAdapter(policyObject, modelName);
    adapter = {
      ...real,
      generate: async (request, options) => {
        if (modelName === 'b' && this.failedAt > 0) {
          this.gaps.push(micros(this.failedAt));
          this.failedAt = 0;
        }
        try {
          return await real.generate(request, options);
        } catch (error) {
          this.failedAt = performance.now();
          throw error;
        }
      },
      stream: (request, options) => real.stream(request, options),
    };
    this.wrapped.set(modelName, adapter);
    return adapter;
  }
}

async function failover(results: BenchResult[]): Promise<void> {
  const sim = await startSimulator({ port: 0, scenario: { models: { 'gpt-a': { faults: [{ type: 'service_unavailable' }] } } } });
  const clock = new FailoverClock(new SelfManagingFallbackFactory({ baseUrlOverride: sim.url, apiKeyOverride: 'bench' }));
  const executor = executorFor(sim, 'primary_model: a\nfallback_models: [b]\n', clock);
  for (let index = 0; index < 300; index++) await executor.generate({ policy: 'bench', messages });
  clock.gaps.length = 0;
  for (let index = 0; index < 2000; index++) await executor.generate({ policy: 'bench', messages });
  results.push({ name: 'failover, rejection → next call sent, median', value: percentile(clock.gaps, 50), unit: 'µs' });
  results.push({ name: 'failover, rejection → next call sent, p99', value: percentile(clock.gaps, 99) / 1000, unit: 'ms', aim: '< 1 ms' });
  await sim.close();
}

async function hedging(results: BenchResult[]): Promise<void> {
  const sessions = 1500;
  const run = async (body: string) => {
    const sim = await startSimulator({ port: 0, scenario: { seed: 42, models: { '*': { latency: { p50: '20ms', p99: '400ms' }, chunks: 1 } } } });
    const executor = executorFor(sim, body);
    const samples: number[] = [];
    let next = 0;
    const worker = async () => {
      while (next < sessions) {
        next++;
        const start = performance.now();
        await executor.generate({ policy: 'bench', messages });
        samples.push(performance.now() - start);
      }
    };
    await Promise.all(Array.from({ length: 25 }, worker));
    const requests = sim.counts().requests;
    await sim.close();
    return { samples, extra: (requests - sessions) / sessions };
  };
  const plain = await run('primary_model: a\nfallback_models: [b, c]\n');
  const hedged = await run('primary_model: a\nfallback_models: [b, c]\nhedge: { after: 100ms, max_extra: 1 }\n');
  const plainP99 = percentile(plain.samples, 99);
  const hedgedP99 = percentile(hedged.samples, 99);
  results.push({ name: 'heavy tail, no hedge, median', value: percentile(plain.samples, 50), unit: 'ms' });
  results.push({ name: 'heavy tail, p99 with hedge (after 100ms)', value: hedgedP99, unit: 'ms', baseline: { name: 'p99 without hedge', value: plainP99 } });
  results.push({ name: 'heavy tail, p99 cut', value: plainP99 / hedgedP99, unit: 'ratio', aim: '≥ 3×' });
  results.push({ name: 'heavy tail, extra requests with hedge', value: hedged.extra * 100, unit: '%', aim: '< 10%' });
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  await successPath(results);
  await failover(results);
  await hedging(results);
  return results;
}
