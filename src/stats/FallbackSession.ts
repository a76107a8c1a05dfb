import type { SessionOutcome } from '../telemetry/hooks.js';
import type { Message } from '../providers/spec.js';
import { FallbackAttempt } from './FallbackAttempt.js';
import type { FallbackAttemptData } from './FallbackAttempt.js';

/** What a session record holds, in both its forms. */
interface FallbackSessionFields {
  readonly id: number;
  readonly policy: string;
  readonly policyVersion: string;
  readonly primaryModel: string;
  readonly requestModel: string | null;
  readonly route: string | null;
  readonly strategy: string;
  readonly stream: boolean;
  readonly startTime: number;
  readonly endTime: number;
  readonly outcome: SessionOutcome;
  readonly finalModel: string | null;
  readonly metadata: Readonly<Record<string, unknown>> | null;
}

/** The plain-data form of a session, as `toJSON` returns it. */
export interface FallbackSessionData extends FallbackSessionFields {
  readonly durationMs: number;
  readonly success: boolean;
  readonly attempts: readonly FallbackAttemptData[];
  /** Present only when the caller opted into content capture. */
  readonly messages?: readonly Message[];
  readonly responseText?: string;
}

export interface FallbackSessionInit extends FallbackSessionFields {
  readonly attempts: readonly FallbackAttempt[];
  readonly content: { readonly messages: readonly Message[]; readonly responseText: string | null } | null;
}

/**
 * The record of one executor session: which models it tried, how each ended,
 * and how the session ended. The seed's `FallbackSession`. Holds message content
 * only when the caller opted in (`captureContent`), and never API keys.
 *
 * @example
 * for (const session of executor.history(10)) {
 *   console.log(session.primaryModel, session.success, session.getTotalAttempts(), session.getTotalDuration())
 * }
 */
export class FallbackSession implements FallbackSessionFields {
  readonly id: number;
  readonly policy: string;
  readonly policyVersion: string;
  /** The plan's first model (after routes and groups). */
  readonly primaryModel: string;
  readonly requestModel: string | null;
  readonly route: string | null;
  readonly strategy: string;
  readonly stream: boolean;
  readonly startTime: number;
  readonly endTime: number;
  readonly outcome: SessionOutcome;
  readonly finalModel: string | null;
  readonly metadata: Readonly<Record<string, unknown>> | null;
  readonly attempts: readonly FallbackAttempt[];
  readonly messages: readonly Message[] | null;
  readonly responseText: string | null;

  constructor(init: FallbackSessionInit) {
    this.id = init.id;
    this.policy = init.policy;
    this.policyVersion = init.policyVersion;
    this.primaryModel = init.primaryModel;
    this.requestModel = init.requestModel;
    this.route = init.route;
    this.strategy = init.strategy;
    this.stream = init.stream;
    this.startTime = init.startTime;
    this.endTime = init.endTime;
    this.outcome = init.outcome;
    this.finalModel = init.finalModel;
    this.metadata = init.metadata;
    this.attempts = init.attempts;
    this.messages = init.content?.messages ?? null;
    this.responseText = init.content?.responseText ?? null;
  }

  get success(): boolean {
    return this.outcome === 'success';
  }

  /** Attempts sent to a provider (skipped ones excluded). */
  getTotalAttempts(): number {
    let count = 0;
    for (const attempt of this.attempts) if (attempt.outcome !== 'skipped') count++;
    return count;
  }

  /** Wall time of the whole session in milliseconds (the seed reported seconds). */
  getTotalDuration(): number {
    return this.endTime - this.startTime;
  }

  getSuccessfulAttempt(): FallbackAttempt | null {
    for (const attempt of this.attempts) if (attempt.outcome === 'success') return attempt;
    return null;
  }

  /** True when the session needed more than its first model (a skip counts: the primary was not used). */
  get usedFallback(): boolean {
    return this.attempts.length > 1;
  }

  /**
   * The session record an executor's `LLMFallbackError` carries, typed; null
   * for any other value (a refused request, another error).
   *
   * @example
   * catch (error) {
   *   const session = FallbackSession.fromError(error)
   *   if (session) console.log(session.outcome, session.getTotalAttempts())
   * }
   */
  static fromError(error: unknown): FallbackSession | null {
    if (typeof error !== 'object' || error === null) return null;
    const session = (error as { session?: unknown }).session;
    return session instanceof FallbackSession ? session : null;
  }

  toJSON(): FallbackSessionData {
    const data: FallbackSessionData = {
      id: this.id,
      policy: this.policy,
      policyVersion: this.policyVersion,
      primaryModel: this.primaryModel,
      requestModel: this.requestModel,
      route: this.route,
      strategy: this.strategy,
      stream: this.stream,
      startTime: this.startTime,
      endTime: this.endTime,
      durationMs: this.getTotalDuration(),
      success: this.success,
      outcome: this.outcome,
      finalModel: this.finalModel,
      metadata: this.metadata,
      attempts: this.attempts.map((attempt) => attempt.toJSON()),
    };
    if (this.messages === null) return data;
    return { ...data, messages: this.messages, ...(this.responseText === null ? {} : { responseText: this.responseText }) };
  }
}
