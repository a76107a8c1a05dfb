/**
 * Where an executor keeps state shared by all its sessions: cooldowns,
 * circuit-breaker and `cooldown_after` windows, round-robin turns, the
 * breaker's half-open probes. Synchronous on purpose: it is read on every
 * session's hot path. A store shared between processes would keep a local
 * copy here and sync it in the background.
 *
 * Keys are `policy/model` (see `cooldownKey`).
 */
export interface StateStore {
  /** When the key's cooldown ends (ms since the epoch), or null when it is not cooling down. */
  cooldownUntil(key: string, now: number): number | null;
  setCooldown(key: string, until: number): void;
  /**
   * Count one result in the key's sliding window and return the window's totals.
   * `failed`: the result counts as a failure for the breaker.
   */
  recordResult(key: string, failed: boolean, now: number, windowMs: number): { readonly requests: number; readonly failures: number };
  /** Forget the key's window (after the breaker opens, it starts afresh). */
  resetWindow(key: string): void;
  /**
   * Add 1 to the key's counter and return the new value (1 the first time):
   * round-robin turns. Optional for stores written before it; the executor
   * then counts in its own process.
   */
  increment?(key: string): number;
  /** The key's counter (0 when never incremented or reset). Optional, with `increment`. */
  counter?(key: string): number;
  /** Set the key's counter back to 0. Optional, with `increment`. */
  resetCounter?(key: string): void;
  clear(): void;
}

const BUCKETS = 10;

interface Window {
  windowMs: number;
  /** Start time of each bucket; a bucket older than the window is stale. */
  readonly starts: number[];
  readonly requests: number[];
  readonly failures: number[];
}

/**
 * The default StateStore: maps in memory, and a sliding window split into ten
 * buckets so recording is O(1) whatever the traffic.
 *
 * @example
 * const store = new InMemoryStateStore()
 * const executor = await createExecutor({ policies: './policies', stateStore: store })
 */
export class InMemoryStateStore implements StateStore {
  private readonly cooldowns = new Map<string, number>();
  private readonly windows = new Map<string, Window>();
  private readonly counters = new Map<string, number>();

  increment(key: string): number {
    const value = (this.counters.get(key) ?? 0) + 1;
    this.counters.set(key, value);
    return value;
  }

  counter(key: string): number {
    return this.counters.get(key) ?? 0;
  }

  resetCounter(key: string): void {
    this.counters.delete(key);
  }

  cooldownUntil(key: string, now: number): number | null {
    if (this.cooldowns.size === 0) return null;
    const until = this.cooldowns.get(key);
    if (until === undefined) return null;
    if (until <= now) {
      this.cooldowns.delete(key);
      return null;
    }
    return until;
  }

  setCooldown(key: string, until: number): void {
    const current = this.cooldowns.get(key);
    if (current === undefined || until > current) this.cooldowns.set(key, until);
  }

  recordResult(key: string, failed: boolean, now: number, windowMs: number): { requests: number; failures: number } {
    let window = this.windows.get(key);
    if (window === undefined || window.windowMs !== windowMs) {
      window = { windowMs, starts: new Array<number>(BUCKETS).fill(-Infinity), requests: new Array<number>(BUCKETS).fill(0), failures: new Array<number>(BUCKETS).fill(0) };
      this.windows.set(key, window);
    }
    const bucketMs = Math.max(1, windowMs / BUCKETS);
    const bucketStart = Math.floor(now / bucketMs) * bucketMs;
    const index = Math.floor(now / bucketMs) % BUCKETS;
    if (window.starts[index] !== bucketStart) {
      window.starts[index] = bucketStart;
      window.requests[index] = 0;
      window.failures[index] = 0;
    }
    window.requests[index] = (window.requests[index] ?? 0) + 1;
    if (failed) window.failures[index] = (window.failures[index] ?? 0) + 1;
    let requests = 0;
    let failures = 0;
    const oldest = now - windowMs;
    for (let i = 0; i < BUCKETS; i++) {
      if ((window.starts[i] ?? -Infinity) + bucketMs <= oldest) continue;
      requests += window.requests[i] ?? 0;
      failures += window.failures[i] ?? 0;
    }
    return { requests, failures };
  }

  resetWindow(key: string): void {
    this.windows.delete(key);
  }

  clear(): void {
    this.cooldowns.clear();
    this.windows.clear();
    this.counters.clear();
  }
}

/** The StateStore key of a model within a policy. Cooldowns are per policy: two policies may name different deployments alike. */
export function cooldownKey(policyName: string, model: string): string {
  return `${policyName}/${model}`;
}
