/**
 * `generateText` on one `@ai-sdk/openai` chat model, three ways, against one
 * simulator (in a child process) in the same run, interleaved call by call in
 * an order that rotates every round:
 * - plain `generateText` on the model (the baseline; success path only);
 * - through `detourModel` over detour's native `openai` adapter (the form a
 *   service would pick: the policy names `provider: openai`), default policy
 *   settings;
 * - through `ai-fallback`'s `createFallback` over the same `@ai-sdk/openai`
 *   models;
 * - and, for reference, `detourModel` over the same `@ai-sdk/openai` model
 *   registered as a `provider: ai_sdk` backend.
 * Success path: the model answers. Failover: the first model answers 500 and
 * a second model answers. `maxRetries: 0` everywhere: one try per model.
 * `ai-fallback` keeps the model it switched to for later calls, so each
 * failover call starts from the primary again (`currentModelIndex = 0`).
 * Figures: median and p99 latency per call (µs), and the ratios the issue
 * asks for (detour / plain on success, detour / ai-fallback on failover).
 *
 * The same arms in process as well, free of the network and of the
 * machine's scheduling: every client gets a `fetch` that answers at once (500
 * for the failing model), so the figures are the libraries' own work.
 *
 * `npm run bench -- ai-sdk` (BENCH_AI_SDK_CALLS: calls per arm and path over
 * the simulator, default 1000; BENCH_AI_SDK_IN_PROCESS: in process, default 5000).
 */
import { createOpenAI } from '@ai-sdk/openai';
import { generateText, type LanguageModel } from 'ai';
import { createFallback } from 'ai-fallback';
import { detourModel } from '../src/ai-sdk/index.js';
import { Executor } from '../src/executor/Executor.js';
import { parsePolicy } from '../src/policy/load.js';
import { createPolicySet } from '../src/policy/set.js';
import type { Policy } from '../src/policy/types.js';
import { SelfManagingFallbackFactory } from '../src/providers/factory.js';
import { noopTelemetry } from '../src/telemetry/hooks.js';
import { childSimulator } from './child-simulator.js';
import { percentile, type BenchResult } from './types.js';

export const title = 'ai-sdk';

const CALLS = Number(process.env['BENCH_AI_SDK_CALLS'] ?? 1000);
const IN_PROCESS = Number(process.env['BENCH_AI_SDK_IN_PROCESS'] ?? 5000);
const WARMUP = 50;
const API_KEY = 'bench-key';
const SCENARIO = { models: { 'gpt-down': { faults: [{ type: 'server_error', retry_after: 0 }] } } };

(globalThis as { AI_SDK_LOG_WARNINGS?: boolean }).AI_SDK_LOG_WARNINGS = false;

function policy(name: string, primary: string, fallback: string | null, provider: 'openai' | 'ai_sdk'): Policy {
  const model = (key: string) => (provider === 'openai' ? `  ${key}: { provider: openai, model: ${key} }` : `  ${key}: { provider: ai_sdk, model: ${key} }`);
  const keys = fallback === null ? [primary] : [primary, fallback];
  const text = `version: 1\nname: ${name}\nmodels:\n${keys.map(model).join('\n')}\nprimary_model: ${primary}\nfallback_models: [${fallback ?? ''}]\n`;
  const result = parsePolicy(text, `${name}.yaml`);
  if (result.policy === null) throw new Error(result.diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
  return result.policy;
}

interface Arm {
  readonly name: string;
  readonly call: () => Promise<unknown>;
  readonly fresh?: () => void;
  readonly samples: number[];
}

const arm = (name: string, call: () => Promise<unknown>, fresh?: () => void): Arm => ({ name, call, samples: [], ...(fresh === undefined ? {} : { fresh }) });

async function measure(arms: readonly Arm[], calls: number): Promise<void> {
  for (let round = 0; round < calls + WARMUP; round++) {
    for (let index = 0; index < arms.length; index++) {
      const target = arms[(index + round) % arms.length]!;
      target.fresh?.();
      const start = performance.now();
      await target.call();
      if (round >= WARMUP) target.samples.push((performance.now() - start) * 1000);
    }
  }
}

/** The arms of one setting (over the network, or in process through a stubbed `fetch`). */
function armsFor(baseUrl: string, fetch: typeof globalThis.fetch | undefined): { success: readonly Arm[]; failover: readonly Arm[]; executor: Executor } {
  const openai = createOpenAI({ baseURL: `${baseUrl}/v1`, apiKey: API_KEY, ...(fetch === undefined ? {} : { fetch }) });
  const prompt = 'ping';
  const viaAiSdk = (model: LanguageModel) => () => generateText({ model, prompt, maxRetries: 0 });
  const models = { 'gpt-up': openai.chat('gpt-up'), 'gpt-down': openai.chat('gpt-down'), 'gpt-b': openai.chat('gpt-b') };
  const executor = new Executor({
    policies: createPolicySet([
      policy('success', 'gpt-up', null, 'openai'),
      policy('failover', 'gpt-down', 'gpt-b', 'openai'),
      policy('success-ai-sdk', 'gpt-up', null, 'ai_sdk'),
      policy('failover-ai-sdk', 'gpt-down', 'gpt-b', 'ai_sdk'),
    ]),
    factory: new SelfManagingFallbackFactory({ baseUrlOverride: baseUrl, apiKeyOverride: API_KEY, models, ...(fetch === undefined ? {} : { fetch }) }),
    telemetry: noopTelemetry,
  });
  const fallbackUp = createFallback({ models: [models['gpt-up'], models['gpt-b']] });
  const fallbackDown = createFallback({ models: [models['gpt-down'], models['gpt-b']] });
  return {
    executor,
    success: [
      arm('plain generateText', viaAiSdk(models['gpt-up'])),
      arm('detourModel (native openai adapter)', viaAiSdk(detourModel(executor, { policy: 'success' }))),
      arm('ai-fallback', viaAiSdk(fallbackUp), () => (fallbackUp.currentModelIndex = 0)),
      arm('detourModel (ai_sdk backend)', viaAiSdk(detourModel(executor, { policy: 'success-ai-sdk' }))),
    ],
    failover: [
      arm('detourModel (native openai adapter)', viaAiSdk(detourModel(executor, { policy: 'failover' }))),
      arm('ai-fallback', viaAiSdk(fallbackDown), () => (fallbackDown.currentModelIndex = 0)),
      arm('detourModel (ai_sdk backend)', viaAiSdk(detourModel(executor, { policy: 'failover-ai-sdk' }))),
    ],
  };
}

/** A `fetch` that answers at once: 500 for `gpt-down`, a completion for any other model. */
function stubbedFetch(): typeof globalThis.fetch {
  const serverError = JSON.stringify({ error: { message: 'The server had an error while processing your request. Sorry about that!', type: 'server_error', param: null, code: null } });
  const answer = (model: string) =>
    JSON.stringify({ id: 'chatcmpl-1', object: 'chat.completion', created: 1, model, choices: [{ index: 0, message: { role: 'assistant', content: 'pong' }, finish_reason: 'stop' }], usage: { prompt_tokens: 1, completion_tokens: 1, total_tokens: 2 } });
  return async (_input, init) => {
    const model = (JSON.parse(String(init?.body ?? '{}')) as { model?: string }).model ?? '';
    const headers = { 'content-type': 'application/json', 'x-request-id': 'req_1' };
    return model === 'gpt-down' ? new Response(serverError, { status: 500, headers }) : new Response(answer(model), { status: 200, headers });
  };
}

function report(setting: string, success: readonly Arm[], failover: readonly Arm[], into: BenchResult[]): void {
  const median = (target: Arm) => percentile(target.samples, 50);
  for (const [path, arms] of [['success', success], ['500→fallback', failover]] as const) {
    for (const target of arms) {
      into.push({ name: `${setting}, ${path}: ${target.name}, median`, value: median(target), unit: 'µs', note: `p99 ${percentile(target.samples, 99).toFixed(0)} µs, ${target.samples.length} calls` });
    }
  }
  const [plain, detourSuccess, fallbackSuccess, backendSuccess] = success as [Arm, Arm, Arm, Arm];
  const [detourFailover, fallbackFailover, backendFailover] = failover as [Arm, Arm, Arm];
  const versus = (name: string, value: number) => ({ name, value, unit: 'µs' });
  into.push(
    { name: `${setting}, success: detourModel / plain generateText (median)`, value: median(detourSuccess) / median(plain), unit: 'ratio', baseline: versus('plain generateText', median(plain)), aim: '≤ 1.05' },
    { name: `${setting}, success: ai-fallback / plain generateText (median)`, value: median(fallbackSuccess) / median(plain), unit: 'ratio', baseline: versus('plain generateText', median(plain)) },
    { name: `${setting}, success: detourModel over an ai_sdk backend / plain (median)`, value: median(backendSuccess) / median(plain), unit: 'ratio', baseline: versus('plain generateText', median(plain)) },
    { name: `${setting}, 500→fallback: detourModel / ai-fallback (median)`, value: median(detourFailover) / median(fallbackFailover), unit: 'ratio', baseline: versus('ai-fallback', median(fallbackFailover)), aim: '< 1' },
    { name: `${setting}, 500→fallback: detourModel over an ai_sdk backend / ai-fallback (median)`, value: median(backendFailover) / median(fallbackFailover), unit: 'ratio', baseline: versus('ai-fallback', median(fallbackFailover)) },
  );
}

export async function run(): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const sim = await childSimulator(SCENARIO);
  try {
    const network = armsFor(sim.url, undefined);
    await measure(network.success, CALLS);
    await measure(network.failover, CALLS);
    await network.executor.close();
    report('simulator', network.success, network.failover, results);
  } finally {
    await sim.close();
  }
  const inProcess = armsFor('http://127.0.0.1:9', stubbedFetch());
  await measure(inProcess.success, IN_PROCESS);
  await measure(inProcess.failover, IN_PROCESS);
  await inProcess.executor.close();
  report('in process', inProcess.success, inProcess.failover, results);
  return results;
}
