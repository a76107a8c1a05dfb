import type { ErrorFact } from '../errors/kinds.js';
import type { Usage } from '../providers/spec.js';

/** How one attempt ended. `skipped` attempts were never sent; `aborted` ones lost a race or were cancelled. */
export type AttemptOutcome = 'success' | 'failure' | 'skipped' | 'aborted';

/** The plain-data form of an attempt, as `toJSON` returns it. Never holds API keys or message content. */
export interface FallbackAttemptData {
  readonly number: number;
  readonly model: string;
  readonly modelId: string | null;
  readonly provider: string | null;
  readonly outcome: AttemptOutcome;
  /** The rule or strategy step that chose this model (`primary`, `strategy:sequential`, `hedge`, a rule name). */
  readonly reason: string;
  readonly hedged: boolean;
  readonly startTime: number;
  readonly durationMs: number;
  readonly error: ErrorFact | null;
  readonly usage: Usage | null;
}

/**
 * One call (or skipped call) a session made. The seed's `FallbackAttempt`.
 *
 * @example
 * const attempt = session.getSuccessfulAttempt()
 * if (attempt) console.log(attempt.fallbackModel, attempt.durationMs)
 */
export class FallbackAttempt implements FallbackAttemptData {
  readonly number: number;
  readonly model: string;
  readonly modelId: string | null;
  readonly provider: string | null;
  readonly outcome: AttemptOutcome;
  readonly reason: string;
  readonly hedged: boolean;
  /** Milliseconds since the epoch (the executor's clock). */
  readonly startTime: number;
  readonly durationMs: number;
  readonly error: ErrorFact | null;
  readonly usage: Usage | null;

  constructor(data: FallbackAttemptData) {
    this.number = data.number;
    this.model = data.model;
    this.modelId = data.modelId;
    this.provider = data.provider;
    this.outcome = data.outcome;
    this.reason = data.reason;
    this.hedged = data.hedged;
    this.startTime = data.startTime;
    this.durationMs = data.durationMs;
    this.error = data.error;
    this.usage = data.usage;
  }

  /** The seed's name for the model this attempt used. */
  get fallbackModel(): string {
    return this.model;
  }

  get success(): boolean {
    return this.outcome === 'success';
  }

  /** True when the attempt reached the provider (not skipped). */
  get sent(): boolean {
    return this.outcome !== 'skipped';
  }

  toJSON(): FallbackAttemptData {
    return {
      number: this.number,
      model: this.model,
      modelId: this.modelId,
      provider: this.provider,
      outcome: this.outcome,
      reason: this.reason,
      hedged: this.hedged,
      startTime: this.startTime,
      durationMs: this.durationMs,
      error: this.error ? stripRaw(this.error) : null,
      usage: this.usage,
    };
  }
}

/** `raw` is the provider's parsed body: useful in memory, but kept out of serialised records. */
function stripRaw(error: ErrorFact): ErrorFact {
  if (error.raw === undefined) return error;
  const { raw: _raw, ...rest } = error;
  return rest;
}
