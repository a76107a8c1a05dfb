/**
 * Turning the rule that matched into the next models: a policy rule's
 * `fallback` list (kept even when already tried — the rule named them), a
 * `retry` of the failed model, or the strategy's chain with tried models
 * skipped. Names resolve to models exactly as the session's plan resolved
 * them (`groups.ts`): a group the plan already picked keeps its member, a
 * `sequential` group stands for all its members, a `random` group not yet
 * picked is picked from the decision's random stream.
 */
import type { Policy, StrategyType } from '../policy/types.js';
import type { DecisionRule } from './compile.js';
import { resolveModels } from './groups.js';
import type { PickContext } from './groups.js';
import { isFixedPlan, planRequest, sessionDefaults } from './plan.js';
import type { StickyStore } from './sticky-store.js';
import { weightedOrder, weightedPick } from './random.js';
import { MemoryStickyStore } from './sticky.js';
import type { Decision, Facts, Plan } from './types.js';

/** What the session runs: its plan, and the plan's models in order. */
export interface SessionContext {
  readonly plan: Plan;
  readonly route: string | null;
  /** The session's models, primary first, groups resolved. */
  readonly order: readonly string[];
  readonly maxAttempts: number;
  readonly strategy: StrategyType;
}

const fixedPlans = new WeakMap<Policy, Map<string, Plan>>();
/** A plan's context, worked out once per plan (a session decides after each failure). */
const contexts = new WeakMap<Plan, SessionContext>();

function contextOf(plan: Plan): SessionContext {
  let context = contexts.get(plan);
  if (context === undefined) {
    context = { plan, route: plan.route, order: [plan.primary, ...plan.chain], maxAttempts: plan.maxAttempts, strategy: plan.strategy };
    contexts.set(plan, context);
  }
  return context;
}

/**
 * The session context from a Plan, or (without one) the plan the
 * `request.*` facts give, planned from `seed` with a fresh sticky store —
 * what `detour explain` and `detour test` assume of a session.
 */
export function sessionContext(policy: Policy, facts: Facts, plan: Plan | undefined, seed = 0, turn?: (key: string) => number): SessionContext {
  if (plan) return contextOf(plan);
  const defaults = sessionDefaults(policy, facts);
  if (!isFixedPlan(policy, defaults)) {
    return contextOf(planRequest(policy, facts, { seed, sticky: new MemoryStickyStore(), now: () => 0, ...(turn === undefined ? {} : { turn }) }));
  }
  let perKey = fixedPlans.get(policy);
  if (!perKey) {
    perKey = new Map();
    fixedPlans.set(policy, perKey);
  }
  const key = `${defaults.route ?? ''}\u0000${defaults.primary}`;
  let fixed = perKey.get(key);
  if (!fixed) {
    fixed = planRequest(policy, facts, { seed: 0 });
    perKey.set(key, fixed);
  }
  return contextOf(fixed);
}

/** How a decision picks members of groups its plan did not pick. */
export interface ChoiceContext {
  readonly random: () => number;
  readonly now: () => number;
  readonly sticky: StickyStore;
  readonly turn?: (key: string) => number;
}

export interface NextModels {
  readonly action: Decision['action'];
  readonly models: readonly string[];
  readonly delayOverrideMs: number | null;
  readonly cooldownMs: number | null;
  readonly strategy: StrategyType;
  /** Why the session fails, for the explanation (fail only). */
  readonly reason: string | null;
}

function untried(models: readonly string[], facts: Facts): string[] {
  const tried: readonly unknown[] = Array.isArray(facts['session.tried']) ? facts['session.tried'] : [];
  const failed = facts['attempt.model'];
  return models.filter((model) => model !== failed && !tried.includes(model));
}

function resolveNames(policy: Policy, names: readonly string[], facts: Facts, session: SessionContext, choice: ChoiceContext): string[] {
  const context: PickContext = { policyName: policy.name, facts, random: choice.random, now: choice.now, sticky: choice.sticky, ...(choice.turn === undefined ? {} : { turn: choice.turn }) };
  return resolveModels(policy, names, { ...session.plan.groupChoices }, context);
}

function chainModels(policy: Policy, mapped: readonly string[] | null, restOfChain: boolean, facts: Facts, session: SessionContext, choice: ChoiceContext): string[] {
  if (mapped === null) return restOfChain ? untried(session.order, facts) : [];
  const head = resolveNames(policy, mapped, facts, session, choice);
  if (!restOfChain) return untried(head, facts);
  const seen = new Set(head);
  return untried([...head, ...session.order.filter((model) => !seen.has(model))], facts);
}

function fallback(policy: Policy, facts: Facts, models: string[], extra: Partial<NextModels> & Pick<NextModels, 'strategy'>): NextModels {
  if (models.length === 0) {
    return { action: 'fail', models, delayOverrideMs: null, cooldownMs: extra.cooldownMs ?? null, strategy: extra.strategy, reason: 'every model in the chain has been tried' };
  }
  return {
    action: 'fallback',
    models,
    delayOverrideMs: extra.delayOverrideMs ?? null,
    cooldownMs: extra.cooldownMs ?? null,
    strategy: extra.strategy,
    reason: null,
  };
}

/**
 * `retry: { repick: true }`: another member of the group the session picked
 * `model` from, by weight (nested groups resolved); the model itself when it
 * was not picked from a group, or is the group's only member.
 */
function repick(policy: Policy, model: string, facts: Facts, session: SessionContext, choice: ChoiceContext): string {
  const choices = session.plan.groupChoices;
  const group = Object.keys(choices).find((name) => resolveNames(policy, [choices[name] as string], facts, session, choice).includes(model));
  const config = group === undefined ? undefined : policy.groups[group];
  if (config === undefined) return model;
  const others = config.members.filter((member) => !resolveNames(policy, [member], facts, session, choice).includes(model));
  const member = weightedPick(others, config.weights, choice.random);
  return member === undefined ? model : (resolveNames(policy, [member], facts, session, choice)[0] ?? model);
}

/**
 * The action and next models the matched rule calls for. A rule's
 * `strategy: random` shuffles its models with the decision's random stream
 * (the strategy's own chain was shuffled once, in the plan).
 *
 * @example
 * resolveNext(policy, rule, facts, session, choice).models; // ['gpt-3.5-turbo', 'claude-instant']
 */
export function resolveNext(policy: Policy, rule: DecisionRule, facts: Facts, session: SessionContext, choice: ChoiceContext): NextModels {
  const outcome = rule.outcome;
  if (outcome.type === 'fail') {
    return { action: 'fail', models: [], delayOverrideMs: null, cooldownMs: null, strategy: session.strategy, reason: outcome.reason };
  }
  if (outcome.type === 'chain') {
    return fallback(policy, facts, chainModels(policy, outcome.mapped, outcome.restOfChain, facts, session, choice), { strategy: session.strategy });
  }
  const then = outcome.rule.then;
  const strategy = then.strategy ?? session.strategy;
  if (then.fail) {
    return { action: 'fail', models: [], delayOverrideMs: null, cooldownMs: then.cooldownMs, strategy, reason: 'the rule says fail' };
  }
  if (then.retry) {
    const model = facts['attempt.model'];
    const again = typeof model === 'string' ? (then.retry.repick === true ? repick(policy, model, facts, session, choice) : model) : null;
    return {
      action: 'retry',
      models: again === null ? [] : [again],
      delayOverrideMs: then.retry.delayMs ?? then.delayMs,
      cooldownMs: then.cooldownMs,
      strategy,
      reason: null,
    };
  }
  const listed = then.fallback ? resolveNames(policy, then.fallback, facts, session, choice) : chainModels(policy, null, true, facts, session, choice);
  const models = then.strategy === 'random' ? weightedOrder(listed, policy.weights, choice.random) : listed;
  return fallback(policy, facts, models, { strategy, delayOverrideMs: then.delayMs, cooldownMs: then.cooldownMs });
}
