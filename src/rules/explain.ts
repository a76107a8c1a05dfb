/**
 * Why a decision (or a plan) came out the way it did, for `detour explain`:
 * the facts run through json-rules-engine, the reference evaluator, and each
 * rule tried before the winner says which condition failed, with the fact's
 * value beside the expected one.
 */
import type { RuleResult } from 'json-rules-engine';
import type { Policy } from '../policy/types.js';
import { decideWithEngine } from './decide.js';
import { compiledRules } from './compile.js';
import { skipCoolingDown } from './cooling.js';
import { givenSession, isRequestOnly, normalizeGivenFacts } from './default-facts.js';
import { runEngine } from './engine.js';
import { compiledRoutes, sessionDefaults } from './plan.js';
import { mulberry32 } from './random.js';
import type { Decision, Facts, Plan } from './types.js';

/** A rule tried before the winner that did not match, and why. */
export interface RuleMiss {
  readonly name: string;
  readonly source: Decision['source'];
  readonly line: number | null;
  readonly why: string;
}

export interface DecisionExplanation {
  readonly mode: 'decision';
  readonly decision: Decision;
  readonly ruleLine: number | null;
  readonly rulePriority: number | null;
  /** The delay window; explain turns jitter off and reports its top. */
  readonly delay: { readonly minMs: number; readonly maxMs: number; readonly reason: string; readonly jittered: boolean };
  readonly notMatched: readonly RuleMiss[];
  /** How many policy and strategy rules were tried before the winner (`notMatched` shows the first few; untriggered gates and limits are left out). */
  readonly notMatchedCount: number;
  readonly facts: Facts;
  readonly defaulted: readonly string[];
}

export interface PlanExplanation {
  readonly mode: 'plan';
  readonly plan: Plan;
  /** The primary as the route (or policy) names it, before group resolution. */
  readonly primaryName: string;
  /** The plan's models in the order the session calls them (`state.cooling_down` ones last). */
  readonly calls: readonly string[];
  readonly routeLine: number | null;
  readonly notMatched: readonly RuleMiss[];
  readonly notMatchedCount: number;
  readonly facts: Facts;
}

export type Explanation = DecisionExplanation | PlanExplanation;

/** How many missed rules an explanation lists. @default 5 */
export const MISSES_SHOWN = 5;

type ConditionResult = Record<string, unknown> & { result?: boolean };

function show(value: unknown): string {
  if (value === undefined) return 'undefined';
  const text = JSON.stringify(value);
  return text.length > 80 ? `${text.slice(0, 77)}...` : text;
}

function describeFact(condition: ConditionResult): string {
  const value = condition['value'];
  const path = typeof condition['path'] === 'string' ? ` (path ${condition['path']})` : '';
  const expected =
    value !== null && typeof value === 'object' && 'fact' in value
      ? `${String((value as { fact: unknown }).fact)} (${show(condition['valueResult'])})`
      : show(value);
  return `${String(condition['fact'])}${path} ${String(condition['operator'])} ${expected}, but it is ${show(condition['factResult'])}`;
}

/** Why a json-rules-engine condition result is false (or, under `not`, true). */
export function whyFalse(condition: ConditionResult): string {
  if (Array.isArray(condition['all'])) {
    const failed = (condition['all'] as ConditionResult[]).find((part) => part.result === false);
    return failed ? whyFalse(failed) : 'a condition did not hold';
  }
  if (Array.isArray(condition['any'])) {
    const parts = (condition['any'] as ConditionResult[]).filter((part) => part.result === false);
    return `none of these holds: ${parts.map(whyFalse).join('; ')}`;
  }
  if (condition['not'] !== undefined) return `not(...) failed because its condition holds`;
  return describeFact(condition);
}

function misses(results: readonly { index: number; matched: boolean; result: RuleResult }[], before: number, lookup: (index: number) => { name: string; source: Decision['source']; line: number | null }): { list: RuleMiss[]; count: number } {
  // Gates and limits that did not trigger are noise; the rules a reader wrote (and the strategy's) are not.
  const failed = results
    .filter((entry) => !entry.matched && entry.index < before)
    .map((entry) => ({ ...lookup(entry.index), why: whyFalse(entry.result.conditions as unknown as ConditionResult) }))
    .filter((miss) => miss.source !== 'default');
  return { list: failed.slice(0, MISSES_SHOWN), count: failed.length };
}

/**
 * Explain the decision for a failure's facts (or, given only `request.*`
 * facts, the plan). Deterministic: jitter off (the delay reported is the top
 * of the jitter window), random choices seeded with 0, a fresh sticky store.
 *
 * @example
 * const explanation = await explain(policy, { 'error.kind': 'token_limit', 'error.status': 400 });
 * explanation.mode === 'decision' && explanation.decision.rule; // 'prompt-too-long'
 */
export async function explain(policy: Policy, given: Facts): Promise<Explanation> {
  const session = givenSession(policy, given);
  if (isRequestOnly(normalizeGivenFacts(given))) {
    const { requestFacts, plan } = session;
    const routes = compiledRoutes(policy);
    const outcome = await runEngine(routes.engine(), requestFacts);
    const winner = outcome.winner ?? routes.routes.length;
    const found = misses(outcome.results, winner, (index) => ({ name: routes.routes[index]?.name ?? 'default', source: 'rule', line: routes.routes[index]?.line ?? null }));
    return {
      mode: 'plan',
      plan,
      primaryName: sessionDefaults(policy, requestFacts).primary,
      calls: skipCoolingDown([plan.primary, ...plan.chain], (model) => session.coolingDown[model] ?? null),
      routeLine: routes.routes[winner]?.line ?? null,
      notMatched: found.list,
      notMatchedCount: found.count,
      facts: requestFacts,
    };
  }
  const { facts, defaulted } = session;
  const { detail, outcome } = await decideWithEngine(policy, facts, { random: mulberry32(0), jitter: false, plan: session.plan, coolingDown: session.coolingDown, recentFailures: session.recentFailures, turn: session.turn, waitedMs: session.waitedMs });
  const rules = compiledRules(policy, detail.session.strategy).rules;
  const found = misses(outcome.results, detail.rule.index, (index) => ({
    name: rules[index]?.name ?? String(index),
    source: rules[index]?.source ?? 'default',
    line: rules[index]?.line ?? null,
  }));
  return {
    mode: 'decision',
    decision: detail.decision,
    ruleLine: detail.rule.line,
    rulePriority: detail.rule.priority,
    delay: { minMs: detail.delay.minMs, maxMs: detail.delay.maxMs, reason: detail.delay.reason, jittered: policy.jitter },
    notMatched: found.list,
    notMatchedCount: found.count,
    facts: detail.facts,
    defaulted,
  };
}
