/**
 * detour's metric instruments: the GenAI client histograms with the
 * conventions' bucket boundaries, and the session and attempt counters.
 */
import { createNoopMeter, metrics, type Attributes, type Counter, type Histogram, type MeterProvider } from '@opentelemetry/api';
import { ATTRIBUTE, DURATION_BUCKETS, INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION, METRIC, TOKEN_BUCKETS } from './names.js';

interface Instruments {
  readonly duration: Histogram;
  readonly tokens: Histogram;
  readonly sessions: Counter;
  readonly attempts: Counter;
}

/** What one finished attempt contributes to the metrics. */
export interface AttemptMeasurement {
  /** `gen_ai.operation.name`, `gen_ai.provider.name`, `gen_ai.request.model`, `server.*`. */
  readonly common: Attributes;
  readonly outcome: 'success' | 'failure' | 'cancelled';
  readonly durationMs: number;
  readonly responseModel: string | null;
  readonly errorKind: string | null;
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
}

const NOOP_HISTOGRAM = createNoopMeter().createHistogram('noop');

function createInstruments(provider: MeterProvider): Instruments | null {
  const meter = provider.getMeter(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION);
  const duration = meter.createHistogram(METRIC.operationDuration, {
    description: 'GenAI operation duration.',
    unit: 's',
    advice: { explicitBucketBoundaries: [...DURATION_BUCKETS] },
  });
  // No SDK behind the API: skip the attribute work on every call.
  if (duration === NOOP_HISTOGRAM) return null;
  return {
    duration,
    tokens: meter.createHistogram(METRIC.tokenUsage, {
      description: 'Number of input and output tokens used.',
      unit: '{token}',
      advice: { explicitBucketBoundaries: [...TOKEN_BUCKETS] },
    }),
    sessions: meter.createCounter(METRIC.sessions, { description: 'detour sessions, by policy and outcome.', unit: '{session}' }),
    attempts: meter.createCounter(METRIC.attempts, {
      description: 'Model calls made by detour, by model, provider, outcome and error kind.',
      unit: '{attempt}',
    }),
  };
}

/**
 * Records detour's metrics. Without an explicit provider it follows the
 * global one, picking up a provider registered after it was created (the
 * metrics API has no proxy, unlike tracing). Never throws.
 *
 * @example
 * const recorder = new MetricsRecorder(meterProvider);
 * recorder.sessionEnded('default', 'success');
 */
export class MetricsRecorder {
  readonly #explicitProvider: MeterProvider | undefined;
  #provider: MeterProvider | undefined;
  #instruments: Instruments | null = null;

  constructor(meterProvider?: MeterProvider) {
    this.#explicitProvider = meterProvider;
  }

  #current(): Instruments | null {
    const provider = this.#explicitProvider ?? metrics.getMeterProvider();
    if (provider !== this.#provider) {
      this.#provider = provider;
      this.#instruments = createInstruments(provider);
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
      if (measurement.errorKind !== null) attributes[ATTRIBUTE.errorType] = measurement.errorKind;
      // A call detour cancelled itself (lost race, hedge) has no meaningful duration.
      if (measurement.outcome !== 'cancelled') instruments.duration.record(measurement.durationMs / 1000, attributes);
      if (measurement.inputTokens !== null) {
        instruments.tokens.record(measurement.inputTokens, { ...attributes, [ATTRIBUTE.tokenType]: 'input' });
      }
      if (measurement.outputTokens !== null) {
        instruments.tokens.record(measurement.outputTokens, { ...attributes, [ATTRIBUTE.tokenType]: 'output' });
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
