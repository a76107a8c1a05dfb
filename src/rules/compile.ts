/**
 * A policy compiled for decisions: the ordered list of named decision rules
 * (gates and limits, the policy's `rules` by priority then file order, the
 * eligibility gate, the strategy's rules), each with its condition compiled
 * to a closure and indexed by the `error.kind` values it needs. Cached per
 * Policy object (a reload makes a new object, so a new version compiles anew).
 */
import type { Engine } from 'json-rules-engine';
import type { Policy, Rule, StrategyType, TopLevelCondition } from '../policy/types.js';
import { compileCondition, conditionFacts, requiredKinds } from './condition.js';
import { FAILURE_OWN_FACT_NAMES, MAX_ATTEMPTS_FACT } from './facts.js';
import type { CompiledCondition } from './condition.js';
import type { DraftRule, RuleOutcome } from './draft-rule.js';
import { buildEngine } from './engine.js';
import { eligibilityGate, strategyRules } from './strategies.js';
import type { Decision, Facts } from './types.js';

/** One compiled decision path. `index` is its place in the evaluation order. */
export interface DecisionRule {
  readonly index: number;
  readonly name: string;
  readonly source: Decision['source'];
  readonly when: TopLevelCondition;
  readonly test: CompiledCondition;
  readonly outcome: RuleOutcome;
  readonly priority: number | null;
  readonly line: number | null;
}

/** The decision rules for one (policy, strategy) pair. */
export interface CompiledRules {
  readonly strategy: StrategyType;
  readonly rules: readonly DecisionRule[];
  /** Rules that can match this `error.kind`, in evaluation order. */
  candidates(kind: unknown): readonly DecisionRule[];
  /**
   * Whether a decision on a failure of this kind may read more than the
   * failure's own facts (`buildFailureOwnFacts`): a rule that can match it
   * tests a `request.*` or `stats.*` fact, or is a policy rule or a mapping,
   * whose models may be picked by the facts. False: the failure's own facts
   * decide exactly as all of them would.
   */
  needsAllFacts(kind: unknown): boolean;
  /**
   * Whether a decision on a failure of this kind is the same for the same
   * failure at the same point of a session: the failure's own facts decide
   * (`needsAllFacts` is false) and no rule that can match it reads what
   * differs between two such sessions, the clock (`session.elapsed_ms`) or the
   * request's estimated cost. Random draws are the caller's to watch.
   */
  repeatable(kind: unknown): boolean;
  /** The json-rules-engine Engine over the same rules (built on first use). */
  engine(): Engine;
}

export { MAX_ATTEMPTS_FACT };
/** Derived fact: attempts that went to `attempt.model` (see facts.ts). */
export const MODEL_ATTEMPTS_FACT = 'attempt.model_attempts';

function ruleDraft(rule: Rule): DraftRule {
  const retry = rule.then.retry;
  const when: TopLevelCondition =
    retry && !rule.then.fail
      ? { all: [rule.when, { fact: MODEL_ATTEMPTS_FACT, operator: 'lessThanInclusive', value: retry.times }] }
      : rule.when;
  return { name: rule.name, source: 'rule', when, outcome: { type: 'policy-rule', rule }, priority: rule.priority, line: rule.line };
}

/** Every decision path of `policy` under `strategy`, in evaluation order. */
export function decisionDrafts(policy: Policy, strategy: StrategyType): DraftRule[] {
  const drafts: DraftRule[] = [];
  if (!policy.enabled) {
    drafts.push({ name: 'gate:disabled', source: 'default', when: { all: [] }, outcome: { type: 'fail', reason: 'the policy is disabled' } });
  }
  drafts.push({
    name: 'gate:aborted',
    source: 'default',
    when: { all: [{ fact: 'error.kind', operator: 'equal', value: 'aborted' }] },
    outcome: { type: 'fail', reason: 'the caller aborted, which never falls back' },
  });
  drafts.push({
    name: 'limit:max_attempts',
    source: 'default',
    when: { all: [{ fact: 'session.attempts', operator: 'greaterThanInclusive', value: { fact: MAX_ATTEMPTS_FACT } }] },
    outcome: { type: 'fail', reason: 'max_attempts is reached' },
  });
  if (policy.deadlineMs !== null) {
    drafts.push({
      name: 'limit:deadline',
      source: 'default',
      when: { all: [{ fact: 'session.elapsed_ms', operator: 'greaterThanInclusive', value: policy.deadlineMs }] },
      outcome: { type: 'fail', reason: 'the session deadline has passed' },
    });
  }
  // Stable sort: equal priorities keep file order.
  const ordered = policy.rules.map((rule, position) => ({ rule, position }));
  ordered.sort((left, right) => right.rule.priority - left.rule.priority || left.position - right.position);
  for (const { rule } of ordered) drafts.push(ruleDraft(rule));
  const gate = eligibilityGate(policy);
  if (gate) drafts.push(gate);
  drafts.push(...strategyRules(policy, strategy));
  return drafts;
}

/** Own facts that differ between two sessions at the same point: the clock, and the cost of the session's request. */
const SESSION_VARYING_FACTS: ReadonlySet<string> = new Set(['session.elapsed_ms', 'session.estimated_cost']);

/** A rule that reads only the failure's own facts and picks no models by them (a fail, or the plan's chain). */
function decidesOnOwnFacts(rule: DecisionRule): boolean {
  const outcome = rule.outcome;
  if (outcome.type === 'policy-rule' || (outcome.type === 'chain' && outcome.mapped !== null)) return false;
  for (const fact of conditionFacts(rule.when)) if (!FAILURE_OWN_FACT_NAMES.has(fact)) return false;
  return true;
}

function compileRules(policy: Policy, strategy: StrategyType): CompiledRules {
  const rules: DecisionRule[] = decisionDrafts(policy, strategy).map((draft, index) => ({
    index,
    name: draft.name,
    source: draft.source,
    when: draft.when,
    test: compileCondition(draft.when),
    outcome: draft.outcome,
    priority: draft.priority ?? null,
    line: draft.line ?? null,
  }));
  const kindSets = rules.map((rule) => requiredKinds(rule.when));
  const anyKind = rules.filter((_, index) => kindSets[index] === null);
  const byKind = new Map<string, DecisionRule[]>();
  for (const kinds of kindSets) for (const kind of kinds ?? []) byKind.set(kind, []);
  for (const [kind, list] of byKind) {
    rules.forEach((rule, index) => {
      const kinds = kindSets[index];
      if (kinds === null || kinds?.has(kind)) list.push(rule);
    });
  }
  const candidates = (kind: unknown): readonly DecisionRule[] => (typeof kind === 'string' ? byKind.get(kind) : undefined) ?? anyKind;
  const ownFactsDecide = new Map<unknown, boolean>();
  const sameEverySession = new Map<unknown, boolean>();
  let engine: Engine | null = null;
  const needsAllFacts = (kind: unknown): boolean => {
    let own = ownFactsDecide.get(kind);
    if (own === undefined) {
      own = candidates(kind).every(decidesOnOwnFacts);
      ownFactsDecide.set(kind, own);
    }
    return !own;
  };
  return {
    strategy,
    rules,
    candidates,
    needsAllFacts,
    repeatable: (kind) => {
      let same = sameEverySession.get(kind);
      if (same === undefined) {
        same = !needsAllFacts(kind) && candidates(kind).every((rule) => ![...conditionFacts(rule.when)].some((fact) => SESSION_VARYING_FACTS.has(fact)));
        sameEverySession.set(kind, same);
      }
      return same;
    },
    engine: () => (engine ??= buildEngine(rules)),
  };
}

const compiled = new WeakMap<Policy, Map<StrategyType, CompiledRules>>();

/**
 * The compiled decision rules of a policy for a strategy (the policy's own,
 * or a route's `strategy_type`). Compiled once per Policy object.
 *
 * @example
 * compiledRules(policy, policy.strategyType).rules.map((rule) => rule.name);
 */
export function compiledRules(policy: Policy, strategy: StrategyType = policy.strategyType): CompiledRules {
  let perStrategy = compiled.get(policy);
  if (!perStrategy) {
    perStrategy = new Map();
    compiled.set(policy, perStrategy);
  }
  let rules = perStrategy.get(strategy);
  if (!rules) {
    rules = compileRules(policy, strategy);
    perStrategy.set(strategy, rules);
  }
  return rules;
}

/** The first rule in evaluation order whose condition holds (the fast path). */
export function firstMatch(rules: CompiledRules, facts: Facts): DecisionRule | null {
  for (const rule of rules.candidates(facts['error.kind'])) if (rule.test(facts)) return rule;
  return null;
}
