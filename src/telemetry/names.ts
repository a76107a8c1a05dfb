/**
 * Every name detour's telemetry emits, in one place: the OpenTelemetry GenAI
 * semantic conventions (v1.41) where they have a name, `detour.*` where they
 * do not. Kept as plain strings so the library depends on
 * `@opentelemetry/api` alone.
 */
import type { ProviderType } from '../providers/spec.js';

/** The instrumentation scope name for the tracer and the meter. */
export const INSTRUMENTATION_NAME = 'detour';
/** The instrumentation scope version; kept in step with package.json. */
export const INSTRUMENTATION_VERSION = '0.1.0';

export const ATTRIBUTE = {
  operationName: 'gen_ai.operation.name',
  providerName: 'gen_ai.provider.name',
  requestModel: 'gen_ai.request.model',
  responseModel: 'gen_ai.response.model',
  responseId: 'gen_ai.response.id',
  finishReasons: 'gen_ai.response.finish_reasons',
  inputTokens: 'gen_ai.usage.input_tokens',
  outputTokens: 'gen_ai.usage.output_tokens',
  tokenType: 'gen_ai.token.type',
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
} as const;

export const SPAN_EVENT = {
  backoff: 'detour.backoff',
  skip: 'detour.skip',
} as const;

export const METRIC = {
  operationDuration: 'gen_ai.client.operation.duration',
  tokenUsage: 'gen_ai.client.token.usage',
  sessions: 'detour.sessions',
  attempts: 'detour.attempts',
} as const;

/** The conventions' advisory boundaries for `gen_ai.client.operation.duration` (seconds). */
export const DURATION_BUCKETS: readonly number[] = [
  0.01, 0.02, 0.04, 0.08, 0.16, 0.32, 0.64, 1.28, 2.56, 5.12, 10.24, 20.48, 40.96, 81.92,
];

/** The conventions' advisory boundaries for `gen_ai.client.token.usage` (tokens). */
export const TOKEN_BUCKETS: readonly number[] = [
  1, 4, 16, 64, 256, 1024, 4096, 16384, 65536, 262144, 1048576, 4194304, 16777216, 67108864,
];

/**
 * `gen_ai.provider.name` for each adapter type. `google` is the Gemini API
 * (`gcp.gemini`); an `openai_compatible` endpoint speaks OpenAI's wire format
 * through the OpenAI SDK, so it reports the `openai` flavour and
 * `server.address` tells it apart.
 *
 * @example
 * genAiProviderName('google') // 'gcp.gemini'
 */
export function genAiProviderName(providerType: ProviderType | string): string {
  switch (providerType) {
    case 'google':
      return 'gcp.gemini';
    case 'openai_compatible':
      return 'openai';
    default:
      return providerType;
  }
}
