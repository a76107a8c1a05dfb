/**
 * detour's public API. Each export is named; nothing is re-exported with `*`.
 * Internals (compilers, wire types, schedulers) stay out on purpose.
 */

// Policies: load, validate, hold.
export { parsePolicy, loadPolicyFile, loadPolicies, listPolicyFiles, MAX_POLICY_BYTES } from './policy/load.js';
export { createPolicySet } from './policy/set.js';
export { POLICY_DEFAULTS } from './policy/defaults.js';
export type { PolicyLoadResult, PolicySetLoadResult, ParsePolicyOptions } from './policy/load.js';
export { KNOWN_FACTS, OPERATORS, isKnownFact } from './policy/vocabulary.js';
export { compilePattern, PatternError, type CompiledPattern } from './policy/pattern.js';
export { parseDuration } from './policy/duration.js';
export type {
  Policy,
  PolicySet,
  Diagnostic,
  DiagnosticSeverity,
  Rule,
  RuleAction,
  Route,
  RoutePlan,
  ModelConfig,
  ProviderConfig,
  GroupConfig,
  CircuitBreakerConfig,
  PolicyTest,
  StrategyType,
  Condition,
  FactCondition,
  TopLevelCondition,
} from './policy/types.js';

// Errors: one taxonomy for every provider.
export { ERROR_KINDS, ERROR_TYPES, RETRYABLE_KINDS, isErrorKind, kindOfType } from './errors/kinds.js';
export type { ErrorKind, ErrorFact } from './errors/kinds.js';
export { LLMFallbackError } from './errors/LLMFallbackError.js';
export type { FallbackFailureReason, FailedAttemptSummary, FailedSessionRecord } from './errors/LLMFallbackError.js';
export { ProviderCallError } from './errors/ProviderCallError.js';
export { classifyError, classifyResponse } from './errors/classify.js';
export type { ClassifyContext, ResponseOutcome } from './errors/classify.js';
export { toProviderCallError } from './errors/toProviderCallError.js';
export { ConditionalFallback } from './errors/predicates.js';
export type { ConditionalFallbackPredicate } from './errors/predicates.js';
export { providerErrorResponse, FAULT_NAMES, DOCUMENTED_PROVIDERS } from './errors/catalog.js';
export type { DocumentedProvider, FaultName, DocumentedErrorResponse } from './errors/catalog.js';

// Decisions: facts, rules, routes, explanations, policy tests.
export { decide, decideDetailed, decideWithEngine } from './rules/decide.js';
export type { DecideOptions, DecisionDetail } from './rules/decide.js';
export { buildFailureFacts, buildRequestFacts } from './rules/facts.js';
export type { FailureFactsInput, RequestFactsInput, StreamPhase } from './rules/facts.js';
export { planRequest } from './rules/plan.js';
export type { PlanOptions, StickyStore } from './rules/plan.js';
export { MemoryStickyStore } from './rules/sticky.js';
export { mulberry32 } from './rules/random.js';
export { explain } from './rules/explain.js';
export type { Explanation, DecisionExplanation, PlanExplanation } from './rules/explain.js';
export { runPolicyTests, runPolicyTestPaths } from './rules/policy-tests.js';
export type { PolicyTestResult, PolicyTestRun } from './rules/policy-tests.js';
export type { Decision, DecisionAction, Plan, Facts } from './rules/types.js';

// Providers: one request shape over every SDK.
export type {
  ProviderAdapter,
  ProviderType,
  Message,
  MessageRole,
  ContentPart,
  TextPart,
  ImagePart,
  FilePart,
  ToolCallPart,
  ToolResultPart,
  ReasoningPart,
  JSONSchema,
  Tool,
  ToolChoice,
  ToolCall,
  ResponseFormat,
  ReasoningOptions,
  RequestFeatures,
  GenerateRequest,
  GenerateResponse,
  GenerationParams,
  FinishReason,
  UnifiedFinishReason,
  Usage,
  StreamPart,
  ReasoningDelta,
  CallOptions,
} from './providers/spec.js';
export { SelfManagingFallbackFactory, adapterForClient, detectClientType } from './providers/factory.js';
export type {
  AdapterSource,
  ClientFactory,
  SelfManagingFallbackFactoryOptions,
  AdapterForClientOptions,
  SupportedClient,
} from './providers/factory.js';
export { OpenAIAdapter } from './providers/openai/openai-adapter.js';
export type { OpenAIAdapterOptions } from './providers/openai/openai-adapter.js';
export { AnthropicAdapter } from './providers/anthropic/anthropic-adapter.js';
export type { AnthropicAdapterOptions } from './providers/anthropic/anthropic-adapter.js';
export { GoogleAdapter } from './providers/google/google-adapter.js';
export type { GoogleAdapterOptions } from './providers/google/google-adapter.js';
export { BedrockAdapter } from './providers/bedrock/bedrock-adapter.js';
export type { BedrockAdapterOptions } from './providers/bedrock/bedrock-adapter.js';
export { createOpenAICompatibleAdapter } from './providers/openai-compatible/openai-compatible-adapter.js';
export type { OpenAICompatibleAdapterOptions } from './providers/openai-compatible/openai-compatible-adapter.js';

// The executor: sessions, stats, history.
export { Executor } from './executor/Executor.js';
export { createExecutor } from './executor/createExecutor.js';
export { PolicyLoadError } from './executor/PolicyLoadError.js';
export { InMemoryStateStore } from './executor/InMemoryStateStore.js';
export type { StateStore, StateStoreHealth, StoredValue, TripRule } from './executor/StateStore.js';
export type {
  ExecutorOptions,
  GenerateOptions,
  ExecutorResult,
  ExecutorStreamEvent,
  ExecutorStream,
  PolicySource,
  FallbackLogger,
  FallbackPredicate,
  Clock,
} from './executor/types.js';
export { FallbackSession } from './stats/FallbackSession.js';
export { FallbackAttempt } from './stats/FallbackAttempt.js';
export type { AttemptOutcome } from './stats/FallbackAttempt.js';
export { SessionHistory } from './stats/SessionHistory.js';
export { FallbackStats } from './stats/FallbackStats.js';
export type { FallbackStatsSnapshot, ModelStats } from './stats/FallbackStats.js';
export type { LiveModelStats } from './stats/LiveStats.js';
export { STATS_METRICS, parseStatsFact } from './policy/statsFacts.js';
export { FallbackMonitor } from './stats/FallbackMonitor.js';
export type { MonitorThresholds, MonitorAlert, FallbackMonitorOptions } from './stats/FallbackMonitor.js';

// The seed's API, over the same executor.
export { FallbackConfig } from './compat/FallbackConfig.js';
export type { FallbackConfigInit } from './compat/FallbackConfig.js';
export { FallbackManager, createFallbackManager } from './compat/FallbackManager.js';
export { FallbackClientWrapper } from './compat/FallbackClientWrapper.js';
export type { FallbackClientWrapperOptions } from './compat/FallbackClientWrapper.js';
export {
  FallbackStrategy,
  SequentialFallbackStrategy,
  PriorityFallbackStrategy,
  RandomFallbackStrategy,
  ErrorTypeBasedStrategy,
  ParallelFallbackStrategy,
  ConditionalFallbackStrategy,
} from './compat/strategies.js';
export type { FallbackCondition } from './compat/strategies.js';
export { DefaultFallbackLogger } from './compat/DefaultFallbackLogger.js';

// Telemetry: OpenTelemetry spans and metrics (API only; bring your own SDK).
export { createOpenTelemetryHooks } from './telemetry/createOpenTelemetryHooks.js';
export type { OpenTelemetryHooksOptions } from './telemetry/createOpenTelemetryHooks.js';
export type { SemanticConventions } from './telemetry/conventions.js';
export { noopTelemetry } from './telemetry/hooks.js';
export type {
  TelemetryHooks,
  SessionScope,
  AttemptScope,
  SessionStartInfo,
  AttemptStartInfo,
  SessionOutcome,
} from './telemetry/hooks.js';

// Hot reload.
export { watchPolicies, PolicyWatcher } from './watch/PolicyWatcher.js';
export type { PolicyWatcherOptions, WatchLogger } from './watch/PolicyWatcher.js';
export { PolicyWatchError } from './watch/PolicyWatchError.js';
export { watchPolicySource } from './watch/watchPolicySource.js';
export type { PolicySourceWatchOptions, PolicyReloadLogger } from './watch/watchPolicySource.js';
export type { PolicyChanges } from './watch/changes.js';
export { formatDiagnostic, formatDiagnostics } from './watch/formatDiagnostics.js';
export type { PolicyReloadedEvent, PolicyRejectedEvent, WatchErrorEvent, PolicyWatcherEvents } from './watch/events.js';

// The simulator: a local server speaking the three providers' protocols.
export { startSimulator } from './simulator/server.js';
export type { Simulator, SimulatorOptions, ScenarioInput, RecordedRequest } from './simulator/server.js';
export { compileScenario, loadScenarioFile, parseScenario } from './simulator/scenario.js';
export { ScenarioError } from './simulator/ScenarioError.js';
export type { SimulatorCounts, ModelCounts } from './simulator/counts.js';
export type { Scenario } from './simulator/scenarioTypes.js';
export { BUNDLED_SCENARIOS, bundledScenarioPath } from './simulator/bundled.js';
