/**
 * The seam between the executor and telemetry. The executor calls these
 * hooks; `src/telemetry/` implements them with OpenTelemetry. The no-op
 * implementation costs nothing. Hooks never throw into the request path:
 * implementations catch their own errors.
 */
import type { ErrorFact } from '../errors/kinds.js';
import type { GenerateResponse, GenerationParams, Message, ProviderType } from '../providers/spec.js';

export type SessionOutcome = 'success' | 'exhausted' | 'rejected' | 'deadline' | 'aborted' | 'disabled';

export interface SessionStartInfo {
  readonly policy: string;
  readonly policyVersion: string;
  readonly strategy: string;
  readonly requestModel: string | null;
  readonly stream: boolean;
}

export interface AttemptStartInfo {
  /** Catalog key. */
  readonly model: string;
  /** Provider model id sent on the wire. */
  readonly modelId: string;
  readonly provider: string;
  readonly providerType: ProviderType;
  readonly serverAddress: string | null;
  readonly serverPort: number | null;
  /** 1-based. */
  readonly number: number;
  /** The rule or strategy step that chose this model. */
  readonly reason: string;
  readonly hedged: boolean;
  /**
   * The generation parameters this attempt sends: the caller's `params` with
   * the catalog entry's laid over them (as the adapter lays them), if any.
   */
  readonly params?: GenerationParams | undefined;
  /** The output format the request asked for (`responseFormat.type`), if any. */
  readonly outputType?: 'text' | 'json' | undefined;
  /**
   * Present only when the caller opted into content capture (the executor's
   * `captureContent`, or else `TelemetryHooks.captureContent`). Its presence is
   * the one switch: the hooks then record this attempt's input and output.
   */
  readonly messages?: readonly Message[];
  /** How many tools the request offers (absent or 0: none). */
  readonly toolCount?: number;
}

export interface AttemptScope {
  /** Run `fn` with this attempt's span as the active context. */
  run<T>(fn: () => T): T;
  /**
   * Optional: a streamed attempt received its first chunk, `elapsedMs` after
   * it started. Called at most once, before the attempt ends.
   */
  firstChunk?(elapsedMs: number): void;
  succeeded(response: GenerateResponse, durationMs: number): void;
  /**
   * The attempt failed. `endTime`, when given, is when it ended as a
   * `performance.now()` timestamp: the executor may report a failure a moment
   * later, once the next call is on its way.
   */
  failed(error: ErrorFact, durationMs: number, cause?: unknown, endTime?: number): void;
  /**
   * Optional: detour itself stopped this attempt because another one won
   * (parallel race, hedge). Not an error: the span stays unset, with
   * `detour.attempt.outcome` = `cancelled`. Executors that do not call it
   * report such attempts through `failed` with kind `aborted`.
   */
  cancelled?(durationMs: number): void;
}

export interface SessionScope {
  run<T>(fn: () => T): T;
  attemptStarted(info: AttemptStartInfo): AttemptScope;
  backoff(delayMs: number, afterAttempt: number): void;
  skipped(model: string, reason: string): void;
  ended(outcome: SessionOutcome, summary: { readonly attempts: number; readonly finalModel: string | null; readonly error?: ErrorFact | null }): void;
}

export interface TelemetryHooks {
  sessionStarted(info: SessionStartInfo): SessionScope;
  /**
   * Optional: true when these hooks were configured to record message
   * content (`captureContent: true` or
   * `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT=true`). An executor
   * passes `AttemptStartInfo.messages` when its own `captureContent` option
   * says so, or, when that option is unset, when this is true.
   */
  readonly captureContent?: boolean;
  /**
   * Optional: false when `AttemptScope.failed` never reads its `cause`. The
   * executor then leaves the provider's error unscrubbed on its way past the
   * hooks (scrubbing it costs more than the rest of a failover) and scrubs only
   * the error it hands to its caller. @default true
   */
  readonly usesCause?: boolean;
}

/** An attempt scope that records nothing. */
export const noopAttempt: AttemptScope = {
  run: (fn) => fn(),
  succeeded: () => {},
  failed: () => {},
  cancelled: () => {},
};

const noopSession: SessionScope = {
  run: (fn) => fn(),
  attemptStarted: () => noopAttempt,
  backoff: () => {},
  skipped: () => {},
  ended: () => {},
};

/**
 * True for the session scope of `noopTelemetry` (also what the OpenTelemetry
 * hooks hand out while no SDK is registered): its attempts record nothing, so
 * the executor need not describe them.
 */
export function recordsNothing(scope: SessionScope): boolean {
  return scope === noopSession;
}

/** Telemetry that does nothing. */
export const noopTelemetry: TelemetryHooks = {
  sessionStarted: () => noopSession,
  usesCause: false,
};
