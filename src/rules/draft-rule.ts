/**
 * One named decision path before compilation: a policy rule, a gate, a limit
 * or one step of a strategy. `compile.ts` turns these into `DecisionRule`s.
 */
import type { Rule, TopLevelCondition } from '../policy/types.js';
import type { Decision } from './types.js';

/** What a decision path does once its condition holds. */
export type RuleOutcome =
  /** The session ends here. */
  | { readonly type: 'fail'; readonly reason: string }
  /** A policy rule's `then`. */
  | { readonly type: 'policy-rule'; readonly rule: Rule }
  /**
   * The strategy's chain: `mapped` models first (null: none), then the rest
   * of the session's chain when `restOfChain`; tried models skipped.
   */
  | { readonly type: 'chain'; readonly mapped: readonly string[] | null; readonly restOfChain: boolean };

export interface DraftRule {
  readonly name: string;
  readonly source: Decision['source'];
  readonly when: TopLevelCondition;
  readonly outcome: RuleOutcome;
  /** A policy rule's own priority and line, for explanations. */
  readonly priority?: number;
  readonly line?: number | null;
}
