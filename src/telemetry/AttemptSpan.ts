/**
 * One attempt's `{operation} {model}` span (CLIENT) and its metrics. Made by
 * the session scope; every method swallows its own failures.
 */
import { SpanStatusCode, type Attributes, type Context, type Span } from '@opentelemetry/api';
import type { ErrorFact } from '../errors/kinds.js';
import type { GenerateResponse } from '../providers/spec.js';
import type { SemanticConventions } from './conventions.js';
import type { AttemptScope } from './hooks.js';
import { outputMessagesJson } from './messages.js';
import type { MetricsRecorder, TokenCounts } from './metrics.js';
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
  readonly #conventions: SemanticConventions;
  #timeToFirstChunkMs: number | null = null;
  #ended = false;

  /**
   * @param common the sampling-relevant attributes the span started with; reused for metrics.
   */
  constructor(
    span: Span,
    attemptContext: Context,
    common: Attributes,
    captureOutput: boolean,
    metricsRecorder: MetricsRecorder,
    conventions: SemanticConventions,
  ) {
    this.#span = span;
    this.#context = attemptContext;
    this.#common = common;
    this.#metrics = metricsRecorder;
    this.#conventions = conventions;
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

  firstChunk(elapsedMs: number): void {
    if (this.#ended || this.#timeToFirstChunkMs !== null) return;
    this.#timeToFirstChunkMs = elapsedMs;
    if (!this.#recording) return;
    try {
      this.#span.setAttribute(ATTRIBUTE.timeToFirstChunk, elapsedMs / 1000);
    } catch {
      // Telemetry never reaches the request path.
    }
  }

  succeeded(response: GenerateResponse, durationMs: number): void {
    if (this.#ended) return;
    this.#ended = true;
    // Adapters that know them add reasoning and cached-input counts to usage.
    const usage: TokenCounts = response.usage;
    if (this.#recording) {
      try {
        const attributes: Attributes = {
          [ATTRIBUTE.attemptOutcome]: 'success',
          [ATTRIBUTE.finishReasons]: [response.finishReason.raw ?? response.finishReason.unified],
          [ATTRIBUTE.finishReason]: response.finishReason.unified,
        };
        if (response.responseModel !== null) attributes[ATTRIBUTE.responseModel] = response.responseModel;
        if (response.responseId !== null) attributes[ATTRIBUTE.responseId] = response.responseId;
        if (usage.inputTokens !== null) attributes[ATTRIBUTE.inputTokens] = usage.inputTokens;
        if (usage.outputTokens !== null) attributes[ATTRIBUTE.outputTokens] = usage.outputTokens;
        if (typeof usage.cachedInputTokens === 'number') attributes[ATTRIBUTE.cacheReadInputTokens] = usage.cachedInputTokens;
        if (typeof usage.reasoningTokens === 'number') attributes[ATTRIBUTE.reasoningOutputTokens] = usage.reasoningTokens;
        if (response.toolCalls !== undefined && response.toolCalls.length > 0) attributes[ATTRIBUTE.responseToolCalls] = response.toolCalls.map((call) => call.name);
        if (this.#captureOutput) attributes[ATTRIBUTE.outputMessages] = outputMessagesJson(response, this.#conventions);
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
      usage,
      timeToFirstChunkMs: this.#timeToFirstChunkMs,
    });
  }

  /** The cause is deliberately not recorded: SDK errors can carry request headers and bodies. */
  failed(error: ErrorFact, durationMs: number, _cause?: unknown, endTime?: number): void {
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
        this.#span.recordException({ name: error.sdkError ?? error.type, message }, endTime);
        this.#span.setStatus({ code: SpanStatusCode.ERROR, message: `${error.type}: ${message}` });
      } catch {
        // Telemetry never reaches the request path.
      }
    }
    this.#end(endTime);
    this.#metrics.attemptEnded({
      common: this.#common,
      outcome: 'failure',
      durationMs,
      responseModel: null,
      errorKind: error.kind,
      usage: null,
      timeToFirstChunkMs: this.#timeToFirstChunkMs,
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
      usage: null,
      timeToFirstChunkMs: this.#timeToFirstChunkMs,
    });
  }

  /** End the span, at `endTime` (a `performance.now()` timestamp) when given. */
  #end(endTime?: number): void {
    try {
      this.#span.end(endTime);
    } catch {
      // A throwing processor or exporter never reaches the request path.
    }
  }
}
