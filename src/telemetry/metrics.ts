/**
 * detour's metric instruments: the GenAI client instruments of the chosen
 * conventions version, with the conventions' bucket boundaries, and detour's
 * session and attempt counters.
 */
import { createNoopMeter, metrics, type Attributes, type Counter, type Histogram, type Meter, type MeterProvider } from '@opentelemetry/api';
import type { SemanticConventions } from './conventions.js';
import { ATTRIBUTE, DURATION_BUCKETS, INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION, LATEST_METRIC, METRIC, TOKEN_BUCKETS } from './names.js';

/** Token counts an attempt's response reported; the detail counts only where the adapter reports them. */
export interface TokenCounts {
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
  readonly cachedInputTokens?: number | null | undefined;
  readonly reasoningTokens?: number | null | undefined;
}

/** What one finished attempt contributes to the metrics. */
export interface AttemptMeasurement {
  /** `gen_ai.operation.name`, `gen_ai.provider.name`, `gen_ai.request.model`, `server.*`. */
  readonly common: Attributes;
  readonly outcome: 'success' | 'failure' | 'cancelled';
  readonly durationMs: number;
  readonly responseModel: string | null;
  readonly errorKind: string | null;
  /** The response's usage; null when no response arrived. */
  readonly usage: TokenCounts | null;
  /** Streams: when the first chunk arrived, in ms after the start; null when none did. */
  readonly timeToFirstChunkMs: number | null;
}

/** v1.41: one histogram for input and output tokens, told apart by `gen_ai.token.type`. */
interface TokenUsageInstruments {
  readonly version: 'v1.41';
  readonly tokenUsage: Histogram;
}

/** Latest: counters for totals, histograms for the per-operation distribution. */
interface InferenceUsageInstruments {
  readonly version: 'latest';
  readonly inputTokens: Counter;
  readonly outputTokens: Counter;
  readonly cacheReadInputTokens: Counter;
  readonly reasoningOutputTokens: Counter;
  readonly operationInputTokens: Histogram;
  readonly operationOutputTokens: Histogram;
}

interface Instruments {
  readonly duration: Histogram;
  readonly timeToFirstChunk: Histogram;
  readonly tokens: TokenUsageInstruments | InferenceUsageInstruments;
  readonly sessions: Counter;
  readonly attempts: Counter;
}

const NOOP_HISTOGRAM = createNoopMeter().createHistogram('noop');

function tokenHistogram(meter: Meter, name: string, description: string): Histogram {
  return meter.createHistogram(name, { description, unit: '{token}', advice: { explicitBucketBoundaries: [...TOKEN_BUCKETS] } });
}

function secondsHistogram(meter: Meter, name: string, description: string): Histogram {
  return meter.createHistogram(name, { description, unit: 's', advice: { explicitBucketBoundaries: [...DURATION_BUCKETS] } });
}

function tokenInstruments(meter: Meter, conventions: SemanticConventions): Instruments['tokens'] {
  if (conventions === 'v1.41') {
    return { version: 'v1.41', tokenUsage: tokenHistogram(meter, METRIC.tokenUsage, 'Number of input and output tokens used.') };
  }
  const counter = (name: string, description: string): Counter => meter.createCounter(name, { description, unit: '{token}' });
  return {
    version: 'latest',
    inputTokens: counter(LATEST_METRIC.inputTokens, 'The number of input (prompt) tokens used, including cached tokens.'),
    outputTokens: counter(LATEST_METRIC.outputTokens, 'The number of output (completion) tokens used, including reasoning tokens.'),
    cacheReadInputTokens: counter(LATEST_METRIC.cacheReadInputTokens, 'The number of input tokens served from a provider-managed cache.'),
    reasoningOutputTokens: counter(LATEST_METRIC.reasoningOutputTokens, 'The number of output tokens used for reasoning.'),
    operationInputTokens: tokenHistogram(meter, LATEST_METRIC.operationInputTokens, 'The number of input (prompt) tokens used per inference operation.'),
    operationOutputTokens: tokenHistogram(meter, LATEST_METRIC.operationOutputTokens, 'The number of output (completion) tokens used per inference operation.'),
  };
}

function createInstruments(provider: MeterProvider, conventions: SemanticConventions): Instruments | null {
  const meter = provider.getMeter(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION);
  const latest = conventions === 'latest';
  const duration = latest
    ? secondsHistogram(meter, LATEST_METRIC.inferenceDuration, 'GenAI client inference operation duration.')
    : secondsHistogram(meter, METRIC.operationDuration, 'GenAI operation duration.');
  // No SDK behind the API: skip the attribute work on every call.
  if (duration === NOOP_HISTOGRAM) return null;
  return {
    duration,
    timeToFirstChunk: secondsHistogram(
      meter,
      latest ? LATEST_METRIC.timeToFirstChunk : METRIC.timeToFirstChunk,
      'Time to receive the first chunk of a streamed response, from when the request was issued.',
    ),
    tokens: tokenInstruments(meter, conventions),
    sessions: meter.createCounter(METRIC.sessions, { description: 'detour sessions, by policy and outcome.', unit: '{session}' }),
    attempts: meter.createCounter(METRIC.attempts, {
      description: 'Model calls made by detour, by model, provider, outcome and error kind.',
      unit: '{attempt}',
    }),
  };
}

function recordTokenUsage(instruments: TokenUsageInstruments, usage: TokenCounts | null, attributes: Attributes): void {
  // v1.41: only counts the provider reported ("MUST NOT report" what it cannot obtain).
  if (usage === null) return;
  if (usage.inputTokens !== null) instruments.tokenUsage.record(usage.inputTokens, { ...attributes, [ATTRIBUTE.tokenType]: 'input' });
  if (usage.outputTokens !== null) instruments.tokenUsage.record(usage.outputTokens, { ...attributes, [ATTRIBUTE.tokenType]: 'output' });
}

/**
 * Latest: every finished operation counts, a failed one (or one without
 * usage) as 0. The counters carry `gen_ai.token.modality` (`unknown`: no
 * adapter breaks usage down by modality) and no `error.type`; the histograms
 * carry `error.type` and no modality. Cached and reasoning counts are
 * recorded only where the adapter reports them: a 0 there would claim the
 * provider said so.
 */
function recordInferenceUsage(instruments: InferenceUsageInstruments, usage: TokenCounts | null, attributes: Attributes, errorKind: string | null): void {
  const counted: Attributes = { ...attributes, [ATTRIBUTE.tokenModality]: 'unknown' };
  const inputTokens = usage?.inputTokens ?? 0;
  const outputTokens = usage?.outputTokens ?? 0;
  instruments.inputTokens.add(inputTokens, counted);
  instruments.outputTokens.add(outputTokens, counted);
  const cachedInputTokens = usage?.cachedInputTokens;
  if (typeof cachedInputTokens === 'number') instruments.cacheReadInputTokens.add(cachedInputTokens, counted);
  const reasoningTokens = usage?.reasoningTokens;
  if (typeof reasoningTokens === 'number') instruments.reasoningOutputTokens.add(reasoningTokens, counted);
  const distributed = errorKind === null ? attributes : { ...attributes, [ATTRIBUTE.errorType]: errorKind };
  instruments.operationInputTokens.record(inputTokens, distributed);
  instruments.operationOutputTokens.record(outputTokens, distributed);
}

/**
 * Records detour's metrics. Without an explicit provider it follows the
 * global one, picking up a provider registered after it was created (the
 * metrics API has no proxy, unlike tracing). Never throws.
 *
 * @example
 * const recorder = new MetricsRecorder(meterProvider, 'v1.41');
 * recorder.sessionEnded('default', 'success');
 */
export class MetricsRecorder {
  readonly #explicitProvider: MeterProvider | undefined;
  readonly #conventions: SemanticConventions;
  #provider: MeterProvider | undefined;
  #instruments: Instruments | null = null;

  constructor(meterProvider: MeterProvider | undefined, conventions: SemanticConventions = 'v1.41') {
    this.#explicitProvider = meterProvider;
    this.#conventions = conventions;
  }

  #current(): Instruments | null {
    const provider = this.#explicitProvider ?? metrics.getMeterProvider();
    if (provider !== this.#provider) {
      this.#provider = provider;
      this.#instruments = createInstruments(provider, this.#conventions);
    }
    return this.#instruments;
  }

  /** False while no metrics SDK is behind the provider. */
  enabled(): boolean {
    try {
      return this.#current() !== null;
    } catch {
      return false;
    }
  }

  sessionEnded(policyName: string, outcome: string): void {
    try {
      const instruments = this.#current();
      if (instruments === null) return;
      instruments.sessions.add(1, { [ATTRIBUTE.policyName]: policyName, [ATTRIBUTE.sessionOutcome]: outcome });
    } catch {
      // Telemetry never reaches the request path.
    }
  }

  attemptEnded(measurement: AttemptMeasurement): void {
    try {
      const instruments = this.#current();
      if (instruments === null) return;
      const attributes: Attributes = { ...measurement.common };
      if (measurement.responseModel !== null) attributes[ATTRIBUTE.responseModel] = measurement.responseModel;
      if (measurement.timeToFirstChunkMs !== null) instruments.timeToFirstChunk.record(measurement.timeToFirstChunkMs / 1000, attributes);
      // A call detour cancelled itself (lost race, hedge) has no meaningful duration or usage.
      if (measurement.outcome !== 'cancelled') {
        const withError = measurement.errorKind === null ? attributes : { ...attributes, [ATTRIBUTE.errorType]: measurement.errorKind };
        instruments.duration.record(measurement.durationMs / 1000, withError);
        const tokens = instruments.tokens;
        if (tokens.version === 'v1.41') recordTokenUsage(tokens, measurement.usage, withError);
        else recordInferenceUsage(tokens, measurement.usage, attributes, measurement.errorKind);
      }
      const counted: Attributes = {
        [ATTRIBUTE.requestModel]: measurement.common[ATTRIBUTE.requestModel],
        [ATTRIBUTE.providerName]: measurement.common[ATTRIBUTE.providerName],
        [ATTRIBUTE.attemptOutcome]: measurement.outcome,
      };
      if (measurement.errorKind !== null) counted[ATTRIBUTE.errorType] = measurement.errorKind;
      instruments.attempts.add(1, counted);
    } catch {
      // Telemetry never reaches the request path.
    }
  }
}
