/**
 * Turning the rule that matched into the next models: a policy rule's
 * `fallback` list (kept even when already tried — the rule named them), a
 * `retry` of the failed model, or the strategy's chain with tried models
 * skipped. Groups expand to all their members in order.
 */
import type { Policy, StrategyType } from '../policy/types.js';
import type { DecisionRule } from './compile.js';
import { expandModels } from './groups.js';
import { sessionDefaults } from './plan.js';
import { weightedOrder } from './random.js';
import type { Decision, Facts, Plan } from './types.js';

/** What the session runs: its models in plan order, budget and strategy. */
export interface SessionContext {
  readonly route: string | null;
  /** The session's models, primary first, groups resolved or expanded. */
  readonly order: readonly string[];
  readonly maxAttempts: number;
  readonly strategy: StrategyType;
  /** True when the order came from a Plan (a `random` chain is then already shuffled for the session). */
  readonly fromPlan: boolean;
}

const orderCache = new WeakMap<Policy, Map<string, readonly string[]>>();

/**
 * The session context from a Plan, or (without one) from the route the
 * `request.*` facts select, groups expanded to every member.
 */
export function sessionContext(policy: Policy, facts: Facts, plan: Plan | undefined): SessionContext {
  if (plan) {
    return { route: plan.route, order: [plan.primary, ...plan.chain], maxAttempts: plan.maxAttempts, strategy: plan.strategy, fromPlan: true };
  }
  const defaults = sessionDefaults(policy, facts);
  let perRoute = orderCache.get(policy);
  if (!perRoute) {
    perRoute = new Map();
    orderCache.set(policy, perRoute);
  }
  const key = defaults.route ?? '';
  let order = perRoute.get(key);
  if (!order) {
    order = expandModels(policy, [defaults.primary, ...defaults.fallbacks]);
    perRoute.set(key, order);
  }
  return { route: defaults.route, order, maxAttempts: defaults.maxAttempts, strategy: defaults.strategy, fromPlan: false };
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
  const tried = facts['session.tried'];
  const failed = facts['attempt.model'];
  const skip = new Set<unknown>(Array.isArray(tried) ? tried : []);
  skip.add(failed);
  return models.filter((model) => !skip.has(model));
}

function chainModels(policy: Policy, mapped: readonly string[] | null, restOfChain: boolean, facts: Facts, session: SessionContext): string[] {
  const head = mapped ? expandModels(policy, mapped) : [];
  return untried(expandModels(policy, restOfChain ? [...head, ...session.order] : head), facts);
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
 * The action and next models the matched rule calls for.
 *
 * @example
 * resolveNext(policy, rule, facts, session, Math.random).models; // ['gpt-3.5-turbo', 'claude-instant']
 */
export function resolveNext(policy: Policy, rule: DecisionRule, facts: Facts, session: SessionContext, random: () => number): NextModels {
  const outcome = rule.outcome;
  if (outcome.type === 'fail') {
    return { action: 'fail', models: [], delayOverrideMs: null, cooldownMs: null, strategy: session.strategy, reason: outcome.reason };
  }
  const shuffle = (models: string[], strategy: StrategyType): string[] =>
    strategy === 'random' && !session.fromPlan ? weightedOrder(models, policy.weights, random) : models;
  if (outcome.type === 'chain') {
    return fallback(policy, facts, shuffle(chainModels(policy, outcome.mapped, outcome.restOfChain, facts, session), session.strategy), {
      strategy: session.strategy,
    });
  }
  const then = outcome.rule.then;
  const strategy = then.strategy ?? session.strategy;
  if (then.fail) {
    return { action: 'fail', models: [], delayOverrideMs: null, cooldownMs: then.cooldownMs, strategy, reason: 'the rule says fail' };
  }
  if (then.retry) {
    const model = facts['attempt.model'];
    return {
      action: 'retry',
      models: typeof model === 'string' ? [model] : [],
      delayOverrideMs: then.retry.delayMs ?? then.delayMs,
      cooldownMs: then.cooldownMs,
      strategy,
      reason: null,
    };
  }
  const models = then.fallback ? shuffle(expandModels(policy, then.fallback), strategy) : shuffle(chainModels(policy, null, true, facts, session), strategy);
  return fallback(policy, facts, models, { strategy, delayOverrideMs: then.delayMs, cooldownMs: then.cooldownMs });
}
