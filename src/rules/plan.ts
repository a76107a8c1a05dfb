/**
 * Routes and the session plan (DESIGN §2 `routes`): evaluated once per
 * request on `request.*` facts, before the first attempt. The first route
 * whose `when` holds chooses the plan; no route: the policy's default
 * (`primary_model`, `fallback_models`, `max_attempts`, `strategy_type`).
 * Groups resolve to one member each (see `groups.ts`).
 */
import type { Engine } from 'json-rules-engine';
import type { Policy, RoutePlan, StrategyType, TopLevelCondition } from '../policy/types.js';
import { compileCondition } from './condition.js';
import type { CompiledCondition } from './condition.js';
import { buildEngine } from './engine.js';
import { pickGroupMember } from './groups.js';
import { weightedOrder } from './random.js';
import { defaultStickyStore } from './sticky.js';
import type { Facts, Plan } from './types.js';

/** Remembers sticky group choices: key → member until expiry. */
export interface StickyStore {
  get(key: string): { readonly member: string; readonly expiresAt: number } | undefined;
  set(key: string, value: { readonly member: string; readonly expiresAt: number }): void;
}

export interface PlanOptions {
  /** Uniform [0, 1) source for weighted group picks and random chains. @default Math.random */
  readonly random?: () => number;
  /** Milliseconds since the epoch; default Date.now. */
  readonly now?: () => number;
  /** Where sticky choices live. @default a per-process in-memory LRU store */
  readonly sticky?: StickyStore;
}

/** A compiled route. */
export interface CompiledRoute {
  readonly index: number;
  readonly name: string;
  readonly when: TopLevelCondition;
  readonly test: CompiledCondition;
  readonly then: RoutePlan;
  readonly line: number | null;
}

export interface CompiledRoutes {
  readonly routes: readonly CompiledRoute[];
  /** json-rules-engine over the routes, then a `default` rule that always matches. */
  engine(): Engine;
}

const routeCache = new WeakMap<Policy, CompiledRoutes>();

/** The policy's routes, compiled once per Policy object. */
export function compiledRoutes(policy: Policy): CompiledRoutes {
  let compiled = routeCache.get(policy);
  if (!compiled) {
    const routes = policy.routes.map((route, index) => ({
      index,
      name: route.name,
      when: route.when,
      test: compileCondition(route.when),
      then: route.then,
      line: route.line,
    }));
    let engine: Engine | null = null;
    compiled = {
      routes,
      engine: () => (engine ??= buildEngine([...routes, { index: routes.length, name: 'default', when: { all: [] } }])),
    };
    routeCache.set(policy, compiled);
  }
  return compiled;
}

/** The first route whose `when` holds for these facts, or null. */
export function matchRoute(policy: Policy, facts: Facts): CompiledRoute | null {
  for (const route of compiledRoutes(policy).routes) if (route.test(facts)) return route;
  return null;
}

/** A session's plan before groups are resolved: what the route (or the policy) says. */
export interface SessionDefaults {
  readonly route: string | null;
  readonly primary: string;
  readonly fallbacks: readonly string[];
  readonly maxAttempts: number;
  readonly strategy: StrategyType;
}

/**
 * The route's (or the policy's) models, budget and strategy for these facts.
 * A disabled policy calls the primary only.
 */
export function sessionDefaults(policy: Policy, facts: Facts): SessionDefaults {
  const route = policy.routes.length > 0 ? matchRoute(policy, facts) : null;
  const then = route?.then;
  return {
    route: route?.name ?? null,
    primary: then?.primaryModel ?? policy.primaryModel,
    fallbacks: policy.enabled ? (then?.fallbackModels ?? policy.fallbackModels) : [],
    maxAttempts: policy.enabled ? (then?.maxAttempts ?? policy.maxAttempts) : 1,
    strategy: then?.strategyType ?? policy.strategyType,
  };
}

/**
 * Choose a session's plan from `request.*` facts: routes first (first match
 * wins), then the policy's default. Groups resolve to one member (weighted,
 * or the first for `sequential` groups; `sticky` keeps a key on its member
 * for the ttl); the chain drops the primary and repeats; a `random` strategy
 * orders the chain by a weighted shuffle (`weights`), once per session.
 *
 * @example
 * const plan = planRequest(policy, buildRequestFacts({ metadata: { region: 'EU' } }));
 * plan.route;   // 'eu-users-stay-in-eu'
 * plan.primary; // 'claude-instant'
 */
export function planRequest(policy: Policy, requestFacts: Facts, options: PlanOptions = {}): Plan {
  const defaults = sessionDefaults(policy, requestFacts);
  const context = {
    policyName: policy.name,
    facts: requestFacts,
    random: options.random ?? Math.random,
    now: options.now ?? Date.now,
    sticky: options.sticky ?? defaultStickyStore,
  };
  const groupChoices: Record<string, string> = {};
  const resolve = (name: string): string => {
    const group = policy.groups[name];
    if (!group) return name;
    const chosen = groupChoices[name] ?? pickGroupMember(group, context);
    groupChoices[name] = chosen;
    return chosen;
  };
  const primary = resolve(defaults.primary);
  const seen = new Set([primary]);
  let chain: string[] = [];
  for (const name of defaults.fallbacks) {
    const model = resolve(name);
    if (seen.has(model)) continue;
    seen.add(model);
    chain.push(model);
  }
  if (defaults.strategy === 'random') chain = weightedOrder(chain, policy.weights, context.random);
  return { route: defaults.route, primary, chain, maxAttempts: defaults.maxAttempts, strategy: defaults.strategy, groupChoices };
}
