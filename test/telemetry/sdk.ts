/**
 * The real OpenTelemetry SDK wired for tests: an in-memory exporter behind a
 * simple processor, AsyncLocalStorage context, and a tree view of the spans;
 * a metrics SDK collected by hand.
 */
import { context, SpanKind, type Attributes } from '@opentelemetry/api';
import { AsyncLocalStorageContextManager } from '@opentelemetry/context-async-hooks';
import { AggregationTemporality, InMemoryMetricExporter, MeterProvider, PeriodicExportingMetricReader, type MetricData } from '@opentelemetry/sdk-metrics';
import { TracerProvider, InMemorySpanExporter, SimpleSpanProcessor, type ReadableSpan } from '@opentelemetry/sdk-trace';

export interface TracingFixture {
  readonly tracerProvider: TracerProvider;
  readonly exporter: InMemorySpanExporter;
  spans(): ReadableSpan[];
  shutdown(): Promise<void>;
}

let contextManager: AsyncLocalStorageContextManager | undefined;

/** Registers the AsyncLocalStorage context manager once per test file (the API allows one global). */
export function enableAsyncContext(): void {
  if (contextManager !== undefined) return;
  contextManager = new AsyncLocalStorageContextManager().enable();
  context.setGlobalContextManager(contextManager);
}

export function createTracing(): TracingFixture {
  enableAsyncContext();
  const exporter = new InMemorySpanExporter();
  const tracerProvider = new TracerProvider({ spanProcessors: [new SimpleSpanProcessor({ exporter: exporter })] });
  return {
    tracerProvider,
    exporter,
    spans: () => exporter.getFinishedSpans(),
    shutdown: () => tracerProvider.shutdown(),
  };
}

export interface MetricsFixture {
  readonly meterProvider: MeterProvider;
  /** Every metric collected so far (cumulative), by name; throws if one comes from a meter other than `detour`. */
  collect(): Promise<Map<string, MetricData>>;
  shutdown(): Promise<void>;
}

export function createMetrics(): MetricsFixture {
  const exporter = new InMemoryMetricExporter(AggregationTemporality.CUMULATIVE);
  // A long interval: tests collect by hand.
  const reader = new PeriodicExportingMetricReader({ exporter, exportIntervalMillis: 3_600_000 });
  const meterProvider = new MeterProvider({ readers: [reader] });
  return {
    meterProvider,
    async collect() {
      await reader.forceFlush();
      const byName = new Map<string, MetricData>();
      for (const resourceMetrics of exporter.getMetrics()) {
        for (const scope of resourceMetrics.scopeMetrics) {
          if (scope.scope.name !== 'detour') throw new Error(`a metric from meter ${scope.scope.name}`);
          for (const metric of scope.metrics) byName.set(metric.descriptor.name, metric);
        }
      }
      return byName;
    },
    shutdown: () => meterProvider.shutdown(),
  };
}

export interface SpanNode {
  readonly name: string;
  readonly kind: 'INTERNAL' | 'CLIENT' | 'SERVER' | 'PRODUCER' | 'CONSUMER';
  readonly status: 'UNSET' | 'OK' | 'ERROR';
  readonly children: SpanNode[];
}

const KIND_NAMES: Record<number, SpanNode['kind']> = {
  [SpanKind.INTERNAL]: 'INTERNAL',
  [SpanKind.SERVER]: 'SERVER',
  [SpanKind.CLIENT]: 'CLIENT',
  [SpanKind.PRODUCER]: 'PRODUCER',
  [SpanKind.CONSUMER]: 'CONSUMER',
};
const STATUS_NAMES = ['UNSET', 'OK', 'ERROR'] as const;

function attemptNumber(span: ReadableSpan): number {
  const value = span.attributes['detour.attempt.number'];
  return typeof value === 'number' ? value : 0;
}

/**
 * The spans as a forest (roots: spans whose parent is not among them),
 * children by attempt number, then start time (clock ties are common).
 */
export function spanTree(spans: readonly ReadableSpan[]): SpanNode[] {
  const ids = new Set(spans.map((span) => span.spanContext().spanId));
  const ordered = [...spans].sort(
    (a, b) => attemptNumber(a) - attemptNumber(b) || a.startTime[0] - b.startTime[0] || a.startTime[1] - b.startTime[1],
  );
  const build = (span: ReadableSpan): SpanNode => ({
    name: span.name,
    kind: KIND_NAMES[span.kind] ?? 'INTERNAL',
    status: STATUS_NAMES[span.status.code] ?? 'UNSET',
    children: ordered.filter((child) => child.parentSpanContext?.spanId === span.spanContext().spanId).map(build),
  });
  return ordered.filter((span) => span.parentSpanContext === undefined || !ids.has(span.parentSpanContext.spanId)).map(build);
}

export function findSpan(spans: readonly ReadableSpan[], name: string): ReadableSpan {
  const found = spans.find((span) => span.name === name);
  if (found === undefined) throw new Error(`no span named ${name}; have ${spans.map((span) => span.name).join(', ')}`);
  return found;
}

/** Everything a backend would store for these spans, as one string (for secret scans). */
export function spansAsJson(spans: readonly ReadableSpan[]): string {
  return JSON.stringify(
    spans.map((span) => ({
      name: span.name,
      attributes: span.attributes,
      status: span.status,
      events: span.events.map((event) => ({ name: event.name, attributes: event.attributes as Attributes | undefined })),
      links: span.links,
    })),
  );
}
