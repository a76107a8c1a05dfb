import type { ErrorFact } from '../errors/kinds.js';
import type { CircuitBreakerConfig, Policy } from '../policy/types.js';
import { countCooldownMs } from '../rules/count-cooldown.js';
import { cooldownKey } from './StateStore.js';
import type { StateStore, TripRule } from './StateStore.js';

const tripRules = new WeakMap<CircuitBreakerConfig, TripRule>();

/** The store's trip rule for a policy's `circuit_breaker`. */
function tripRuleOf(breaker: CircuitBreakerConfig): TripRule {
  let rule = tripRules.get(breaker);
  if (rule === undefined) {
    rule = {
      windowMs: breaker.windowMs,
      minRequests: breaker.minRequests,
      minFailures: 1,
      failureRate: breaker.failureRate,
      openForMs: breaker.openForMs,
      probes: breaker.halfOpenProbes,
    };
    tripRules.set(breaker, rule);
  }
  return rule;
}

/** Round-robin turns are remembered this long after a group's last use. */
const TURN_TTL_MS = 3_600_000;

/**
 * Applies a policy's `circuit_breaker`, `cooldown_after` and decisions'
 * cooldowns to the shared StateStore, and answers "is this model cooling
 * down?" for new sessions.
 */
export class Cooldowns {
  constructor(readonly store: StateStore) {}

  /** A round-robin group's next turn (0, 1, 2, …), shared through the store. */
  turn(key: string, now: number = Date.now()): number {
    return this.store.increment(`turn:${key}`, now, TURN_TTL_MS) - 1;
  }

  /** When the model's cooldown (or open circuit) ends, or null. */
  until(policy: Policy, model: string, now: number): number | null {
    return this.store.cooldownUntil(cooldownKey(policy.name, model), now);
  }

  /** The model is about to be called: a half-open circuit spends one of its probes. */
  admit(policy: Policy, model: string, now: number): void {
    if (policy.circuitBreaker !== null && policy.circuitBreaker.halfOpenProbes > 0) this.store.admit(cooldownKey(policy.name, model), now);
  }

  /** A decision's `cooldown`: skip the model in new sessions for `cooldownMs`. */
  coolDown(policy: Policy, model: string, cooldownMs: number, now: number): void {
    if (cooldownMs > 0) this.store.setCooldown(cooldownKey(policy.name, model), now + cooldownMs);
  }

  /**
   * Count a failure toward the model's `cooldown_after` windows; a window that
   * reaches its count cools the model down (and starts afresh). With a shared
   * store, the failures of every process count together.
   */
  countFailure(policy: Policy, model: string, error: ErrorFact, now: number): void {
    if (policy.cooldownAfter === undefined && policy.models[model]?.cooldownAfter === undefined) return;
    const key = cooldownKey(policy.name, model);
    const cooldownMs = countCooldownMs(policy, model, error.kind, (index, entry) => {
      const rule: TripRule = { windowMs: entry.withinMs, minRequests: 1, minFailures: entry.failures, failureRate: 0, openForMs: entry.forMs, probes: 0, coolKey: key };
      return this.store.recordResult(`${key}#cooldown_after:${index}`, true, now, rule) ? entry.failures : 0;
    });
    if (cooldownMs !== null) this.coolDown(policy, model, cooldownMs, now);
  }

  /**
   * Count an attempt's result toward the model's breaker. Only kinds (and
   * statuses) in the breaker's `on` count as failures; aborted attempts
   * (losers, cancelled) are not counted at all. Returns true when this result
   * opened the breaker here (a shared store may open it on the server).
   */
  recordResult(policy: Policy, model: string, error: ErrorFact | null, now: number): boolean {
    const breaker = policy.circuitBreaker;
    if (breaker === null) return false;
    if (error !== null && error.kind === 'aborted') return false;
    const failed =
      error !== null &&
      (breaker.on.length === 0 || breaker.on.includes(error.kind) || breaker.on.includes(error.type) || (error.status !== null && breaker.onStatus?.includes(error.status) === true));
    return this.store.recordResult(cooldownKey(policy.name, model), failed, now, tripRuleOf(breaker));
  }
}
