/**
 * The executor's public shapes: options, requests, results and stream events.
 */
import type { ErrorFact } from '../errors/kinds.js';
import type { PolicySet, PolicySource } from '../policy/types.js';
import type { AiSdkLanguageModel } from '../providers/ai-sdk/ai-sdk-adapter.js';
import type { AdapterSource } from '../providers/factory.js';
import type { ContentPart, FinishReason, GenerateResponse, GenerationParams, Message, RequestFeatures, ToolCall, Usage } from '../providers/spec.js';
import type { Facts } from '../rules/types.js';
import type { FallbackAttempt } from '../stats/FallbackAttempt.js';
import type { FallbackSession } from '../stats/FallbackSession.js';
import type { TelemetryHooks } from '../telemetry/hooks.js';
import type { PolicyRejectedEvent, PolicyReloadedEvent } from '../watch/events.js';
import type { StateStore } from './StateStore.js';

/** Where an executor reads its policies (declared with the policy types). */
export type { PolicySource } from '../policy/types.js';

/** Milliseconds since the epoch. */
export interface Clock {
  now(): number;
}

/**
 * The seed's `IFallbackLogger`. Every method is optional; an executor without
 * a logger does no logging work at all. Records never hold API keys, and
 * message content only when the caller opted in.
 */
export interface FallbackLogger {
  /** An attempt failed (or was skipped) and the session goes on or ends. */
  logAttemptFailed?(attempt: FallbackAttempt, context: { readonly policy: string; readonly primaryModel: string }): void;
  /** A session ended with an answer; `session.usedFallback` tells whether it needed a fallback. */
  logSessionSucceeded?(session: FallbackSession): void;
  /** A session ended without an answer. */
  logSessionFailed?(session: FallbackSession, error: Error): void;
  /** Something in detour itself went wrong and was worked around (a rule engine error, a telemetry hook that threw). */
  logInternalError?(message: string, error: unknown): void;
  /**
   * With `watch: true`: a changed policy folder passed every check and now
   * serves new sessions (`previousVersion` → `version`, what `changes`).
   *
   * @example
   * logPolicyReloaded: ({ previousVersion, version, changes }) => log.info('policies reloaded', { previousVersion, version, changes })
   */
  logPolicyReloaded?(event: PolicyReloadedEvent): void;
  /**
   * With `watch: true`: the files on disk failed a check and the running set
   * keeps serving. `message` lists every problem as `file:line:col: …`.
   * Without this method, rejections go to `logInternalError`.
   *
   * @example
   * logPolicyRejected: ({ runningVersion, message }) => log.error(`policy change rejected, still serving ${runningVersion}\n${message}`)
   */
  logPolicyRejected?(event: PolicyRejectedEvent): void;
}

/**
 * An in-process condition: `true` makes a failure eligible for fallback even
 * when the policy's own gate (`conditions`, `fallback_on_errors`,
 * `fallback_on_status_codes`) would reject it. Used by the seed's
 * `ConditionalFallbackStrategy` for function conditions, which YAML cannot express.
 */
export type FallbackPredicate = (error: ErrorFact, facts: Facts) => boolean;

export interface ExecutorOptions {
  /** A PolicySet, a PolicySource (e.g. a watcher), or a folder / file path loaded with `loadPolicies`. */
  readonly policies: PolicySet | PolicySource | string | readonly string[];
  /**
   * Follow the policy folder: a changed set that passes every check serves new
   * sessions; a broken one is never served (the last good set keeps running).
   * Reloads and rejections reach `logger` (`logPolicyReloaded`,
   * `logPolicyRejected`, else `logInternalError`); `close()` stops watching.
   * Needs `policies` to be exactly one folder path.
   *
   * @example
   * const executor = await createExecutor({ policies: './policies', watch: true, logger })
   * @default false
   */
  readonly watch?: boolean;
  /** Builds adapters for a policy's models. @default new SelfManagingFallbackFactory() */
  readonly factory?: AdapterSource;
  /** @default Date */
  readonly clock?: Clock;
  /** Uniform [0, 1) for jitter, random strategies and weighted groups; seed it for reproducible runs. @default Math.random */
  readonly random?: () => number;
  readonly logger?: FallbackLogger;
  /**
   * Cooldowns, circuit breakers, sticky choices and live statistics, shared by
   * every session; pass a `RedisStateStore` (from `detour-llm/redis`) to share
   * them between processes. The executor does not close it.
   * @default new InMemoryStateStore()
   */
  readonly stateStore?: StateStore;
  /** How many finished sessions `history()` keeps. @default 100 */
  readonly historySize?: number;
  /**
   * Spans and metrics. The default follows the global OpenTelemetry API: it
   * records nothing (and costs almost nothing) until the service registers an
   * SDK, then every session and attempt is a span. `noopTelemetry` turns it off.
   *
   * @example
   * createExecutor({ policies: './policies', telemetry: noopTelemetry })
   * @default createOpenTelemetryHooks()
   */
  readonly telemetry?: TelemetryHooks;
  /** Keep messages and response text in session records and telemetry. @default false */
  readonly captureContent?: boolean;
  /**
   * AI SDK language models by name: a policy model with `provider: ai_sdk`
   * and `model: <name>` calls the one registered here (its `doGenerate` /
   * `doStream`, with no AI SDK retries). Given to the default factory; with
   * your own `factory`, pass them to it instead.
   *
   * @example
   * createExecutor({ policies: './policies', models: { 'mistral-large': mistral('mistral-large-latest') } })
   */
  readonly models?: Readonly<Record<string, AiSdkLanguageModel>>;
}

/**
 * One request. Beyond messages it may carry `tools` / `toolChoice` /
 * `parallelToolCalls`, a `responseFormat` (JSON, optionally with a schema) and
 * `reasoning` (effort or a thinking budget); models whose `capabilities` cannot
 * serve them are skipped before any call.
 *
 * @example
 * await executor.generate({
 *   policy: 'agent',
 *   messages: [{ role: 'user', content: 'Weather in Paris?' }],
 *   tools: [{ name: 'get_weather', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }],
 * })
 */
export interface GenerateOptions extends RequestFeatures {
  /** The policy's `name`. */
  readonly policy: string;
  readonly messages: readonly Message[];
  readonly params?: GenerationParams;
  /** Request facts for routes and rules (`request.metadata.*`): tenant, tier, region, user_id… */
  readonly metadata?: Readonly<Record<string, unknown>>;
  /** A model or group of the policy to start with instead of the plan's primary (routes still win). */
  readonly model?: string;
  /**
   * Seeds the session's random choices (group picks, random orders), so
   * `detour explain --facts '{"random_seed": N, …}'` replays them.
   * @default a fresh seed per session
   */
  readonly randomSeed?: number;
  /** Aborts every attempt in flight at once; nothing new starts. */
  readonly signal?: AbortSignal;
  /** Overrides the executor's `captureContent` for this request. */
  readonly captureContent?: boolean;
  /** In-process fallback condition (see `FallbackPredicate`). */
  readonly fallbackWhen?: FallbackPredicate;
}

/** What `generate` resolves with. */
export interface ExecutorResult {
  /** The answer's text parts joined. */
  readonly text: string;
  /** Everything the model produced, in order; append `{ role: 'assistant', content }` to continue the conversation. */
  readonly content: readonly ContentPart[];
  /** The tool calls the model made; [] when none. */
  readonly toolCalls: readonly ToolCall[];
  /** The model's thinking text, or null. */
  readonly reasoning: string | null;
  readonly finishReason: FinishReason;
  readonly usage: Usage;
  readonly response: GenerateResponse;
  /** The catalog key of the model that answered. */
  readonly model: string;
  readonly provider: string;
  readonly session: FallbackSession;
}

/**
 * What `executor.stream()` yields. Deltas (text, reasoning, tool calls) come
 * from one attempt at a time; a `restart` means the text so far is void and a new model starts over
 * (policy `mid_stream: restart`). The last event is `finish`; a session that
 * fails throws `LLMFallbackError` from the iterator instead.
 */
/**
 * What `executor.stream()` returns: the events to iterate, and the session's
 * number before the first of them.
 *
 * @example
 * const events = executor.stream({ policy: 'default', messages })
 * console.log('session', events.sessionId)
 * for await (const event of events) if (event.type === 'text-delta') process.stdout.write(event.text)
 */
export interface ExecutorStream extends AsyncIterable<ExecutorStreamEvent> {
  /** The `id` of the session's history record and of its `LLMFallbackError.session`. */
  readonly sessionId: number;
}

export type ExecutorStreamEvent =
  | { readonly type: 'text-delta'; readonly text: string; readonly model: string }
  /** Thinking; `signature` / `redactedData` as in the adapters' stream (a signed block's signature, a redacted block). */
  | { readonly type: 'reasoning-delta'; readonly text: string; readonly signature?: string; readonly redactedData?: string; readonly model: string }
  | { readonly type: 'tool-call-start'; readonly id: string; readonly name: string; readonly model: string }
  | { readonly type: 'tool-call-delta'; readonly id: string; readonly argumentsDelta: string; readonly model: string }
  | { readonly type: 'tool-call'; readonly id: string; readonly name: string; readonly arguments: unknown; readonly model: string }
  | { readonly type: 'attempt-failed'; readonly model: string; readonly number: number; readonly error: ErrorFact; readonly phase: 'before_first_chunk' | 'mid_stream' }
  | { readonly type: 'restart'; readonly failedModel: string; readonly error: ErrorFact; readonly discardedText: string }
  | { readonly type: 'finish'; readonly result: ExecutorResult };
