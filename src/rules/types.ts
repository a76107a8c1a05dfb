import type { StrategyType } from '../policy/types.js';

/** The flat dotted facts rules test (`error.kind`, `attempt.model`, `request.metadata.tier`, …). */
export type Facts = Readonly<Record<string, unknown>>;

export type DecisionAction = 'fallback' | 'retry' | 'fail';

/** What runs next after a failure, and which rule said so. */
export interface Decision {
  readonly action: DecisionAction;
  /** Models to try next, in order (already tried ones skipped unless a rule names them). */
  readonly next: readonly string[];
  /** Wait before the next attempt. */
  readonly delayMs: number;
  /** Skip the failed model in new sessions for this long. */
  readonly cooldownMs: number | null;
  /** The rule that decided: a policy rule's name, or a strategy rule like `strategy:sequential`. */
  readonly rule: string;
  readonly source: 'rule' | 'strategy' | 'default';
  /** How to run `next` (a rule's `strategy`, else the policy's). */
  readonly strategy: StrategyType;
  /** One human sentence: why (written when first read). */
  readonly explanation: string;
}

/** The models a session starts with, chosen before the first call. */
export interface Plan {
  /** The route that chose this plan, or null for the policy's default. */
  readonly route: string | null;
  /** Model (catalog key) for the first attempt; groups already resolved to a member. */
  readonly primary: string;
  /** The rest, in order, groups resolved. */
  readonly chain: readonly string[];
  readonly maxAttempts: number;
  readonly strategy: StrategyType;
  /** Group name → member chosen, for records and telemetry (and for rules that name the group again). */
  readonly groupChoices: Readonly<Record<string, string>>;
  /**
   * The session's seed: the plan's random choices and each decision's
   * (`stepRandom(seed, session.attempts)`) derive from it, so `detour explain`
   * with `random_seed` replays them.
   */
  readonly seed: number;
}
