import type { FallbackSession } from './FallbackSession.js';

/** Per-model counters. */
export interface ModelStats {
  /** Attempts sent to this model. */
  readonly attempts: number;
  readonly successes: number;
  readonly failures: number;
  /** Attempts that lost a race or were cancelled. */
  readonly aborted: number;
  /** Times it was skipped (cooldown, circuit open, context window). */
  readonly skipped: number;
  readonly averageDurationMs: number;
}

/**
 * The seed's stats, plus breakdowns. Rates are 0..1; all zero before the first session.
 *
 * @example
 * const stats = executor.stats()
 * console.log(`${(stats.successRate * 100).toFixed(1)}% ok, ${stats.averageAttempts.toFixed(1)} attempts`)
 */
export interface FallbackStatsSnapshot {
  readonly totalSessions: number;
  readonly successfulSessions: number;
  readonly failedSessions: number;
  readonly successRate: number;
  /** Share of sessions that needed more than their first model. */
  readonly fallbackRate: number;
  /** Attempts sent per session. */
  readonly averageAttempts: number;
  readonly byModel: Readonly<Record<string, ModelStats>>;
  /** Failed attempts by error kind. */
  readonly byErrorKind: Readonly<Record<string, number>>;
  /** Ended sessions by outcome (`success`, `exhausted`, `deadline`, …). */
  readonly byOutcome: Readonly<Record<string, number>>;
}

interface MutableModelStats {
  attempts: number;
  successes: number;
  failures: number;
  aborted: number;
  skipped: number;
  totalDurationMs: number;
}

/**
 * Running counters over every session recorded since the last reset. O(1)
 * per attempt; independent of the history's size.
 */
export class FallbackStats {
  private totalSessions = 0;
  private successfulSessions = 0;
  private fellBack = 0;
  private totalAttempts = 0;
  private readonly models = new Map<string, MutableModelStats>();
  private readonly errorKinds = new Map<string, number>();
  private readonly outcomes = new Map<string, number>();

  record(session: FallbackSession): void {
    this.totalSessions++;
    if (session.success) this.successfulSessions++;
    if (session.usedFallback) this.fellBack++;
    this.outcomes.set(session.outcome, (this.outcomes.get(session.outcome) ?? 0) + 1);
    for (const attempt of session.attempts) {
      let model = this.models.get(attempt.model);
      if (model === undefined) {
        model = { attempts: 0, successes: 0, failures: 0, aborted: 0, skipped: 0, totalDurationMs: 0 };
        this.models.set(attempt.model, model);
      }
      switch (attempt.outcome) {
        case 'skipped':
          model.skipped++;
          continue;
        case 'success':
          model.successes++;
          break;
        case 'failure':
          model.failures++;
          if (attempt.error) this.errorKinds.set(attempt.error.kind, (this.errorKinds.get(attempt.error.kind) ?? 0) + 1);
          break;
        case 'aborted':
          model.aborted++;
          break;
      }
      model.attempts++;
      model.totalDurationMs += attempt.durationMs;
      this.totalAttempts++;
    }
  }

  snapshot(): FallbackStatsSnapshot {
    const total = this.totalSessions;
    const byModel: Record<string, ModelStats> = {};
    for (const [name, model] of this.models) {
      byModel[name] = {
        attempts: model.attempts,
        successes: model.successes,
        failures: model.failures,
        aborted: model.aborted,
        skipped: model.skipped,
        averageDurationMs: model.attempts === 0 ? 0 : model.totalDurationMs / model.attempts,
      };
    }
    return {
      totalSessions: total,
      successfulSessions: this.successfulSessions,
      failedSessions: total - this.successfulSessions,
      successRate: total === 0 ? 0 : this.successfulSessions / total,
      fallbackRate: total === 0 ? 0 : this.fellBack / total,
      averageAttempts: total === 0 ? 0 : this.totalAttempts / total,
      byModel,
      byErrorKind: Object.fromEntries(this.errorKinds),
      byOutcome: Object.fromEntries(this.outcomes),
    };
  }

  reset(): void {
    this.totalSessions = 0;
    this.successfulSessions = 0;
    this.fellBack = 0;
    this.totalAttempts = 0;
    this.models.clear();
    this.errorKinds.clear();
    this.outcomes.clear();
  }
}
