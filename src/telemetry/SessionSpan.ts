/**
 * One session's `detour.session {policy}` span (INTERNAL): the parent of
 * every attempt span, hedged and parallel ones included, with backoff waits
 * and cooldown skips as events. Every method swallows its own failures.
 */
import {
  INVALID_SPAN_CONTEXT,
  SpanKind,
  SpanStatusCode,
  context,
  trace,
  type Attributes,
  type Context,
  type Span,
  type SpanOptions,
  type Tracer,
} from '@opentelemetry/api';
import type { ErrorFact } from '../errors/kinds.js';
import type { AttemptScope, AttemptStartInfo, SessionOutcome, SessionScope, SessionStartInfo } from './hooks.js';
import { AttemptSpan } from './AttemptSpan.js';
import type { SemanticConventions } from './conventions.js';
import { genAiOperationName, genAiProviderName } from './genAiProviderName.js';
import { inputMessagesJson } from './messages.js';
import type { MetricsRecorder } from './metrics.js';
import { ATTRIBUTE, SPAN_EVENT } from './names.js';
import { addRequestAttributes } from './requestAttributes.js';
import { runInContext } from './runInContext.js';

/** What a broken tracer leaves an attempt with: nothing recorded, the call still runs. */
const noopAttempt: AttemptScope = {
  run: (fn) => fn(),
  succeeded: () => {},
  failed: () => {},
  cancelled: () => {},
};

/** A tracer that throws still leaves a span to hang context and metrics on: a non-recording one. */
function startSpanSafely(tracer: Tracer, name: string, options: SpanOptions, parent: Context): Span {
  try {
    return tracer.startSpan(name, options, parent);
  } catch {
    return trace.wrapSpanContext(INVALID_SPAN_CONTEXT);
  }
}

function isRecording(span: Span): boolean {
  try {
    return span.isRecording();
  } catch {
    return false;
  }
}

export class SessionSpan implements SessionScope {
  readonly #tracer: Tracer;
  readonly #metrics: MetricsRecorder;
  readonly #policy: string;
  readonly #policyVersion: string;
  readonly #stream: boolean;
  readonly #conventions: SemanticConventions;
  readonly #span: Span;
  readonly #context: Context;
  readonly #recording: boolean;
  #ended = false;

  constructor(tracer: Tracer, metricsRecorder: MetricsRecorder, info: SessionStartInfo, conventions: SemanticConventions) {
    this.#tracer = tracer;
    this.#metrics = metricsRecorder;
    this.#policy = info.policy;
    this.#policyVersion = info.policyVersion;
    this.#stream = info.stream;
    this.#conventions = conventions;
    const attributes: Attributes = {
      [ATTRIBUTE.policyName]: info.policy,
      [ATTRIBUTE.policyVersion]: info.policyVersion,
      [ATTRIBUTE.strategy]: info.strategy,
      [ATTRIBUTE.stream]: info.stream,
    };
    if (info.requestModel !== null) attributes[ATTRIBUTE.requestedModel] = info.requestModel;
    const parent = context.active();
    this.#span = startSpanSafely(tracer, `detour.session ${info.policy}`, { kind: SpanKind.INTERNAL, attributes }, parent);
    this.#context = trace.setSpan(parent, this.#span);
    this.#recording = isRecording(this.#span);
  }

  run<T>(fn: () => T): T {
    return runInContext(this.#context, fn);
  }

  attemptStarted(info: AttemptStartInfo): AttemptScope {
    try {
      const operation = genAiOperationName(info.providerType, info.modelId);
      const common: Attributes = {
        [ATTRIBUTE.operationName]: operation,
        [ATTRIBUTE.providerName]: genAiProviderName(info.providerType, info.serverAddress, info.provider),
        [ATTRIBUTE.requestModel]: info.modelId,
      };
      if (info.serverAddress !== null) common[ATTRIBUTE.serverAddress] = info.serverAddress;
      if (info.serverPort !== null) common[ATTRIBUTE.serverPort] = info.serverPort;
      const span = startSpanSafely(this.#tracer, `${operation} ${info.modelId}`, { kind: SpanKind.CLIENT, attributes: common }, this.#context);
      // The executor passes messages only when content capture is on: that one switch covers input and output.
      const capture = info.messages !== undefined;
      if (isRecording(span)) {
        const detail: Attributes = {
          [ATTRIBUTE.attemptNumber]: info.number,
          [ATTRIBUTE.attemptReason]: info.reason,
          [ATTRIBUTE.hedged]: info.hedged,
          [ATTRIBUTE.policyVersion]: this.#policyVersion,
          [ATTRIBUTE.catalogModel]: info.model,
          [ATTRIBUTE.providerKey]: info.provider,
        };
        addRequestAttributes(detail, info, this.#stream);
        if (info.messages !== undefined) detail[ATTRIBUTE.inputMessages] = inputMessagesJson(info.messages);
        if (info.toolCount !== undefined && info.toolCount > 0) detail[ATTRIBUTE.requestToolCount] = info.toolCount;
        span.setAttributes(detail);
      }
      return new AttemptSpan(span, trace.setSpan(this.#context, span), common, capture, this.#metrics, this.#conventions);
    } catch {
      return noopAttempt;
    }
  }

  backoff(delayMs: number, afterAttempt: number): void {
    if (!this.#recording || this.#ended) return;
    try {
      this.#span.addEvent(SPAN_EVENT.backoff, {
        [ATTRIBUTE.backoffDelay]: delayMs,
        [ATTRIBUTE.backoffAfterAttempt]: afterAttempt,
      });
    } catch {
      // Telemetry never reaches the request path.
    }
  }

  skipped(model: string, reason: string): void {
    if (!this.#recording || this.#ended) return;
    try {
      this.#span.addEvent(SPAN_EVENT.skip, { [ATTRIBUTE.skipModel]: model, [ATTRIBUTE.skipReason]: reason });
    } catch {
      // Telemetry never reaches the request path.
    }
  }

  ended(
    outcome: SessionOutcome,
    summary: { readonly attempts: number; readonly finalModel: string | null; readonly error?: ErrorFact | null },
  ): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#recording) {
      try {
        const attributes: Attributes = {
          [ATTRIBUTE.sessionAttempts]: summary.attempts,
          [ATTRIBUTE.sessionOutcome]: outcome,
        };
        if (summary.finalModel !== null) attributes[ATTRIBUTE.finalModel] = summary.finalModel;
        if (outcome !== 'success') {
          const lastError = summary.error ?? null;
          attributes[ATTRIBUTE.errorType] = lastError?.kind ?? outcome;
          this.#span.setStatus({
            code: SpanStatusCode.ERROR,
            message: lastError === null ? `session ${outcome}` : `session ${outcome}, last error ${lastError.type}`,
          });
        }
        this.#span.setAttributes(attributes);
      } catch {
        // Telemetry never reaches the request path.
      }
    }
    try {
      this.#span.end();
    } catch {
      // A throwing processor or exporter never reaches the request path.
    }
    this.#metrics.sessionEnded(this.#policy, outcome);
  }
}
