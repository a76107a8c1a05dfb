/**
 * Where an executor keeps the state its sessions share: cooldowns,
 * circuit-breaker and failure-count windows with their half-open probes,
 * sticky choices, round-robin counters, usage budgets and live statistics.
 *
 * Every method is synchronous on purpose: they are called on each session's
 * hot path. A store shared between processes (`RedisStateStore` from
 * `detour-llm/redis`) answers from a local copy and syncs in the background,
 * so an answer may be a few milliseconds behind the other processes.
 *
 * Keys name what they are about and start with the policy: `policy/model`
 * (see `cooldownKey`), `policy/model/rpm`, `sticky/policy/group/user`.
 */
export interface StateStore {
  /** When the key's cooldown or open circuit ends (ms since the epoch), or null when it may be called now. */
  cooldownUntil(key: string, now: number): number | null;
  /** Cool the key down until `until` (a later cooldown already set wins). */
  setCooldown(key: string, until: number): void;
  /**
   * The key is about to be called: when its circuit is half-open, this takes
   * one of its probes (`cooldownUntil` answers null only while one is left).
   */
  admit(key: string, now: number): void;
  /**
   * Count one result in the key's window under `rule`. When the window trips,
   * the key cools down for `rule.openForMs` (once, however many processes race
   * to trip it) and its window starts afresh. Returns true when this call
   * tripped it here; a shared store may trip it on the server instead.
   */
  recordResult(key: string, failed: boolean, now: number, rule: TripRule): boolean;
  /** Add `amount` to the key's sliding-window total and return the total (all processes, as last heard). */
  count(key: string, amount: number, now: number, windowMs: number): number;
  /**
   * Take one unit of a budget of `limit` per sliding `windowMs`; false when it
   * is spent. A shared store never lets the processes together take more than
   * `limit`, and may answer false while it fetches units.
   */
  take(key: string, limit: number, now: number, windowMs: number): boolean;
  /** The key's counter plus one (starting at 1), kept for `ttlMs` after the last use. */
  increment(key: string, now: number, ttlMs: number): number;
  /** The value held under the key, or null when none is held or it expired. */
  get(key: string, now: number): StoredValue | null;
  /** Hold `value` under the key unless a live value is held already; returns the value held after the call. */
  claim(key: string, value: string, expiresAt: number, now: number): string;
  /** Publish this process's `snapshot` under the key for `ttlMs` (live statistics). */
  share(key: string, snapshot: string, now: number, ttlMs: number): void;
  /** The latest snapshots other processes published under the key. */
  shared(key: string, now: number): readonly string[];
  /** Whether the store is in working order, for `executor.health()`. */
  health(): StateStoreHealth;
  /** Forget everything held in this process. */
  clear(): void;
  /** Stop background work (connections, timers). */
  close?(): Promise<void>;
}

/**
 * When a window trips. A `circuit_breaker` is a failure rate over a minimum
 * of calls; a count-based cooldown ("3 failures within 1m: skip for 30s")
 * counts in a window of its own and cools the model down:
 * `{ windowMs: 60_000, minRequests: 1, minFailures: 3, failureRate: 0, openForMs: 30_000, probes: 0, coolKey: 'policy/model' }`.
 *
 * @example
 * store.recordResult('default/gpt-4o', true, Date.now(), { windowMs: 60_000, minRequests: 10, minFailures: 1, failureRate: 0.5, openForMs: 30_000, probes: 2 })
 */
export interface TripRule {
  readonly windowMs: number;
  /** Results in the window before it can trip. */
  readonly minRequests: number;
  /** Failures in the window before it can trip. */
  readonly minFailures: number;
  /** Share of failed results (0–1) at which it trips. */
  readonly failureRate: number;
  /** How long a tripped key is skipped. */
  readonly openForMs: number;
  /**
   * After `openForMs`, this many calls go through as probes: one succeeding
   * closes the circuit, one failing opens it again. 0: everything resumes at once.
   */
  readonly probes: number;
  /**
   * Cool this other key down instead when the window trips, and start the
   * window afresh at once (a count-based cooldown counts in its own window
   * and cools the model down).
   */
  readonly coolKey?: string;
}

export interface StoredValue {
  readonly value: string;
  readonly expiresAt: number;
}

/** `state`: `ok` (in memory, or connected), `degraded` (serving from the local copy while the shared store is unreachable or slow). */
export interface StateStoreHealth {
  readonly store: string;
  readonly state: 'ok' | 'degraded';
  /** Why it is degraded, and since when (ms since the epoch). */
  readonly detail: string | null;
  readonly since: number | null;
}

/** The StateStore key of a model within a policy. Cooldowns are per policy: two policies may name different deployments alike. */
export function cooldownKey(policyName: string, model: string): string {
  return `${policyName}/${model}`;
}
