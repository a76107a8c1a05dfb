/**
 * Every name detour's telemetry emits, in one place: the OpenTelemetry GenAI
 * semantic conventions where they have a name, `detour.*` where they do not.
 * Span attributes are the same in v1.41 and the latest conventions; metric
 * names differ (`METRIC` and `LATEST_METRIC`). Kept as plain strings so the
 * library depends on `@opentelemetry/api` alone.
 */

/** The instrumentation scope name for the tracer and the meter. */
export const INSTRUMENTATION_NAME = 'detour';
/** The instrumentation scope version; kept in step with package.json. */
export const INSTRUMENTATION_VERSION = '0.1.0';

export const ATTRIBUTE = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  requestMaxTokens: 'gen_ai.request.max_tokens',
  requestTemperature: 'gen_ai.request.temperature',
  requestTopP: 'gen_ai.request.top_p',
  requestTopK: 'gen_ai.request.top_k',
  requestStopSequences: 'gen_ai.request.stop_sequences',
  requestSeed: 'gen_ai.request.seed',
  requestFrequencyPenalty: 'gen_ai.request.frequency_penalty',
  requestPresencePenalty: 'gen_ai.request.presence_penalty',
  requestChoiceCount: 'gen_ai.request.choice.count',
  requestStream: 'gen_ai.request.stream',
  outputType: 'gen_ai.output.type',
  responseModel: 'gen_ai.response.model',
  responseId: 'gen_ai.response.id',
  finishReasons: 'gen_ai.response.finish_reasons',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  cacheReadInputTokens: 'gen_ai.usage.cache_read.input_tokens',
  reasoningOutputTokens: 'gen_ai.usage.reasoning.output_tokens',
  timeToFirstChunk: 'gen_ai.response.time_to_first_chunk',
  tokenType: 'gen_ai.token.type',
  tokenModality: 'gen_ai.token.modality',
  inputMessages: 'gen_ai.input.messages',
  outputMessages: 'gen_ai.output.messages',
  serverAddress: 'server.address',
  serverPort: 'server.port',
  errorType: 'error.type',
  policyName: 'detour.policy.name',
  policyVersion: 'detour.policy.version',
  strategy: 'detour.strategy',
  sessionAttempts: 'detour.attempts',
  sessionOutcome: 'detour.outcome',
  finalModel: 'detour.final_model',
  requestedModel: 'detour.request.model',
  stream: 'detour.stream',
  attemptNumber: 'detour.attempt.number',
  attemptReason: 'detour.attempt.reason',
  attemptOutcome: 'detour.attempt.outcome',
  hedged: 'detour.hedged',
  catalogModel: 'detour.model',
  providerKey: 'detour.provider',
  finishReason: 'detour.finish_reason',
  errorStatus: 'detour.error.status',
  errorCode: 'detour.error.code',
  backoffDelay: 'detour.backoff.delay_ms',
  backoffAfterAttempt: 'detour.backoff.after_attempt',
  skipModel: 'detour.skip.model',
  skipReason: 'detour.skip.reason',
  /** How many tool definitions the request offered. */
  requestToolCount: 'detour.request.tool_count',
  /** The names of the tools the answer called, in order. */
  responseToolCalls: 'detour.response.tool_calls',
} as const;

export const SPAN_EVENT = {
  backoff: 'detour.backoff',
  skip: 'detour.skip',
} as const;

/** Metric names of semantic conventions v1.41 (the default), and detour's own counters. */
export const METRIC = {
  operationDuration: 'gen_ai.client.operation.duration',
  tokenUsage: 'gen_ai.client.token.usage',
  timeToFirstChunk: 'gen_ai.client.operation.time_to_first_chunk',
  sessions: 'detour.sessions',
  attempts: 'detour.attempts',
} as const;

/**
 * Metric names of the latest experimental conventions
 * (`OTEL_SEMCONV_STABILITY_OPT_IN=gen_ai_latest_experimental`): inference has
 * its own duration, and token usage is counters (totals, cost) plus
 * per-operation histograms (distribution) instead of `gen_ai.client.token.usage`.
 */
export const LATEST_METRIC = {
  inferenceDuration: 'gen_ai.client.inference.duration',
  timeToFirstChunk: 'gen_ai.client.inference.time_to_first_chunk',
  inputTokens: 'gen_ai.client.inference.usage.input_tokens',
  outputTokens: 'gen_ai.client.inference.usage.output_tokens',
  cacheReadInputTokens: 'gen_ai.client.inference.usage.cache_read.input_tokens',
  reasoningOutputTokens: 'gen_ai.client.inference.usage.reasoning.output_tokens',
  operationInputTokens: 'gen_ai.client.inference.operation.input_tokens',
  operationOutputTokens: 'gen_ai.client.inference.operation.output_tokens',
} as const;

/** The conventions' advisory boundaries for the duration and time-to-first-chunk histograms (seconds). */
export const DURATION_BUCKETS: readonly number[] = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

/** The conventions' advisory boundaries for the token histograms (tokens). */
export const TOKEN_BUCKETS: readonly number[] = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];
