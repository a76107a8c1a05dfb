/**
 * What tracing costs a session: the executor's success path with no tracer
 * (the default no-op), with the real SDK and a batch span processor (an
 * exporter that discards, so the figure is detour's and the SDK's work, not
 * a network), with content capture on, and with metrics too. Measured twice
 * in one run: against the simulator over HTTP through the real OpenAI SDK
 * (the realistic path, noisier), and against an in-process adapter (no
 * network, so the per-session difference stands out). Variants are
 * interleaved round by round so drift hits them alike; each figure is the
 * median over rounds of the mean per session.
 *
 * `npm run bench -- telemetry` (BENCH_TELEMETRY_SESSIONS sets the sessions per
 * round over HTTP, default 400; five times that in process).
 */
import { context, createContextKey, ROOT_CONTEXT, type TracerProvider as ApiTracerProvider } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { MeterProvider, MetricReader } from '@opentelemetry/sdk-metrics';
import { TracerProvider, BatchSpanProcessor, type ReadableSpan, type SpanExporter } from '@opentelemetry/sdk-trace';
import { createExecutor } from '../src/executor/createExecutor.js';
import { type Executor } from '../src/executor/Executor.js';
import { parsePolicy } from '../src/policy/load.js';
import { createPolicySet } from '../src/policy/set.js';
import type { Policy } from '../src/policy/types.js';
import { SelfManagingFallbackFactory, type AdapterSource } from '../src/providers/factory.js';
import type { GenerateResponse } from '../src/providers/spec.js';
import { startSimulator } from '../src/simulator/index.js';
import { createOpenTelemetryHooks } from '../src/telemetry/createOpenTelemetryHooks.js';
import { noopTelemetry, type TelemetryHooks } from '../src/telemetry/hooks.js';
import { inProcessSource } from './in-process.js';
import { percentile, type BenchResult } from './types.js';

export const title = 'telemetry overhead per session';

const SESSIONS = Number(process.env['BENCH_TELEMETRY_SESSIONS'] ?? 400);
const ROUNDS = 11;
const WARMUP_ROUNDS = 2;
const MESSAGES = [
  { role: 'system' as const, content: 'You are terse.' },
  { role: 'user' as const, content: 'Tell me about the weather today, in detail please.' },
];

/** Counts what it is given and drops it: the SDK's batching and hand-off, without a network. */
class DiscardingExporter implements SpanExporter {
  exported = 0;
  export(spans: ReadableSpan[], done: (result: { code: number }) => void): void {
    this.exported += spans.length;
    done({ code: 0 });
  }
  async shutdown(): Promise<void> {}
}

class ManualReader extends MetricReader {
  protected override async onForceFlush(): Promise<void> {}
  protected override async onShutdown(): Promise<void> {}
}

const NO_TRACER = 'no tracer (telemetry: noopTelemetry)';
const NO_TRACER_ALS = 'no tracer, AsyncLocalStorage context manager on';
const SDK_BATCH = 'SDK + BatchSpanProcessor';
const NO_SDK = 'createOpenTelemetryHooks(), no SDK registered';

interface Variant {
  readonly name: string;
  readonly executor: Executor;
  readonly asyncContext: boolean;
  shutdown(): Promise<void>;
}

const RESPONSE: GenerateResponse = {
  text: 'Sunny, 21 °C.',
  content: [{ type: 'text', text: 'Sunny, 21 °C.' }],
  toolCalls: [],
  reasoning: null,
  finishReason: { unified: 'stop', raw: 'stop' },
  usage: { inputTokens: 24, outputTokens: 6 },
  responseModel: 'gpt-4o-2024-08-06',
  responseId: 'chatcmpl-bench',
};

/** An adapter that answers at once: the session loop and telemetry are all that is left to measure. */
const inProcess: AdapterSource = inProcessSource(RESPONSE, { address: 'api.openai.com', port: 443 });

function benchPolicy(): Policy {
  const result = parsePolicy(
    'version: 1\nname: bench\nmodels:\n  gpt-4o: { provider: openai }\n  claude: { provider: anthropic, model: claude-3-5-haiku-latest }\nprimary_model: gpt-4o\nfallback_models: [claude]\n',
    'bench.yaml',
  );
  if (result.policy === null) throw new Error('bench policy did not parse');
  return result.policy;
}

async function variants(factory: AdapterSource): Promise<Variant[]> {
  const policies = createPolicySet([benchPolicy()]);
  const make = async (
    name: string,
    telemetry: TelemetryHooks | undefined,
    captureContent: boolean,
    asyncContext: boolean,
    providers: { tracer?: TracerProvider; meter?: MeterProvider },
  ): Promise<Variant> => {
    const executor = await createExecutor({ policies, factory, ...(telemetry === undefined ? {} : { telemetry }), captureContent });
    return {
      name,
      executor,
      asyncContext,
      async shutdown() {
        await executor.close();
        await providers.tracer?.shutdown();
        await providers.meter?.shutdown();
      },
    };
  };
  const sdk = (): TracerProvider =>
    new TracerProvider({
      spanProcessors: [new BatchSpanProcessor({ exporter: new DiscardingExporter(), maxQueueSize: 8192, maxExportBatchSize: 512, scheduledDelayMillis: 200 })],
    });
  const batch = sdk();
  const capture = sdk();
  const withMetrics = sdk();
  const meterProvider = new MeterProvider({ readers: [new ManualReader()] });
  const hooks = (tracerProvider: TracerProvider, options: { captureContent?: boolean; meterProvider?: MeterProvider } = {}) =>
    createOpenTelemetryHooks({ tracerProvider, ...options });
  return [
    await make(NO_TRACER, noopTelemetry, false, false, {}),
    await make(NO_TRACER_ALS, noopTelemetry, false, true, {}),
    await make(NO_SDK, createOpenTelemetryHooks(), false, false, {}),
    await make(SDK_BATCH, hooks(batch), false, true, { tracer: batch }),
    await make('SDK + batch + content capture', hooks(capture, { captureContent: true }), true, true, { tracer: capture }),
    await make('SDK + batch + metrics SDK', hooks(withMetrics, { meterProvider }), false, true, { tracer: withMetrics, meter: meterProvider }),
  ];
}

const REQUEST_KEY = createContextKey('bench.request');

/**
 * One round: `sessions` sessions back to back. With `asyncContext`, each runs
 * inside an active context, as under a traced HTTP handler, so the context
 * manager's own cost lands in the baseline too.
 */
async function round(variant: Variant, sessions: number): Promise<number> {
  context.disable();
  if (variant.asyncContext) context.setGlobalContextManager(new AsyncLocalStorageContextManager().enable());
  const request = { policy: 'bench', messages: MESSAGES };
  const handlerContext = ROOT_CONTEXT.setValue(REQUEST_KEY, true);
  const started = process.hrtime.bigint();
  if (variant.asyncContext) {
    for (let index = 0; index < sessions; index++) await context.with(handlerContext, () => variant.executor.generate(request));
  } else {
    for (let index = 0; index < sessions; index++) await variant.executor.generate(request);
  }
  return Number(process.hrtime.bigint() - started) / 1000 / sessions;
}

async function measure(label: string, factory: AdapterSource, sessions: number, rounds: number): Promise<BenchResult[]> {
  const subjects = await variants(factory);
  const samples = new Map<string, number[]>(subjects.map((subject) => [subject.name, []]));
  for (let index = 0; index < WARMUP_ROUNDS + rounds; index++) {
    for (const subject of subjects) {
      const perSession = await round(subject, sessions);
      if (index >= WARMUP_ROUNDS) samples.get(subject.name)!.push(perSession);
    }
  }
  context.disable();
  for (const subject of subjects) await subject.shutdown();
  const of = (name: string): number[] => samples.get(name) ?? [];
  const median = (name: string) => percentile(of(name), 50);
  /** Median of the per-round differences: both sides of each pair ran moments apart. */
  const differences = (name: string, baselineName: string) => of(name).map((value, index) => value - (of(baselineName)[index] ?? Number.NaN));
  const pairedOverhead = (name: string, baselineName: string) => percentile(differences(name, baselineName), 50);
  const spread = (name: string, baselineName: string) =>
    `per-round differences p25..p75 ${percentile(differences(name, baselineName), 25).toFixed(1)}..${percentile(differences(name, baselineName), 75).toFixed(1)} µs`;
  const note = (name: string) => `median over ${rounds} interleaved rounds of ${sessions} sessions; ${median(name).toFixed(1)} µs/session in all`;
  const results: BenchResult[] = [
    { name: `${label}: ${NO_TRACER}, per session`, value: median(NO_TRACER), unit: 'µs', note: note(NO_TRACER) },
    {
      name: `${label}: AsyncLocalStorage context manager alone, overhead per session`,
      value: pairedOverhead(NO_TRACER_ALS, NO_TRACER),
      unit: 'µs',
      baseline: { name: NO_TRACER, value: median(NO_TRACER) },
      note: `${note(NO_TRACER_ALS)}; what any traced Node service pays already, detour or not`,
    },
    {
      name: `${label}: ${NO_SDK}, overhead per session`,
      value: pairedOverhead(NO_SDK, NO_TRACER),
      unit: 'µs',
      baseline: { name: NO_TRACER, value: median(NO_TRACER) },
      note: `${note(NO_SDK)}; ${spread(NO_SDK, NO_TRACER)}; the global no-op tracer and meter`,
    },
  ];
  for (const subject of subjects.slice(3)) {
    results.push({
      name: `${label}: ${subject.name}, overhead per session`,
      value: pairedOverhead(subject.name, NO_TRACER_ALS),
      unit: 'µs',
      baseline: { name: NO_TRACER_ALS, value: median(NO_TRACER_ALS) },
      ...(subject.name === SDK_BATCH ? { aim: '< 30 µs' } : {}),
      note: `${note(subject.name)}; ${spread(subject.name, NO_TRACER_ALS)}; ${pairedOverhead(subject.name, NO_TRACER).toFixed(1)} µs over ${NO_TRACER} (context manager included)`,
    });
  }
  return results;
}

export async function run(): Promise<readonly BenchResult[]> {
  const results: BenchResult[] = [];
  results.push(...(await measure('in-process adapter', inProcess, SESSIONS * 5, ROUNDS * 2)));
  const simulator = await startSimulator({ port: 0, scenario: { models: { '*': { chunks: 1 } } } });
  try {
    const factory = new SelfManagingFallbackFactory({ baseUrlOverride: simulator.url, apiKeyOverride: 'sk-bench' });
    results.push(...(await measure('simulator over HTTP (OpenAI SDK)', factory, SESSIONS, ROUNDS)));
  } finally {
    await simulator.close();
  }
  return results;
}
