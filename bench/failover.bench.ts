/**
 * Failover through real SDK errors: OpenAI answers 500, Anthropic answers,
 * every client's own retries off. Side by side, interleaved call by call
 * (batch by batch at 50 concurrent) in an order that rotates every round:
 * - a hand-written try/catch over the same two SDK calls (the baseline);
 * - detour with the default policy settings (`base_delay: 1s`, jitter, `backoff: same_model`);
 * - detour with every delay zero (`base_delay: 0`);
 * - detour with the old default (`backoff: every_attempt`: a jittered wait before the fallback), fewer calls;
 * - `ai-fallback` and `ai-retry` over `@ai-sdk/openai` / `@ai-sdk/anthropic` (`generateText`, `maxRetries: 0`).
 * Figures: the session's latency (median, p99) sequential and at 50
 * concurrent, sessions lost at 50 concurrent (a session that rejected), and
 * the dispatch gap measured in the simulator: the primary's 500 handed to the
 * socket → the fallback request's headers parsed (sequential runs, so each
 * 500 is followed by its own session's fallback). The gap of the
 * hand-written try/catch and of detour's two settings comes from a run of its
 * own (BENCH_FAILOVER_GAPS failovers per arm, the three arms interleaved in
 * blocks of GAP_BLOCK sessions), reported as median and mean of the middle
 * 80% (a scheduling hiccup moves neither), defaults and delays 0 side by side,
 * and what detour adds paired round by round (its block against the
 * hand-written block of the same round, so the machine's pace changing
 * between rounds cancels out). A second, identical hand-written arm runs in
 * that run too: what it "adds" is chance alone, the run's noise floor.
 *
 * `ai-fallback` keeps the model it switched to for every later call (until
 * `modelResetInterval`): each sequential session, and each concurrent batch,
 * starts from the primary again (`currentModelIndex = 0`), or there would be
 * no failover to measure.
 *
 * The same dispatch in process, free of the network and of the machine's
 * scheduling: both SDK clients get a `fetch` that answers at once (OpenAI a
 * 500, Anthropic a message), so the gap from the 500 handed to the OpenAI SDK
 * to the Anthropic request handed to `fetch` is the SDKs' work plus, for
 * detour, the adapters' and the executor's.
 *
 * detour runs over SDK clients it builds itself, as for a policy's
 * providers: a call's control reaches their requests through their fetch.
 * Two more in-process arms tell the SDKs' own cost of an abort signal apart
 * from detour's: detour over the caller's own clients (each call hands the
 * SDK a signal), and the hand-written try/catch given what detour gives each
 * call there — an AbortController and a timeout timer. One more shows what
 * tracing adds: detour with the OpenTelemetry SDK recording every attempt.
 *
 * BENCH_REALTIME=1 (Linux, as root): this process and the simulator at
 * real-time round-robin priority (`bench/realtime.ts`), so other work on a
 * shared machine stays out of the gaps.
 *
 * `npm run bench -- failover` (BENCH_FAILOVER_CALLS: sequential sessions per
 * arm, default 1500; BENCH_FAILOVER_GAPS: failovers per arm for the
 * server-side gap, default 4000; BENCH_FAILOVER_BATCHES: batches of 50 per arm, default 40;
 * BENCH_FAILOVER_IN_PROCESS: in-process sessions per arm, default 20000;
 * BENCH_FAILOVER_ONLY=in-process: the in-process part alone).
 */
import Anthropic from '@anthropic-ai/sdk';
import { context } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { BatchSpanProcessor, TracerProvider } from '@opentelemetry/sdk-trace';
import * as AnthropicSdk from '@anthropic-ai/sdk';
import { createAnthropic } from '@ai-sdk/anthropic';
import { createOpenAI } from '@ai-sdk/openai';
import { generateText } from 'ai';
import { createFallback } from 'ai-fallback';
import { createRetryableModel, error as retryableError } from 'ai-retry/language-model';
import OpenAI from 'openai';
import * as OpenAISdk from 'openai';
import { Executor } from '../src/executor/Executor.js';
import { parsePolicy } from '../src/policy/load.js';
import { createPolicySet } from '../src/policy/set.js';
import type { Policy } from '../src/policy/types.js';
import { AnthropicAdapter } from '../src/providers/anthropic/anthropic-adapter.js';
import { createAnthropicClient } from '../src/providers/anthropic/create-anthropic-client.js';
import { SelfManagingFallbackFactory } from '../src/providers/factory.js';
import { createOpenAIClient } from '../src/providers/openai/create-openai-client.js';
import { OpenAIAdapter } from '../src/providers/openai/openai-adapter.js';
import type { TimelineEntry } from '../src/simulator/index.js';
import { createOpenTelemetryHooks } from '../src/telemetry/createOpenTelemetryHooks.js';
import type { TelemetryHooks } from '../src/telemetry/hooks.js';
import { childSimulator } from './child-simulator.js';
import { realtime } from './realtime.js';
import type { ChildSimulator } from './child-simulator.js';
import { percentile } from './types.js';
import type { BenchResult } from './types.js';

export const title = 'failover';

const SEQUENTIAL = Number(process.env['BENCH_FAILOVER_CALLS'] ?? 1500);
const BATCHES = Number(process.env['BENCH_FAILOVER_BATCHES'] ?? 40);
const IN_PROCESS = Number(process.env['BENCH_FAILOVER_IN_PROCESS'] ?? 20_000);
const GAPS = Number(process.env['BENCH_FAILOVER_GAPS'] ?? 4000);
const GAP_BLOCK = 50;
/** The arms whose server-side gap gets a run of its own. */
const GAP_TAGS = ['hand', 'detour-defaults', 'detour-zero'];
/** The second hand-written arm of the gap run (the run's noise floor). */
const TWIN_TAG = 'hand-twin';
const CONCURRENCY = 50;
/** The old default waits ~0.5 s per session: a smaller sample keeps the run short. */
const SLOW_SHARE = 0.05;
const TAG = 'x-simulator-tag';
const messages = [{ role: 'user' as const, content: 'ping' }];
const SCENARIO = { models: { 'gpt-a': { faults: [{ type: 'server_error' }] } } };
const API_KEY = 'bench-key';

(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

interface Arm {
  readonly name: string;
  readonly tag: string;
  readonly call: () => Promise<unknown>;
  /** Before each sequential session and each concurrent batch. */
  readonly fresh?: () => void;
  /** Fewer samples (the arm waits on purpose). */
  readonly slow?: boolean;
  readonly sequential: number[];
  readonly concurrent: number[];
  lost: number;
  sessions: number;
  /** What the first lost session rejected with. */
  firstLoss: string | null;
}

function arm(name: string, tag: string, call: () => Promise<unknown>, extra: { fresh?: () => void; slow?: boolean } = {}): Arm {
  return { name, tag, call, ...extra, sequential: [], concurrent: [], lost: 0, sessions: 0, firstLoss: null };
}

function detourPolicy(name: string, tag: string, settings: string): Policy {
  const text = `version: 1
name: ${name}
provider_config:
  openai: { headers: { ${TAG}: ${tag} } }
  anthropic: { headers: { ${TAG}: ${tag} } }
models:
  a: { provider: openai, model: gpt-a }
  b: { provider: anthropic, model: claude-b, params: { max_tokens: 64 } }
primary_model: a
fallback_models: [b]
${settings}`;
  const result = parsePolicy(text, `${name}.yaml`);
  if (result.policy === null) throw new Error(result.diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
  return result.policy;
}

/** The hand-written try/catch over two SDK clients of its own, their requests tagged `tag`. */
function handWritten(url: string, tag: string): () => Promise<unknown> {
  const headers = { [TAG]: tag };
  const openai = new OpenAI({ apiKey: API_KEY, baseURL: `${url}/v1`, maxRetries: 0, defaultHeaders: headers });
  const anthropic = new Anthropic({ apiKey: API_KEY, baseURL: url, maxRetries: 0, defaultHeaders: headers });
  return async () => {
    try {
      return await openai.chat.completions.create({ model: 'gpt-a', messages });
    } catch {
      return await anthropic.messages.create({ model: 'claude-b', max_tokens: 64, messages });
    }
  };
}

function arms(url: string): Arm[] {
  const headers = (tag: string) => ({ [TAG]: tag });
  const hand = handWritten(url, 'hand');
  const policies = [
    detourPolicy('defaults', 'detour-defaults', ''),
    detourPolicy('zero', 'detour-zero', 'base_delay: 0\njitter: false\n'),
    detourPolicy('every-attempt', 'detour-every', 'backoff: every_attempt\n'),
  ];
  const executor = new Executor({ policies: createPolicySet(policies), factory: new SelfManagingFallbackFactory({ baseUrlOverride: url, apiKeyOverride: API_KEY }), historySize: 100 });
  const viaDetour = (policy: string) => () => executor.generate({ policy, messages });
  const sdk = (tag: string) => ({
    openai: createOpenAI({ baseURL: `${url}/v1`, apiKey: API_KEY, headers: headers(tag) }),
    anthropic: createAnthropic({ baseURL: `${url}/v1`, apiKey: API_KEY, headers: headers(tag) }),
  });
  const forFallback = sdk('ai-fallback');
  const fallbackModel = createFallback({ models: [forFallback.openai.chat('gpt-a'), forFallback.anthropic('claude-b')] });
  const forRetry = sdk('ai-retry');
  const retryModel = createRetryableModel({ model: forRetry.openai.chat('gpt-a'), retries: [retryableError.isRetryable(true).switch({ model: forRetry.anthropic('claude-b') })] });
  const viaAiSdk = (model: Parameters<typeof generateText>[0]['model']) => () => generateText({ model, messages, maxRetries: 0, maxOutputTokens: 64 });
  return [
    arm('hand-written try/catch', 'hand', hand),
    arm('detour, default settings', 'detour-defaults', viaDetour('defaults')),
    arm('detour, delays 0', 'detour-zero', viaDetour('zero')),
    arm('ai-fallback', 'ai-fallback', viaAiSdk(fallbackModel), { fresh: () => (fallbackModel.currentModelIndex = 0) }),
    arm('ai-retry', 'ai-retry', viaAiSdk(retryModel)),
    arm('detour, backoff: every_attempt (the old default)', 'detour-every', viaDetour('every-attempt'), { slow: true }),
  ];
}

const micros = (start: number) => (performance.now() - start) * 1000;

async function session(target: Arm, into: number[]): Promise<void> {
  const start = performance.now();
  target.sessions++;
  try {
    await target.call();
    into.push(micros(start));
  } catch (error) {
    target.lost++;
    target.firstLoss ??= error instanceof Error ? `${error.name}: ${error.message}`.slice(0, 160) : String(error);
  }
}

/** The arms in an order that rotates every round. */
function rotation<T>(items: readonly T[], round: number): T[] {
  return items.map((_, index) => items[(index + round) % items.length] as T);
}

/** Per tag: the primary's 500 sent → the next request (its session's fallback) received, in µs. */
function serverGaps(entries: readonly TimelineEntry[]): Map<string, number[]> {
  const ordered = [...entries].sort((a, b) => a.receivedAt - b.receivedAt);
  const gaps = new Map<string, number[]>();
  for (let index = 1; index < ordered.length; index++) {
    const failed = ordered[index - 1]!;
    const next = ordered[index]!;
    if (failed.status !== 500 || next.path !== '/v1/messages' || failed.tag === null || failed.tag !== next.tag) continue;
    const list = gaps.get(failed.tag) ?? [];
    list.push((next.receivedAt - failed.finishedAt) * 1000);
    gaps.set(failed.tag, list);
  }
  return gaps;
}

/**
 * The server-side gap of `targets`: GAPS sequential failovers each, the arms
 * interleaved in blocks of GAP_BLOCK in an order that rotates every round.
 */
async function gapRun(sim: ChildSimulator, targets: readonly Arm[]): Promise<Map<string, number[]>> {
  const ignored: number[] = [];
  for (let done = 0, round = 0; done < GAPS; done += GAP_BLOCK, round++) {
    for (const target of rotation(targets, round)) {
      for (let index = 0; index < GAP_BLOCK; index++) await session(target, ignored);
    }
  }
  return serverGaps(await sim.timeline());
}

/**
 * What `gap` adds to `handGap`, round by round: each round's block median of
 * `gap` minus the hand-written block median of the same round (the two blocks
 * ran next to each other), then the median and the 10th and 90th percentiles
 * over the rounds. A change of the machine's pace between rounds cancels out,
 * which the difference of the two overall medians does not do.
 */
function pairedAdded(gap: readonly number[], handGap: readonly number[]): { median: number; p10: number; p90: number; rounds: number } {
  const rounds = Math.min(Math.floor(gap.length / GAP_BLOCK), Math.floor(handGap.length / GAP_BLOCK));
  const differences: number[] = [];
  for (let round = 0; round < rounds; round++) {
    const block = (samples: readonly number[]) => samples.slice(round * GAP_BLOCK, (round + 1) * GAP_BLOCK);
    differences.push(percentile(block(gap), 50) - percentile(block(handGap), 50));
  }
  return { median: percentile(differences, 50), p10: percentile(differences, 10), p90: percentile(differences, 90), rounds };
}

/** Mean of the samples between the 10th and the 90th percentile. */
function trimmedMean(samples: readonly number[]): number {
  const sorted = [...samples].sort((a, b) => a - b);
  const middle = sorted.slice(Math.floor(sorted.length * 0.1), Math.ceil(sorted.length * 0.9));
  return middle.length === 0 ? Number.NaN : middle.reduce((sum, value) => sum + value, 0) / middle.length;
}

/** Sessions through stubbed `fetch`: the time from OpenAI's 500 to Anthropic's request, per session (µs). */
async function inProcess(results: BenchResult[]): Promise<void> {
  let failedAt = 0;
  const gaps = { hand: [] as number[], detour: [] as number[], signal: [] as number[], callers: [] as number[], traced: [] as number[] };
  let into = gaps.hand;
  const serverError = JSON.stringify({ error: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null } });
  const answer = JSON.stringify({ id: 'msg_1', type: 'message', role: 'assistant', model: 'claude-b', content: [{ type: 'text', text: 'pong' }], stop_reason: 'end_turn', stop_sequence: null, usage: { input_tokens: 1, output_tokens: 1 } });
  const openaiFetch = async (): Promise<Response> => {
    const response = new Response(serverError, { status: 500, headers: { 'content-type': 'application/json', 'x-request-id': 'req_1' } });
    failedAt = performance.now();
    return response;
  };
  const anthropicFetch = async (): Promise<Response> => {
    into.push(micros(failedAt));
    return new Response(answer, { status: 200, headers: { 'content-type': 'application/json', 'request-id': 'req_2' } });
  };
  const openai = new OpenAI({ apiKey: API_KEY, baseURL: 'http://127.0.0.1:9/v1', maxRetries: 0, fetch: openaiFetch });
  const anthropic = new Anthropic({ apiKey: API_KEY, baseURL: 'http://127.0.0.1:9', maxRetries: 0, fetch: anthropicFetch });
  const hand = async () => {
    try {
      return await openai.chat.completions.create({ model: 'gpt-a', messages });
    } catch {
      return await anthropic.messages.create({ model: 'claude-b', max_tokens: 64, messages });
    }
  };
  const withSignal = async () => {
    let controller = new AbortController();
    let timer = setTimeout(() => controller.abort(), 30_000);
    try {
      return await openai.chat.completions.create({ model: 'gpt-a', messages }, { signal: controller.signal });
    } catch {
      clearTimeout(timer);
      controller = new AbortController();
      timer = setTimeout(() => controller.abort(), 30_000);
      return await anthropic.messages.create({ model: 'claude-b', max_tokens: 64, messages }, { signal: controller.signal });
    } finally {
      clearTimeout(timer);
    }
  };
  // detour over the clients it builds itself (as for a policy's providers), and over the caller's own.
  const client = (fetch: () => Promise<Response>, baseUrl: string) => ({ apiKey: API_KEY, baseUrl, timeoutMs: null, fetch, headers: {} });
  const builtClients = { openai: createOpenAIClient(OpenAISdk, client(openaiFetch, 'http://127.0.0.1:9/v1')), anthropic: createAnthropicClient(AnthropicSdk, client(anthropicFetch, 'http://127.0.0.1:9')) };
  const viaDetour = (clients: { readonly openai: OpenAI; readonly anthropic: Anthropic }, telemetry?: TelemetryHooks) => {
    const adapters = {
      a: new OpenAIAdapter({ client: clients.openai, modelId: 'gpt-a' }),
      b: new AnthropicAdapter({ client: clients.anthropic, modelId: 'claude-b', params: { max_tokens: 64 } }),
    };
    const executor = new Executor({
      policies: createPolicySet([detourPolicy('in-process', 'none', '')]),
      factory: { getAdapter: (_policy, model) => (model === 'a' ? adapters.a : adapters.b) },
      historySize: 100,
      ...(telemetry === undefined ? {} : { telemetry }),
    });
    return () => executor.generate({ policy: 'in-process', messages });
  };
  const detour = viaDetour(builtClients);
  const detourOverCallers = viaDetour({ openai, anthropic });
  // Traced as an application would be: the OpenTelemetry SDK, a batch span processor (its exporter discards), the
  // AsyncLocalStorage context manager — registered only while this arm runs, so the others run as before.
  const tracerProvider = new TracerProvider({
    spanProcessors: [new BatchSpanProcessor({ exporter: { export: (_spans, done) => done({ code: 0 }), shutdown: async () => {} }, maxQueueSize: 8192, maxExportBatchSize: 512, scheduledDelayMillis: 200 })],
  });
  const contextManager = new AsyncLocalStorageContextManager();
  const tracedDetour = viaDetour(builtClients, createOpenTelemetryHooks({ tracerProvider }));
  const traced = async () => {
    context.setGlobalContextManager(contextManager.enable());
    try {
      return await tracedDetour();
    } finally {
      context.disable();
    }
  };
  const block = 1000;
  for (let index = 0; index < 2000; index++) {
    await Promise.all([hand(), detour(), withSignal(), detourOverCallers()]);
    await traced();
  }
  gaps.hand.length = gaps.detour.length = gaps.signal.length = gaps.callers.length = gaps.traced.length = 0;
  const arms = [
    [gaps.hand, hand],
    [gaps.detour, detour],
    [gaps.signal, withSignal],
    [gaps.callers, detourOverCallers],
    [gaps.traced, traced],
  ] as const;
  for (let done = 0; done < IN_PROCESS; done += block) {
    for (const [list, call] of rotation(arms, done / block)) {
      into = list;
      for (let index = 0; index < block; index++) await call();
    }
  }
  const note = `${gaps.detour.length} sessions each, blocks of ${block} alternating; p99 detour ${percentile(gaps.detour, 99).toFixed(1)} µs, hand-written ${percentile(gaps.hand, 99).toFixed(1)} µs`;
  results.push({ name: 'in process (stubbed fetch): OpenAI 500 → Anthropic request, hand-written, median', value: percentile(gaps.hand, 50), unit: 'µs', note });
  results.push({
    name: 'in process (stubbed fetch): OpenAI 500 → Anthropic request, detour default settings (clients detour builds), median',
    value: percentile(gaps.detour, 50),
    unit: 'µs',
    baseline: { name: 'hand-written median', value: percentile(gaps.hand, 50) },
  });
  results.push({ name: 'in process: dispatch added by detour, median', value: percentile(gaps.detour, 50) - percentile(gaps.hand, 50), unit: 'µs', aim: '< 20 µs' });
  results.push({
    name: 'in process: dispatch added by detour over the caller\'s own SDK clients (each call hands the SDK an abort signal), median',
    value: percentile(gaps.callers, 50) - percentile(gaps.hand, 50),
    unit: 'µs',
    note: `the clients detour builds (above) take the call's control through their fetch instead; p99 ${percentile(gaps.callers, 99).toFixed(1)} µs`,
  });
  results.push({
    name: 'in process: dispatch added by detour with tracing (OpenTelemetry SDK, batch span processor, AsyncLocalStorage context), median',
    value: percentile(gaps.traced, 50) - percentile(gaps.hand, 50),
    unit: 'µs',
    note: `over the untraced hand-written try/catch: the fallback's attempt span is started before its call (the failed attempt's span ends after it); p99 ${percentile(gaps.traced, 99).toFixed(1)} µs`,
  });
  results.push({
    name: 'in process: hand-written with an AbortController and a timeout per call (the SDKs\' cost of a signal), median',
    value: percentile(gaps.signal, 50),
    unit: 'µs',
    baseline: { name: 'hand-written median', value: percentile(gaps.hand, 50) },
  });
  await tracerProvider.shutdown();
}

export async function run(): Promise<BenchResult[]> {
  const priority = realtime(process.pid);
  try {
    const results = await measure(priority ? 'every process at real-time priority (BENCH_REALTIME=1: chrt -r 10)' : 'normal priority');
    return results;
  } finally {
    if (priority) realtime(process.pid, false);
  }
}

async function measure(priority: string): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  await inProcess(results);
  if (process.env['BENCH_FAILOVER_ONLY'] === 'in-process') return results;
  const sim = await childSimulator(SCENARIO, { timeline: Math.max(4 * SEQUENTIAL * 6, 4 * GAPS * (GAP_TAGS.length + 1)) + 1000 });
  try {
    const all = arms(sim.url);
    const fast = all.filter((candidate) => candidate.slow !== true);
    const slowEvery = Math.max(1, Math.round(1 / SLOW_SHARE));
    const warm = (round: number) => (round % slowEvery === 0 ? all : fast);
    for (let round = 0; round < 200; round++) {
      for (const target of rotation(warm(round), round)) {
        target.fresh?.();
        await target.call().catch(() => undefined);
      }
    }
    for (const target of all) target.lost = target.sessions = 0;
    await sim.reset();
    for (let round = 0; round < SEQUENTIAL; round++) {
      for (const target of rotation(warm(round), round)) {
        target.fresh?.();
        await session(target, target.sequential);
      }
    }
    // The gaps of the sequential run; the hand-written one stays the baseline of the arms measured there alone.
    const sequentialGaps = serverGaps(await sim.timeline());
    const gaps = new Map(sequentialGaps);
    // A second hand-written arm in the gap run: two identical arms differ by chance alone, which tells how far
    // any arm's figure may move by chance in this run.
    const twin = arm('hand-written try/catch, a second copy', TWIN_TAG, handWritten(sim.url, TWIN_TAG));
    for (let round = 0; round < 200; round++) await twin.call();
    await sim.reset();
    for (const [tag, list] of await gapRun(sim, [...all.filter((target) => GAP_TAGS.includes(target.tag)), twin])) gaps.set(tag, list);
    const sequentialLosses = all.filter((target) => target.lost > 0).map((target) => `${target.name}: ${target.lost} (${target.firstLoss ?? ''})`);
    if (sequentialLosses.length > 0) process.stderr.write(`sessions lost in the sequential run: ${sequentialLosses.join('; ')}\n`);
    for (const target of all) {
      target.lost = target.sessions = 0;
      target.firstLoss = null;
    }
    for (let round = 0; round < BATCHES; round++) {
      for (const target of rotation(round % Math.max(1, Math.round(slowEvery / 4)) === 0 ? all : fast, round)) {
        target.fresh?.();
        await Promise.all(Array.from({ length: CONCURRENCY }, () => session(target, target.concurrent)));
      }
    }
    report(results, all, gaps, sequentialGaps, priority);
  } finally {
    await sim.close();
  }
  return results;
}

function report(results: BenchResult[], all: readonly Arm[], gaps: ReadonlyMap<string, readonly number[]>, sequentialGaps: ReadonlyMap<string, readonly number[]>, priority: string): void {
  const [hand] = all;
  if (hand === undefined) return;
  for (const target of all) {
    // An arm with a gap run of its own is compared with the hand-written arm of that run; the others with the
    // hand-written arm of the sequential run they were measured in (the machine's pace moves between the two).
    const handGap = (GAP_TAGS.includes(target.tag) ? gaps : sequentialGaps).get(hand.tag) ?? [];
    const seq = target.sequential;
    const conc = target.concurrent;
    const gap = gaps.get(target.tag) ?? [];
    const isHand = target === hand;
    const baseline = (name: string, value: number, unit = 'µs') => (isHand ? {} : { baseline: { name: `hand-written ${name}`, value, unit } });
    results.push({
      name: `${target.name}: sequential, median`,
      value: percentile(seq, 50) / 1000,
      unit: 'ms',
      ...baseline('median', percentile(hand.sequential, 50) / 1000, 'ms'),
      ...(target.tag === 'detour-defaults' ? { aim: '≤ 1.10× hand-written' } : {}),
      note: `${seq.length} sessions, interleaved; p99 ${(percentile(seq, 99) / 1000).toFixed(2)} ms`,
    });
    if (!isHand) results.push({ name: `${target.name}: sequential, median ratio`, value: percentile(seq, 50) / percentile(hand.sequential, 50), unit: 'ratio', ...(target.tag === 'detour-defaults' ? { aim: '≤ 1.10' } : {}) });
    results.push({ name: `${target.name}: sequential, p99`, value: percentile(seq, 99) / 1000, unit: 'ms', ...baseline('p99', percentile(hand.sequential, 99) / 1000, 'ms') });
    results.push({
      name: `${target.name}: ${CONCURRENCY} concurrent, median`,
      value: percentile(conc, 50) / 1000,
      unit: 'ms',
      ...baseline('median', percentile(hand.concurrent, 50) / 1000, 'ms'),
      note: `p99 ${(percentile(conc, 99) / 1000).toFixed(2)} ms; ${conc.length} answered sessions`,
    });
    results.push({ name: `${target.name}: ${CONCURRENCY} concurrent, p99`, value: percentile(conc, 99) / 1000, unit: 'ms', ...baseline('p99', percentile(hand.concurrent, 99) / 1000, 'ms') });
    results.push({
      name: `${target.name}: ${CONCURRENCY} concurrent, sessions lost`,
      value: target.sessions === 0 ? Number.NaN : (100 * target.lost) / target.sessions,
      unit: '%',
      note: `${target.lost} of ${target.sessions} sessions rejected${target.firstLoss === null ? '' : `; first: ${target.firstLoss}`}`,
    });
    if (gap.length > 0) {
      results.push({
        name: `${target.name}: server-side gap (500 sent → fallback received), median`,
        value: percentile(gap, 50),
        unit: 'µs',
        ...baseline('gap median', percentile(handGap, 50)),
        note: `p99 ${percentile(gap, 99).toFixed(0)} µs; ${gap.length} failovers${GAP_TAGS.includes(target.tag) ? ', a run of their own' : ''}; ${priority}`,
      });
      if (GAP_TAGS.includes(target.tag)) {
        results.push({
          name: `${target.name}: server-side gap, mean of the middle 80%`,
          value: trimmedMean(gap),
          unit: 'µs',
          ...baseline('gap, mean of the middle 80%', trimmedMean(handGap)),
        });
      }
      if (!isHand) {
        results.push({
          name: `${target.name}: server-side gap, median added`,
          value: percentile(gap, 50) - percentile(handGap, 50),
          unit: 'µs',
          ...(target.tag.startsWith('detour-') && target.slow !== true ? { aim: '< 20 µs' } : {}),
          ...(GAP_TAGS.includes(target.tag) ? { note: `mean of the middle 80% added: ${(trimmedMean(gap) - trimmedMean(handGap)).toFixed(1)} µs` } : {}),
        });
        if (GAP_TAGS.includes(target.tag)) {
          const paired = pairedAdded(gap, handGap);
          results.push({
            name: `${target.name}: server-side gap added, paired round by round (median)`,
            value: paired.median,
            unit: 'µs',
            ...(target.tag.startsWith('detour-') ? { aim: '< 20 µs' } : {}),
            note: `${paired.rounds} rounds of ${GAP_BLOCK} failovers: this arm's block median − the hand-written block median of the same round; 10th–90th percentile of the rounds ${paired.p10.toFixed(1)} to ${paired.p90.toFixed(1)} µs`,
          });
        }
      }
    }
  }
  const twin = gaps.get(TWIN_TAG) ?? [];
  const handGap = gaps.get(hand.tag) ?? [];
  if (twin.length > 0 && handGap.length > 0) {
    const paired = pairedAdded(twin, handGap);
    results.push({
      name: 'server-side gap: a second, identical hand-written arm − the first, median (the run\'s noise floor)',
      value: percentile(twin, 50) - percentile(handGap, 50),
      unit: 'µs',
      note: `paired round by round: ${paired.median.toFixed(1)} µs; the same code twice, so any arm's added figure in this run may be off by about this much`,
    });
  }
  const defaults = gaps.get('detour-defaults') ?? [];
  const zero = gaps.get('detour-zero') ?? [];
  if (defaults.length > 0 && zero.length > 0) {
    results.push({
      name: 'server-side gap: detour default settings − delays 0, median',
      value: percentile(defaults, 50) - percentile(zero, 50),
      unit: 'µs',
      note: `mean of the middle 80%: ${(trimmedMean(defaults) - trimmedMean(zero)).toFixed(1)} µs (both start the Anthropic call at once: backoff same_model, another provider)`,
    });
  }
}
