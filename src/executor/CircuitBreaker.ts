import type { ErrorFact } from '../errors/kinds.js';
import type { Policy } from '../policy/types.js';
import { countCooldownMs } from '../rules/count-cooldown.js';
import { HalfOpen } from './HalfOpen.js';
import { cooldownKey } from './StateStore.js';
import type { StateStore } from './StateStore.js';

/**
 * Applies a policy's `circuit_breaker` and decisions' cooldowns to the shared
 * StateStore, and answers "is this model cooling down?" for new sessions.
 */
export class Cooldowns {
  private readonly localTurns = new Map<string, number>();
  private readonly halfOpen: HalfOpen;

  constructor(private readonly store: StateStore) {
    this.halfOpen = new HalfOpen(store);
  }

  /** A round-robin group's next turn (0, 1, 2, …), shared through the store when it counts. */
  turn(key: string): number {
    if (this.store.increment !== undefined) return this.store.increment(`turn:${key}`) - 1;
    const value = this.localTurns.get(key) ?? 0;
    this.localTurns.set(key, value + 1);
    return value;
  }

  /** When the model's cooldown ends, or null. */
  until(policy: Policy, model: string, now: number): number | null {
    const key = cooldownKey(policy.name, model);
    const until = this.store.cooldownUntil(key, now);
    if (until !== null || policy.circuitBreaker === null) return until;
    return this.halfOpen.blockedUntil(policy.circuitBreaker, key, now);
  }

  /** An attempt on `model` starts: while its breaker is half-open, it is one of the probes. */
  started(policy: Policy, model: string, now: number): void {
    if (policy.circuitBreaker !== null) this.halfOpen.started(policy.circuitBreaker, cooldownKey(policy.name, model), now);
  }

  /** A decision's `cooldown`: skip the model in new sessions for `cooldownMs`. */
  coolDown(policy: Policy, model: string, cooldownMs: number, now: number): void {
    if (cooldownMs > 0) this.store.setCooldown(cooldownKey(policy.name, model), now + cooldownMs);
  }

  /**
   * Count a failure toward the model's `cooldown_after` windows; a window that
   * reaches its count cools the model down (and starts afresh).
   */
  countFailure(policy: Policy, model: string, error: ErrorFact, now: number): void {
    if (policy.cooldownAfter === undefined && policy.models[model]?.cooldownAfter === undefined) return;
    const key = cooldownKey(policy.name, model);
    const cooldownMs = countCooldownMs(policy, model, error.kind, (index, entry) => {
      const windowKey = `${key}#cooldown_after:${index}`;
      const { failures } = this.store.recordResult(windowKey, true, now, entry.withinMs);
      if (failures >= entry.failures) this.store.resetWindow(windowKey);
      return failures;
    });
    if (cooldownMs !== null) this.coolDown(policy, model, cooldownMs, now);
  }

  /**
   * Count an attempt's result toward the model's breaker. Only kinds in the
   * breaker's `on` count as failures; aborted attempts (losers, cancelled) are
   * not counted at all. Returns true when this result opened the breaker.
   */
  recordResult(policy: Policy, model: string, error: ErrorFact | null, now: number): boolean {
    const breaker = policy.circuitBreaker;
    if (breaker === null) return false;
    if (error !== null && error.kind === 'aborted') return false;
    const failed =
      error !== null &&
      (breaker.on.length === 0 || breaker.on.includes(error.kind) || breaker.on.includes(error.type) || (error.status !== null && breaker.onStatus?.includes(error.status) === true));
    const key = cooldownKey(policy.name, model);
    if (this.halfOpen.reported(breaker, key, failed, now)) return true;
    const { requests, failures } = this.store.recordResult(key, failed, now, breaker.windowMs);
    if (!failed || requests < breaker.minRequests || failures / requests < breaker.failureRate) return false;
    this.store.setCooldown(key, now + breaker.openForMs);
    this.store.resetWindow(key);
    this.halfOpen.opened(breaker, key);
    return true;
  }
}
