/**
 * One attempt's `chat {model}` span (CLIENT) and its metrics. Made by the
 * session scope; every method swallows its own failures.
 */
import { SpanStatusCode, type Attributes, type Context, type Span } from '@opentelemetry/api';
import type { ErrorFact } from '../errors/kinds.js';
import type { GenerateResponse } from '../providers/spec.js';
import type { AttemptScope } from './hooks.js';
import { outputMessagesJson } from './messages.js';
import type { MetricsRecorder } from './metrics.js';
import { ATTRIBUTE } from './names.js';
import { redactSecrets } from './redact.js';
import { runInContext } from './runInContext.js';

export class AttemptSpan implements AttemptScope {
  readonly #span: Span;
  readonly #context: Context;
  readonly #recording: boolean;
  readonly #captureOutput: boolean;
  readonly #common: Attributes;
  readonly #metrics: MetricsRecorder;
  #ended = false;

  /**
   * @param common the sampling-relevant attributes the span started with; reused for metrics.
   */
  constructor(span: Span, attemptContext: Context, common: Attributes, captureOutput: boolean, metricsRecorder: MetricsRecorder) {
    this.#span = span;
    this.#context = attemptContext;
    this.#common = common;
    this.#metrics = metricsRecorder;
    let recording = false;
    try {
      recording = span.isRecording();
    } catch {
      // A broken span records nothing.
    }
    this.#recording = recording;
    this.#captureOutput = captureOutput && recording;
  }

  run<T>(fn: () => T): T {
    return runInContext(this.#context, fn);
  }

  succeeded(response: GenerateResponse, durationMs: number): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#recording) {
      try {
        const attributes: Attributes = {
          [ATTRIBUTE.attemptOutcome]: 'success',
          [ATTRIBUTE.finishReasons]: [response.finishReason.raw ?? response.finishReason.unified],
          [ATTRIBUTE.finishReason]: response.finishReason.unified,
        };
        if (response.responseModel !== null) attributes[ATTRIBUTE.responseModel] = response.responseModel;
        if (response.responseId !== null) attributes[ATTRIBUTE.responseId] = response.responseId;
        if (response.usage.inputTokens !== null) attributes[ATTRIBUTE.inputTokens] = response.usage.inputTokens;
        if (response.usage.outputTokens !== null) attributes[ATTRIBUTE.outputTokens] = response.usage.outputTokens;
        if (this.#captureOutput) attributes[ATTRIBUTE.outputMessages] = outputMessagesJson(response);
        this.#span.setAttributes(attributes);
      } catch {
        // Telemetry never reaches the request path.
      }
    }
    this.#end();
    this.#metrics.attemptEnded({
      common: this.#common,
      outcome: 'success',
      durationMs,
      responseModel: response.responseModel,
      errorKind: null,
      inputTokens: response.usage.inputTokens,
      outputTokens: response.usage.outputTokens,
    });
  }

  /** The cause is deliberately not recorded: SDK errors can carry request headers and bodies. */
  failed(error: ErrorFact, durationMs: number): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#recording) {
      try {
        const message = redactSecrets(error.message);
        const attributes: Attributes = {
          [ATTRIBUTE.attemptOutcome]: 'failure',
          [ATTRIBUTE.errorType]: error.kind,
        };
        if (error.status !== null) attributes[ATTRIBUTE.errorStatus] = error.status;
        if (error.code !== null) attributes[ATTRIBUTE.errorCode] = redactSecrets(error.code);
        this.#span.setAttributes(attributes);
        this.#span.recordException({ name: error.sdkError ?? error.type, message });
        this.#span.setStatus({ code: SpanStatusCode.ERROR, message: `${error.type}: ${message}` });
      } catch {
        // Telemetry never reaches the request path.
      }
    }
    this.#end();
    this.#metrics.attemptEnded({
      common: this.#common,
      outcome: 'failure',
      durationMs,
      responseModel: null,
      errorKind: error.kind,
      inputTokens: null,
      outputTokens: null,
    });
  }

  cancelled(durationMs: number): void {
    if (this.#ended) return;
    this.#ended = true;
    if (this.#recording) {
      try {
        this.#span.setAttribute(ATTRIBUTE.attemptOutcome, 'cancelled');
      } catch {
        // Telemetry never reaches the request path.
      }
    }
    this.#end();
    this.#metrics.attemptEnded({
      common: this.#common,
      outcome: 'cancelled',
      durationMs,
      responseModel: null,
      errorKind: null,
      inputTokens: null,
      outputTokens: null,
    });
  }

  #end(): void {
    try {
      this.#span.end();
    } catch {
      // A throwing processor or exporter never reaches the request path.
    }
  }
}
