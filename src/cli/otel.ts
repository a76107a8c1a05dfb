/**
 * OpenTelemetry for the command line only: when an OTLP endpoint is
 * configured, `detour run` and `detour demo` export their spans over
 * OTLP/HTTP. The library never does this; embedding services bring their own
 * SDK and pass a provider to `createOpenTelemetryHooks`. The SDK pieces are
 * optional peers, imported only when an endpoint is configured; when they are
 * missing the command says which to install and runs without tracing.
 */
import { context, diag, DiagConsoleLogger, DiagLogLevel, type TracerProvider as ApiTracerProvider } from '@opentelemetry/api';
import type { SpanExporter } from '@opentelemetry/sdk-trace';
import { createOpenTelemetryHooks } from '../telemetry/createOpenTelemetryHooks.js';
import type { TelemetryHooks } from '../telemetry/hooks.js';
import { INSTRUMENTATION_VERSION } from '../telemetry/names.js';

/** The packages span export needs beside `@opentelemetry/api`, in the order they are reported. */
export const CLI_TELEMETRY_PACKAGES = [
  '@opentelemetry/sdk-trace',
  '@opentelemetry/exporter-trace-otlp-http',
  '@opentelemetry/resources',
  '@opentelemetry/context-async-hooks',
] as const;

export interface CliTelemetryOptions {
  /**
   * `service.name` when `OTEL_SERVICE_NAME` / `OTEL_RESOURCE_ATTRIBUTES` do not set one.
   * @default 'detour'
   */
  readonly serviceName?: string;
  /**
   * Record message content on attempt spans.
   * @default `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT === 'true'`
   */
  readonly captureContent?: boolean;
  /** Where the one-line notice about missing packages goes. @default process.stderr */
  readonly warn?: (line: string) => void;
}

export interface CliTelemetry {
  readonly hooks: TelemetryHooks;
  /** The provider the hooks record to (not registered globally), for spans of the command's own. */
  readonly tracerProvider: ApiTracerProvider;
  /** Flushes the spans still queued and stops the exporter. Never rejects. */
  shutdown(): Promise<void>;
}

/**
 * True when the standard OTLP variables ask for trace export (and
 * `OTEL_SDK_DISABLED` does not forbid it).
 *
 * @example
 * otlpTracesConfigured({ OTEL_EXPORTER_OTLP_ENDPOINT: 'http://localhost:4318' }) // true
 */
export function otlpTracesConfigured(environment: Readonly<Record<string, string | undefined>> = process.env): boolean {
  const value = (name: string) => (environment[name] ?? '').trim();
  if (value('OTEL_SDK_DISABLED').toLowerCase() === 'true') return false;
  return value('OTEL_EXPORTER_OTLP_ENDPOINT') !== '' || value('OTEL_EXPORTER_OTLP_TRACES_ENDPOINT') !== '';
}

const LOG_LEVELS: Readonly<Record<string, DiagLogLevel>> = {
  NONE: DiagLogLevel.NONE,
  ERROR: DiagLogLevel.ERROR,
  WARN: DiagLogLevel.WARN,
  INFO: DiagLogLevel.INFO,
  DEBUG: DiagLogLevel.DEBUG,
  VERBOSE: DiagLogLevel.VERBOSE,
  ALL: DiagLogLevel.ALL,
};

/**
 * How long a command waits for its spans to leave at exit, unless
 * `OTEL_EXPORTER_OTLP_TIMEOUT` / `OTEL_EXPORTER_OTLP_TRACES_TIMEOUT` say
 * otherwise. The exporter's own default (10 s) made every command hang that
 * long, silently, when the collector was unreachable.
 * @default 2000
 */
export const CLI_EXPORT_TIMEOUT_MS = 2000;

/** Where spans go: the traces endpoint as given, or the base endpoint + `/v1/traces`. */
export function otlpTracesUrl(environment: Readonly<Record<string, string | undefined>> = process.env): string {
  const traces = (environment['OTEL_EXPORTER_OTLP_TRACES_ENDPOINT'] ?? '').trim();
  if (traces !== '') return traces;
  const base = (environment['OTEL_EXPORTER_OTLP_ENDPOINT'] ?? '').trim();
  return `${base.replace(/\/+$/, '')}/v1/traces`;
}

function exportTimeoutMs(environment: Readonly<Record<string, string | undefined>>): number {
  for (const name of ['OTEL_EXPORTER_OTLP_TRACES_TIMEOUT', 'OTEL_EXPORTER_OTLP_TIMEOUT']) {
    const text = (environment[name] ?? '').trim();
    const value = Number(text);
    if (text !== '' && Number.isFinite(value) && value > 0) return value;
  }
  return CLI_EXPORT_TIMEOUT_MS;
}

/** The exporter, remembering the last failed export so the command can say so at exit. */
function watchedExporter(exporter: SpanExporter): { exporter: SpanExporter; failure: () => string | null } {
  let failure: string | null = null;
  return {
    failure: () => failure,
    exporter: {
      export(spans, resultCallback) {
        exporter.export(spans, (result) => {
          if (result.code !== 0) failure = result.error?.message ?? 'export failed';
          resultCallback(result);
        });
      },
      shutdown: () => exporter.shutdown(),
      forceFlush: () => exporter.forceFlush?.() ?? Promise.resolve(),
    },
  };
}

/** `OTEL_LOG_LEVEL=warn` shows why spans are not arriving (collector down, bad endpoint) on stderr. */
function enableDiagnosticsFromEnvironment(): void {
  const level = LOG_LEVELS[(process.env['OTEL_LOG_LEVEL'] ?? '').trim().toUpperCase()];
  if (level !== undefined && level !== DiagLogLevel.NONE) diag.setLogger(new DiagConsoleLogger(), { logLevel: level, suppressOverrideMessage: true });
}

type SdkTrace = typeof import('@opentelemetry/sdk-trace');
type OtlpExporter = typeof import('@opentelemetry/exporter-trace-otlp-http');
type Resources = typeof import('@opentelemetry/resources');
type ContextAsyncHooks = typeof import('@opentelemetry/context-async-hooks');

function isMissing(error: unknown, name: string): boolean {
  return (error as { code?: unknown } | null)?.code === 'ERR_MODULE_NOT_FOUND' && error instanceof Error && error.message.includes(`'${name}'`);
}

/** The SDK pieces, or the one line saying which could not be imported and how to install them. */
async function importTelemetrySdk(): Promise<readonly [SdkTrace, OtlpExporter, Resources, ContextAsyncHooks] | string> {
  const settled = await Promise.allSettled([
    import('@opentelemetry/sdk-trace'),
    import('@opentelemetry/exporter-trace-otlp-http'),
    import('@opentelemetry/resources'),
    import('@opentelemetry/context-async-hooks'),
  ]);
  const [sdkTrace, exporter, resources, contextAsyncHooks] = settled;
  if (sdkTrace.status === 'fulfilled' && exporter.status === 'fulfilled' && resources.status === 'fulfilled' && contextAsyncHooks.status === 'fulfilled') {
    return [sdkTrace.value, exporter.value, resources.value, contextAsyncHooks.value];
  }
  const failed = settled.flatMap((result, index) => (result.status === 'rejected' ? [{ name: CLI_TELEMETRY_PACKAGES[index] ?? '', reason: result.reason as unknown }] : []));
  const names = failed.map((failure) => failure.name);
  // A piece that is installed but fails to load (a broken install) is named with its error.
  const broken = failed.find((failure) => !isMissing(failure.reason, failure.name));
  const detail = broken === undefined ? '' : ` (${broken.name}: ${String(broken.reason instanceof Error ? broken.reason.message : broken.reason).split('\n', 1)[0]})`;
  return `detour: an OTLP endpoint is set, but exporting spans needs ${names.join(', ')}${detail}: npm install ${names.join(' ')} (continuing without tracing)\n`;
}

/**
 * Sets up span export for one CLI command, or returns null when no OTLP
 * endpoint is configured (then the command runs with no telemetry at all),
 * or when the OpenTelemetry SDK packages are not installed (then it says so,
 * in one line naming them, and the command runs without tracing).
 * Honours the standard variables (`OTEL_EXPORTER_OTLP_*`, `OTEL_SERVICE_NAME`,
 * `OTEL_RESOURCE_ATTRIBUTES`, `OTEL_BSP_*`, `OTEL_LOG_LEVEL`). Spans go out as
 * OTLP/HTTP JSON (port 4318 on a collector). Registers the AsyncLocalStorage
 * context manager so spans keep their parents across `await`; registers no
 * global tracer provider.
 *
 * @example
 * const telemetry = await setupCliTelemetry();
 * try {
 *   const executor = await createExecutor({ policies, ...(telemetry === null ? {} : { telemetry: telemetry.hooks }) });
 *   await executor.generate(request);
 * } finally {
 *   await telemetry?.shutdown();
 * }
 */
export async function setupCliTelemetry(options: CliTelemetryOptions = {}): Promise<CliTelemetry | null> {
  if (!otlpTracesConfigured()) return null;
  try {
    const sdk = await importTelemetrySdk();
    if (typeof sdk === 'string') {
      (options.warn ?? ((line: string) => void process.stderr.write(line)))(sdk);
      return null;
    }
    const [{ TracerProvider, BatchSpanProcessor }, { OTLPTraceExporter }, { detectResources, envDetector, resourceFromAttributes }, { AsyncLocalStorageContextManager }] = sdk;
    enableDiagnosticsFromEnvironment();
    const detected = detectResources({ detectors: [envDetector] });
    const resource = resourceFromAttributes({
      'service.name': options.serviceName ?? 'detour',
      'service.version': INSTRUMENTATION_VERSION,
    }).merge(detected);
    const timeoutMillis = exportTimeoutMs(process.env);
    const watched = watchedExporter(new OTLPTraceExporter({ timeoutMillis }));
    const tracerProvider = new TracerProvider({
      resource,
      spanProcessors: [new BatchSpanProcessor({ exporter: watched.exporter, exportTimeoutMillis: timeoutMillis })],
    });
    const contextManager = new AsyncLocalStorageContextManager().enable();
    const registered = context.setGlobalContextManager(contextManager);
    const hooks = createOpenTelemetryHooks(
      options.captureContent === undefined ? { tracerProvider } : { tracerProvider, captureContent: options.captureContent },
    );
    return {
      hooks,
      tracerProvider,
      async shutdown() {
        let timer: NodeJS.Timeout | undefined;
        // The exporter's deadline bounds each export; this bounds the whole flush, whatever the SDK does.
        const deadline = new Promise<string>((resolve) => {
          timer = setTimeout(() => resolve(`no answer within ${timeoutMillis} ms`), timeoutMillis + 500);
          timer.unref();
        });
        const flushed = tracerProvider.shutdown().then(
          () => watched.failure(),
          (error: unknown) => (error instanceof Error ? error.message : String(error)),
        );
        const failure = await Promise.race([flushed, deadline]);
        clearTimeout(timer);
        if (failure !== null) process.stderr.write(`detour: could not export spans to ${otlpTracesUrl()} (${failure})\n`);
        if (registered) context.disable();
      },
    };
  } catch (error) {
    diag.warn('detour: OpenTelemetry setup failed; continuing without tracing', error);
    return null;
  }
}
