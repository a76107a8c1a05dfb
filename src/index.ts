/**
 * detour's public API. Each export is named; nothing is re-exported with `*`.
 */
export { ERROR_KINDS, ERROR_TYPES, RETRYABLE_KINDS, isErrorKind } from './errors/kinds.js';
export type { ErrorKind, ErrorFact } from './errors/kinds.js';
export { LLMFallbackError } from './errors/LLMFallbackError.js';
export type { FallbackFailureReason, FailedAttemptSummary } from './errors/LLMFallbackError.js';
export { ProviderCallError } from './errors/ProviderCallError.js';
export type {
  ProviderAdapter,
  ProviderType,
  Message,
  MessageRole,
  ContentPart,
  TextPart,
  GenerateRequest,
  GenerateResponse,
  GenerationParams,
  FinishReason,
  UnifiedFinishReason,
  Usage,
  StreamPart,
  CallOptions,
} from './providers/spec.js';
export type {
  Policy,
  PolicySet,
  Diagnostic,
  Rule,
  Route,
  ModelConfig,
  ProviderConfig,
  GroupConfig,
  StrategyType,
} from './policy/types.js';
export type { Decision, Plan, Facts } from './rules/types.js';
