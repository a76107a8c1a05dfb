/**
 * The executor's cost in the request path, through the real OpenAI SDK
 * against the simulator in a child process (so the server never shares the
 * client's event loop or skews its timers):
 * (a) success path: executor.generate vs the same SDK call made directly,
 *     interleaved call by call (order flipped every round) so drift and load
 *     hit both alike; sequential and 50 concurrent;
 * (b) failover: from a failed call's rejection to the next call being sent,
 *     zero delay configured;
 * (c) hedging on two heavy tails — lognormal (scenarios/heavy-tail.yaml) and
 *     stalls (scenarios/heavy-tail-stalls.yaml): p99 with and without `hedge`,
 *     the share of extra requests, and the ideal p99 for independent draws.
 *     `after` is set from the unhedged run itself: its p95 (about 5% extra
 *     requests) and its p90 (the whole 10% budget).
 *
 * `npm run bench -- executor` (BENCH_EXECUTOR_CALLS: sequential calls, default 4000;
 * BENCH_HEDGE_SESSIONS: sessions per hedging run, default 6000).
 */
import { setMaxListeners } from 'node:events';
import { monitorEventLoopDelay } from 'node:perf_hooks';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { Executor } from '../src/executor/Executor.js';
import { parsePolicy } from '../src/policy/load.js';
import { createPolicySet } from '../src/policy/set.js';
import type { Policy } from '../src/policy/types.js';
import { SelfManagingFallbackFactory } from '../src/providers/factory.js';
import type { AdapterSource } from '../src/providers/factory.js';
import type { ProviderAdapter } from '../src/providers/spec.js';
import { loadScenarioFile } from '../src/simulator/index.js';
import type { Latency } from '../src/simulator/index.js';
import { childSimulator } from './child-simulator.js';
import type { ChildSimulator } from './child-simulator.js';
import { sampleLatency, seededRandom } from '../src/simulator/random.js';
import { percentile } from './types.js';
import type { BenchResult } from './types.js';

export const title = 'executor';

const SEQUENTIAL = Number(process.env['BENCH_EXECUTOR_CALLS'] ?? 4000);
const CONCURRENCY = 50;
const HEDGE_SESSIONS = Number(process.env['BENCH_HEDGE_SESSIONS'] ?? 6000);
const HEDGE_WORKERS = 25;
const messages = [{ role: 'user' as const, content: 'ping' }];
const scenarioPath = (name: string) => fileURLToPath(new URL(`../../scenarios/${name}.yaml`, import.meta.url));

function policy(body: string): Policy {
  const text = `version: 1\nname: bench\nmodels:\n  a: { provider: openai, model: gpt-a }\n  b: { provider: openai, model: gpt-b }\n  c: { provider: openai, model: gpt-c }\nbase_delay: 0\njitter: false\n${body}`;
  const result = parsePolicy(text, 'bench.yaml');
  if (result.policy === null) throw new Error(result.diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
  return result.policy;
}

function executorFor(url: string, body: string, factory?: AdapterSource): Executor {
  return new Executor({
    policies: createPolicySet([policy(body)]),
    factory: factory ?? new SelfManagingFallbackFactory({ baseUrlOverride: url, apiKeyOverride: 'bench' }),
    historySize: 100,
  });
}

const micros = (start: number) => (performance.now() - start) * 1000;

async function timed(call: () => Promise<unknown>, into: number[]): Promise<void> {
  const start = performance.now();
  await call();
  into.push(micros(start));
}

/** One way to make the call, and its samples (µs per call; batch wall times for concurrent runs). */
interface Arm {
  readonly call: () => Promise<unknown>;
  readonly samples: number[];
  readonly batches: number[];
}

const arm = (call: () => Promise<unknown>): Arm => ({ call, samples: [], batches: [] });

/**
 * Three arms, interleaved call by call (batch by batch at 50 concurrent) in an
 * order that rotates every round: the SDK directly, the detour adapter given
 * the executor's call options (signal + timeout), and executor.generate. The
 * middle arm splits the executor's cost into the adapter's share and its own.
 */
async function successPath(results: BenchResult[]): Promise<void> {
  const sim = await childSimulator();
  const client = new OpenAI({ apiKey: 'bench', baseURL: `${sim.url}/v1`, maxRetries: 0 });
  const body = 'primary_model: a\nfallback_models: [b]\n';
  const factory = new SelfManagingFallbackFactory({ baseUrlOverride: sim.url, apiKeyOverride: 'bench' });
  const executor = executorFor(sim.url, body, factory);
  const timeout = policy(body).timeoutMs;
  const adapter = factory.getAdapter(executor.policies.current().get('bench')!, 'a');
  const signal = new AbortController().signal;
  setMaxListeners(0, signal);
  const arms = [
    arm(() => client.chat.completions.create({ model: 'gpt-a', messages })),
    arm(() => adapter.generate({ model: 'gpt-a', messages }, { signal, timeout })),
    arm(() => executor.generate({ policy: 'bench', messages })),
  ] as const;
  const order = (round: number): readonly Arm[] => [arms[round % 3]!, arms[(round + 1) % 3]!, arms[(round + 2) % 3]!];
  try {
    for (let round = 0; round < 1000; round++) for (const { call } of arms) await call();
    for (let round = 0; round < SEQUENTIAL; round++) for (const { call, samples } of order(round)) await timed(call, samples);
    report(results, 'sequential', arms);
    for (const { samples } of arms) samples.length = 0;
    const rounds = Math.max(30, Math.round(SEQUENTIAL / CONCURRENCY));
    for (let round = 0; round < rounds + 6; round++) {
      for (const { call, samples, batches } of order(round)) {
        const into = round >= 6 ? samples : [];
        const start = performance.now();
        await Promise.all(Array.from({ length: CONCURRENCY }, () => timed(call, into)));
        if (round >= 6) batches.push(micros(start));
      }
    }
    report(results, `${CONCURRENCY} concurrent`, arms);
    const [direct, , viaExecutor] = arms;
    const perCall = (percentile(viaExecutor.batches, 50) - percentile(direct.batches, 50)) / CONCURRENCY;
    results.push({
      name: `success path, ${CONCURRENCY} concurrent, batch wall time added per call`,
      value: perCall,
      unit: 'µs',
      baseline: { name: 'direct batch median', value: percentile(direct.batches, 50) },
      aim: '< 50 µs',
      note: `executor batch median ${percentile(viaExecutor.batches, 50).toFixed(0)} µs, ${viaExecutor.batches.length} batches each`,
    });
  } finally {
    await sim.close();
  }
}

function report(results: BenchResult[], label: string, [direct, adapter, executor]: readonly [Arm, Arm, Arm]): void {
  const note = `${executor.samples.length} calls each, interleaved`;
  for (const p of [50, 99]) {
    const base = percentile(direct.samples, p);
    const value = percentile(executor.samples, p);
    const name = p === 50 ? 'median' : 'p99';
    results.push({ name: `success path, ${label}, ${name}`, value, unit: 'µs', baseline: { name: `direct SDK call ${name}`, value: base }, note });
    results.push({ name: `success path, ${label}, ${name} added`, value: value - base, unit: 'µs', ...(p === 50 && label === 'sequential' ? { aim: '< 50 µs' } : {}) });
    if (p === 50) {
      results.push({ name: `success path, ${label}, median ratio`, value: value / base, unit: 'ratio', aim: '< 1.05' });
      const adapterMedian = percentile(adapter.samples, 50);
      results.push({
        name: `success path, ${label}, median added by the adapter alone (executor's call options)`,
        value: adapterMedian - base,
        unit: 'µs',
        baseline: { name: 'executor added', value: value - base },
        note: `adapter median ${adapterMedian.toFixed(0)} µs`,
      });
    }
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
  const sim = await childSimulator({ models: { 'gpt-a': { faults: [{ type: 'service_unavailable' }] } } });
  try {
    const clock = new FailoverClock(new SelfManagingFallbackFactory({ baseUrlOverride: sim.url, apiKeyOverride: 'bench' }));
    const executor = executorFor(sim.url, 'primary_model: a\nfallback_models: [b]\n', clock);
    for (let index = 0; index < 300; index++) await executor.generate({ policy: 'bench', messages });
    clock.gaps.length = 0;
    for (let index = 0; index < 2000; index++) await executor.generate({ policy: 'bench', messages });
    results.push({ name: 'failover, rejection → next call sent, median', value: percentile(clock.gaps, 50), unit: 'µs' });
    results.push({ name: 'failover, rejection → next call sent, p99', value: percentile(clock.gaps, 99) / 1000, unit: 'ms', aim: '< 1 ms' });
  } finally {
    await sim.close();
  }
}

interface HedgeRun {
  readonly latencies: number[];
  readonly extraShare: number;
  /** How late the hedge started after `after`, per hedged session (ms, Date resolution). */
  readonly hedgeLag: number[];
  /** The longest the client's event loop was blocked during the run (ms): a stall delays every session in flight. */
  readonly loopDelayMax: number;
}

/** `HEDGE_SESSIONS` sessions, `HEDGE_WORKERS` at a time, each draw sequence restarted so every run sees the same latencies. */
async function hedgeRun(sim: ChildSimulator, body: string, afterMs: number | null): Promise<HedgeRun> {
  await sim.reset();
  const executor = executorFor(sim.url, body);
  const loopDelay = monitorEventLoopDelay({ resolution: 5 });
  loopDelay.enable();
  const latencies: number[] = [];
  const hedgeLag: number[] = [];
  let next = 0;
  const worker = async () => {
    while (next < HEDGE_SESSIONS) {
      next++;
      const start = performance.now();
      const result = await executor.generate({ policy: 'bench', messages });
      latencies.push(performance.now() - start);
      const hedged = afterMs === null ? undefined : result.session.attempts.find((attempt) => attempt.hedged);
      if (hedged !== undefined && afterMs !== null) hedgeLag.push(hedged.startTime - result.session.startTime - afterMs);
    }
  };
  await Promise.all(Array.from({ length: HEDGE_WORKERS }, worker));
  loopDelay.disable();
  const requests = (await sim.counts()).requests;
  return { latencies, extraShare: (requests - HEDGE_SESSIONS) / HEDGE_SESSIONS, hedgeLag, loopDelayMax: loopDelay.max / 1e6 };
}

/** Hedging with zero overhead and independent draws: the session takes min(X1, after + X2) once X1 passes `after`. */
function idealHedge(latency: Latency, afterMs: number): { p99: number; extraShare: number } {
  const random = seededRandom(7);
  const draws = 400_000;
  const results: number[] = new Array<number>(draws);
  let extra = 0;
  for (let index = 0; index < draws; index++) {
    const first = sampleLatency(latency, random);
    if (first <= afterMs) {
      results[index] = first;
      continue;
    }
    extra++;
    results[index] = Math.min(first, afterMs + sampleLatency(latency, random));
  }
  return { p99: percentile(results, 99), extraShare: extra / draws };
}

async function hedging(results: BenchResult[], name: string, label: string): Promise<void> {
  const file = scenarioPath(name);
  const latency = (await loadScenarioFile(file)).models.get('*')?.latency;
  if (latency === undefined) throw new Error(`${name}.yaml has no "*" latency`);
  const sim = await childSimulator(file);
  try {
    const chain = 'primary_model: a\nfallback_models: [b, c]\n';
    const plain = await hedgeRun(sim, chain, null);
    const plainP99 = percentile(plain.latencies, 99);
    const notes = `${HEDGE_SESSIONS} sessions, ${HEDGE_WORKERS} at a time, same seeded draws in every run`;
    results.push({
      name: `${label}: no hedge, median / p95`,
      value: percentile(plain.latencies, 50),
      unit: 'ms',
      note: `p95 ${percentile(plain.latencies, 95).toFixed(1)} ms; ${notes}; event loop blocked ≤ ${plain.loopDelayMax.toFixed(0)} ms`,
    });
    for (const quantile of [95, 90]) {
      const afterMs = Math.round(percentile(plain.latencies, quantile));
      const hedged = await hedgeRun(sim, `${chain}hedge: { after: ${afterMs}ms, max_extra: 1 }\n`, afterMs);
      const hedgedP99 = percentile(hedged.latencies, 99);
      const ideal = idealHedge(latency, afterMs);
      const prefix = `${label}: hedge after ${afterMs} ms (unhedged p${quantile})`;
      results.push({ name: `${prefix}, p99`, value: hedgedP99, unit: 'ms', baseline: { name: 'p99 without hedge', value: plainP99 }, note: `ideal p99 for independent draws ${ideal.p99.toFixed(1)} ms` });
      results.push({ name: `${prefix}, p99 cut`, value: plainP99 / hedgedP99, unit: 'ratio', aim: '≥ 3×' });
      results.push({ name: `${prefix}, extra requests`, value: hedged.extraShare * 100, unit: '%', aim: '< 10%', note: `ideal ${(ideal.extraShare * 100).toFixed(1)}%` });
      results.push({
        name: `${prefix}, hedge start lag p50 / p99`,
        value: percentile(hedged.hedgeLag, 50),
        unit: 'ms',
        note: `p99 ${percentile(hedged.hedgeLag, 99)} ms after \`after\`; event loop blocked ≤ ${hedged.loopDelayMax.toFixed(0)} ms during the run`,
      });
    }
  } finally {
    await sim.close();
  }
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  await successPath(results);
  await failover(results);
  await hedging(results, 'heavy-tail', 'lognormal tail (p50 20 ms, p99 400 ms)');
  await hedging(results, 'heavy-tail-stalls', 'stall tail (p50 20 ms, p99 60 ms, 3% stall ~1 s)');
  return results;
}
