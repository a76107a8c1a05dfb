/**
 * detour's OpenTelemetry instrumentation: the `TelemetryHooks` the executor
 * calls, emitting spans and metrics by the GenAI semantic conventions.
 */
import { ProxyTracerProvider, trace, type MeterProvider, type Tracer, type TracerProvider } from '@opentelemetry/api';
import { conventionsFromEnvironment, type SemanticConventions } from './conventions.js';
import { noopTelemetry, type SessionScope, type SessionStartInfo, type TelemetryHooks } from './hooks.js';
import { contentCaptureFromEnvironment } from './messages.js';
import { MetricsRecorder } from './metrics.js';
import { INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION } from './names.js';
import { SessionSpan } from './SessionSpan.js';

export interface OpenTelemetryHooksOptions {
  /**
   * Where spans go.
   * @default the global tracer provider (a no-op until an SDK registers one)
   */
  readonly tracerProvider?: TracerProvider;
  /**
   * Where metrics go.
   * @default the global meter provider, looked up again whenever it changes
   */
  readonly meterProvider?: MeterProvider;
  /**
   * Record `gen_ai.input.messages` / `gen_ai.output.messages` on attempt spans.
   * They hold user data: leave off unless your trace backend may store it.
   * @default `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT === 'true'`, else false
   */
  readonly captureContent?: boolean;
  /**
   * Which GenAI semantic conventions to emit: `'v1.41'` (the names of
   * semantic conventions v1.41) or `'latest'` (only the latest experimental
   * names, none of the v1.41 ones that changed). Read once, here.
   * @default `'latest'` when `OTEL_SEMCONV_STABILITY_OPT_IN` lists `gen_ai_latest_experimental`, else `'v1.41'`
   */
  readonly semanticConventions?: SemanticConventions;
}

const noopSession = noopTelemetry.sessionStarted({ policy: '', policyVersion: '', strategy: '', requestModel: null, stream: false });

/** The API's own no-op provider, which an empty global proxy delegates to. */
const NOOP_TRACER_PROVIDER = new ProxyTracerProvider().getDelegate();

/** True while `provider` is the global proxy with no SDK behind it; checked per session, so a late SDK is picked up. */
function tracingAbsent(provider: TracerProvider): boolean {
  return provider instanceof ProxyTracerProvider && provider.getDelegate() === NOOP_TRACER_PROVIDER;
}

/**
 * Telemetry hooks that emit a `detour.session {policy}` span per session and
 * a `chat {model}` (`generate_content {model}` for Gemini) span per attempt,
 * plus the GenAI client metrics and detour's session and attempt counters,
 * by the GenAI semantic conventions v1.41 or, on opt-in, their latest names.
 * Depends on `@opentelemetry/api` only and never registers a global
 * provider: bring your own SDK. With none registered it costs almost
 * nothing. It never throws into the request path.
 *
 * @example
 * import { TracerProvider, BatchSpanProcessor } from '@opentelemetry/sdk-trace';
 * const tracerProvider = new TracerProvider({ spanProcessors: [new BatchSpanProcessor({ exporter: exporter })] });
 * const executor = await createExecutor({ policies, telemetry: createOpenTelemetryHooks({ tracerProvider }) });
 */
export function createOpenTelemetryHooks(options: OpenTelemetryHooksOptions = {}): TelemetryHooks {
  const captureContent = options.captureContent ?? contentCaptureFromEnvironment();
  const conventions = options.semanticConventions ?? conventionsFromEnvironment();
  const metricsRecorder = new MetricsRecorder(options.meterProvider, conventions);
  let provider: TracerProvider | undefined;
  let tracer: Tracer | undefined;
  try {
    provider = options.tracerProvider ?? trace.getTracerProvider();
    tracer = provider.getTracer(INSTRUMENTATION_NAME, INSTRUMENTATION_VERSION);
  } catch {
    tracer = undefined;
  }
  const activeTracer = tracer;
  const tracerProvider = provider;
  return {
    captureContent,
    usesCause: false,
    sessionStarted(info: SessionStartInfo): SessionScope {
      if (activeTracer === undefined || tracerProvider === undefined) return noopSession;
      try {
        // No SDK at all: not even a non-recording span. The caller's context, and any
        // remote parent in it, flows through untouched.
        if (tracingAbsent(tracerProvider) && !metricsRecorder.enabled()) return noopSession;
        return new SessionSpan(activeTracer, metricsRecorder, info, conventions);
      } catch {
        return noopSession;
      }
    },
  };
}
