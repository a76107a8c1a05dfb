/**
 * Routes and the session plan (`routes` in a policy): evaluated once per
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
import { needsPicks, resolveModels } from './groups.js';
import { drawSeed, stepRandom, weightedOrder } from './random.js';
import type { MemberFigures } from './groups.js';
import { defaultStickyStore } from './sticky.js';
import type { StickyStore } from './sticky-store.js';
import type { Facts, Plan } from './types.js';

export type { StickyStore } from './sticky-store.js';

export interface PlanOptions {
  /** The session's seed: every random choice of the session derives from it (see `stepRandom`). @default drawn from `random` */
  readonly seed?: number;
  /** Where a seed is drawn from when none is given. @default Math.random */
  readonly random?: () => number;
  /** Milliseconds since the epoch; default Date.now. */
  readonly now?: () => number;
  /** Where sticky choices live. @default a per-process in-memory LRU store */
  readonly sticky?: StickyStore;
  /** A round-robin group's turn for this session (0, 1, 2, …). @default always 0 */
  readonly turn?: (key: string) => number;
  /** Live figures for the statistic group strategies. @default none: they take the first member */
  readonly figures?: MemberFigures;
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
 * A disabled policy calls the primary only. When no route matched and the
 * caller asked for a model or group of the policy (`request.model`), it goes
 * first and the policy's primary becomes the first fallback.
 */
export function sessionDefaults(policy: Policy, facts: Facts): SessionDefaults {
  const route = policy.routes.length > 0 ? matchRoute(policy, facts) : null;
  const then = route?.then;
  let primary = then?.primaryModel ?? policy.primaryModel;
  let fallbacks = policy.enabled ? (then?.fallbackModels ?? policy.fallbackModels) : [];
  const requested = facts['request.model'];
  if (route === null && typeof requested === 'string' && requested !== primary && (policy.models[requested] !== undefined || policy.groups[requested] !== undefined)) {
    fallbacks = [primary, ...fallbacks].filter((name) => name !== requested);
    primary = requested;
  }
  return {
    route: route?.name ?? null,
    primary,
    fallbacks,
    maxAttempts: policy.enabled ? (then?.maxAttempts ?? policy.maxAttempts) : 1,
    strategy: then?.strategyType ?? policy.strategyType,
  };
}

/**
 * Choose a session's plan from `request.*` facts: routes first (first match
 * wins), then the policy's default. Names resolve to models as in
 * `groups.ts` (a `sequential` group is all its members in order, a `random`
 * group one member per session, `sticky` keeps a key on its member for the
 * ttl); the chain drops repeats; a `random` strategy orders the chain by a
 * weighted shuffle (`weights`), once per session. Every random choice comes
 * from the session's seed (`options.seed`, else drawn from `options.random`),
 * so the same seed plans the same session.
 *
 * @example
 * const plan = planRequest(policy, buildRequestFacts({ metadata: { region: 'EU' } }));
 * plan.route;   // 'eu-users-stay-in-eu'
 * plan.primary; // 'claude-instant'
 */
export function planRequest(policy: Policy, requestFacts: Facts, options: PlanOptions = {}): Plan {
  const defaults = sessionDefaults(policy, requestFacts);
  const seed = options.seed ?? drawSeed(options.random ?? Math.random);
  const context = {
    policyName: policy.name,
    facts: requestFacts,
    random: stepRandom(seed, 0),
    now: options.now ?? Date.now,
    sticky: options.sticky ?? defaultStickyStore,
    ...(options.turn === undefined ? {} : { turn: options.turn }),
    ...(options.figures === undefined ? {} : { figures: options.figures }),
  };
  const groupChoices: Record<string, string> = {};
  const [primary = defaults.primary, ...rest] = resolveModels(policy, [defaults.primary, ...defaults.fallbacks], groupChoices, context);
  const chain = defaults.strategy === 'random' ? weightedOrder(rest, policy.weights, context.random) : rest;
  return { route: defaults.route, primary, chain, maxAttempts: defaults.maxAttempts, strategy: defaults.strategy, groupChoices, seed };
}

/** True when a plan for these defaults draws nothing at random (no random group, no random strategy). */
export function isFixedPlan(policy: Policy, defaults: SessionDefaults): boolean {
  return defaults.strategy !== 'random' && !needsPicks(policy, [defaults.primary, ...defaults.fallbacks]);
}
