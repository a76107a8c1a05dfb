/**
 * The circuit breaker's half-open state (`circuit_breaker.half_open_probes`):
 * when an open breaker's cooldown ends, exactly N attempts may call the model
 * (the probes) while every other session still passes it over; a probe that
 * succeeds closes the breaker, one that fails opens it again. Probes that
 * never report (aborted, lost) free their slots after `open_for`. All of it
 * lives in the StateStore (counters and cooldowns), so a shared store shares it.
 */
import type { CircuitBreakerConfig } from '../policy/types.js';
import type { StateStore } from './StateStore.js';

type CounterStore = StateStore & Required<Pick<StateStore, 'increment' | 'counter' | 'resetCounter'>>;

function hasCounters(store: StateStore): store is CounterStore {
  return store.increment !== undefined && store.counter !== undefined && store.resetCounter !== undefined;
}

export class HalfOpen {
  constructor(private readonly store: StateStore) {}

  private enabled(breaker: CircuitBreakerConfig | null): breaker is CircuitBreakerConfig & { halfOpenProbes: number } {
    return breaker !== null && breaker.halfOpenProbes !== undefined && hasCounters(this.store);
  }

  /** True when the breaker of `key` opened and has not closed since (its cooldown may be over: half-open). */
  private isOpen(key: string): boolean {
    return (this.store as CounterStore).counter(`breaker:${key}`) > 0;
  }

  /** The breaker opened: its probes start afresh when its cooldown ends. */
  opened(breaker: CircuitBreakerConfig | null, key: string): void {
    if (!this.enabled(breaker)) return;
    const store = this.store as CounterStore;
    store.resetCounter(`probes:${key}`);
    store.resetCounter(`breaker:${key}`);
    store.increment(`breaker:${key}`);
  }

  /**
   * After the cooldown: null when a new attempt may call the model (closed, or
   * a probe slot is free), else until when the probes have it to themselves.
   */
  blockedUntil(breaker: CircuitBreakerConfig | null, key: string, now: number): number | null {
    if (!this.enabled(breaker) || !this.isOpen(key)) return null;
    const store = this.store as CounterStore;
    if (store.counter(`probes:${key}`) < breaker.halfOpenProbes) return null;
    const window = store.cooldownUntil(`probe-window:${key}`, now);
    if (window !== null) return window;
    // The probes never reported: a new round.
    store.resetCounter(`probes:${key}`);
    return null;
  }

  /** An attempt starts on the model: while half-open, it takes a probe slot. */
  started(breaker: CircuitBreakerConfig | null, key: string, now: number): void {
    if (!this.enabled(breaker) || !this.isOpen(key)) return;
    const store = this.store as CounterStore;
    store.increment(`probes:${key}`);
    store.setCooldown(`probe-window:${key}`, now + breaker.openForMs);
  }

  /**
   * A result while half-open: a success (or a failure the breaker does not
   * count) closes the breaker; a counted failure re-opens it at once.
   * Returns true when it re-opened.
   */
  reported(breaker: CircuitBreakerConfig | null, key: string, failed: boolean, now: number): boolean {
    if (!this.enabled(breaker) || !this.isOpen(key) || this.store.cooldownUntil(key, now) !== null) return false;
    const store = this.store as CounterStore;
    if (failed) {
      store.setCooldown(key, now + breaker.openForMs);
      store.resetCounter(`probes:${key}`);
      return true;
    }
    store.resetCounter(`breaker:${key}`);
    store.resetCounter(`probes:${key}`);
    return false;
  }
}
