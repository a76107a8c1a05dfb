/**
 * The default StateStore: maps in this process. `RedisStateStore` keeps one
 * as its local copy.
 */
import { MemoryStickyStore } from '../rules/sticky.js';
import { SlidingWindow } from './SlidingWindow.js';
import type { StateStore, StateStoreHealth, StoredValue, TripRule } from './StateStore.js';

/** A tripped key: open until `until`, then half-open for rounds of `probes` calls, each round `openForMs` long. */
export interface BreakerState {
  readonly until: number;
  readonly openForMs: number;
  readonly probes: number;
}

interface HalfOpen {
  round: number;
  permits: number;
  successes: number;
}

const HEALTHY: StateStoreHealth = { store: 'memory', state: 'ok', detail: null, since: null };

/**
 * Everything in memory, bounded: windows and counters are per key, values
 * (sticky choices) live in an LRU of `maxValues` entries.
 *
 * @example
 * const store = new InMemoryStateStore()
 * const executor = await createExecutor({ policies: './policies', stateStore: store })
 */
export class InMemoryStateStore implements StateStore {
  private readonly cooldowns = new Map<string, number>();
  private readonly windows = new Map<string, SlidingWindow>();
  private readonly tallies = new Map<string, SlidingWindow>();
  private readonly breakers = new Map<string, BreakerState>();
  private readonly halfOpen = new Map<string, HalfOpen>();
  private readonly counters = new Map<string, { value: number; expiresAt: number }>();
  private readonly values: MemoryStickyStore;
  private readonly snapshots = new Map<string, string>();

  /** @param options.maxValues values (sticky choices) remembered at most; @default 100000 */
  constructor(options: { readonly maxValues?: number } = {}) {
    this.values = new MemoryStickyStore({ maxEntries: options.maxValues ?? 100_000 });
  }

  cooldownUntil(key: string, now: number): number | null {
    let until: number | null = null;
    if (this.cooldowns.size > 0) {
      const cooldown = this.cooldowns.get(key);
      if (cooldown !== undefined) {
        if (cooldown > now) until = cooldown;
        else this.cooldowns.delete(key);
      }
    }
    if (this.breakers.size === 0) return until;
    const breaker = this.breakers.get(key);
    if (breaker === undefined) return until;
    const closedAt = this.breakerClosedAt(key, breaker, now);
    return closedAt === null ? until : Math.max(until ?? 0, closedAt);
  }

  setCooldown(key: string, until: number): void {
    const current = this.cooldowns.get(key);
    if (current === undefined || until > current) this.cooldowns.set(key, until);
  }

  admit(key: string, now: number): void {
    const breaker = this.breakers.get(key);
    if (breaker === undefined || now < breaker.until || breaker.probes === 0) return;
    const half = this.round(key, breaker, now);
    if (half.permits > 0) half.permits--;
  }

  recordResult(key: string, failed: boolean, now: number, rule: TripRule): boolean {
    const breaker = this.breakers.get(key);
    if (breaker !== undefined) {
      if (now < breaker.until) return false;
      if (breaker.probes > 0) {
        if (failed) {
          this.open(key, now, rule);
          return true;
        }
      }
      this.setBreaker(key, null);
    }
    let window = this.windows.get(key);
    if (window === undefined || window.windowMs !== rule.windowMs) {
      window = new SlidingWindow(rule.windowMs, 2);
      this.windows.set(key, window);
    }
    window.add(now, [1, failed ? 1 : 0]);
    if (!failed) return false;
    const [requests = 0, failures = 0] = window.totals(now);
    if (!trips(rule, requests, failures)) return false;
    if (rule.coolKey !== undefined) {
      this.windows.delete(key);
      this.setCooldown(rule.coolKey, now + rule.openForMs);
    } else this.open(key, now, rule);
    return true;
  }

  count(key: string, amount: number, now: number, windowMs: number): number {
    const window = this.window(key, windowMs);
    if (amount !== 0) window.add(now, [amount]);
    return window.totals(now)[0] ?? 0;
  }

  take(key: string, limit: number, now: number, windowMs: number): boolean {
    const window = this.window(key, windowMs);
    if ((window.totals(now)[0] ?? 0) >= limit) return false;
    window.add(now, [1]);
    return true;
  }

  increment(key: string, now: number, ttlMs: number): number {
    const counter = this.counters.get(key);
    const value = counter !== undefined && counter.expiresAt > now ? counter.value + 1 : 1;
    this.counters.set(key, { value, expiresAt: now + ttlMs });
    return value;
  }

  get(key: string, now: number): StoredValue | null {
    const entry = this.values.get(key);
    if (entry === undefined || entry.expiresAt <= now) return null;
    return { value: entry.member, expiresAt: entry.expiresAt };
  }

  claim(key: string, value: string, expiresAt: number, now: number): string {
    const held = this.get(key, now);
    if (held !== null) return held.value;
    this.values.set(key, { member: value, expiresAt });
    return value;
  }

  share(key: string, snapshot: string): void {
    this.snapshots.set(key, snapshot);
  }

  shared(): readonly string[] {
    return [];
  }

  health(): StateStoreHealth {
    return HEALTHY;
  }

  clear(): void {
    this.cooldowns.clear();
    this.windows.clear();
    this.tallies.clear();
    this.breakers.clear();
    this.halfOpen.clear();
    this.counters.clear();
    this.values.clear();
    this.snapshots.clear();
  }

  // The local-copy side, for a shared store that hears of changes from other processes.

  /** @internal The key's tripped state, or undefined. */
  breaker(key: string): BreakerState | undefined {
    return this.breakers.get(key);
  }

  /** @internal Keys with a tripped state or a cooldown, and the cooldowns, to replay after an outage. */
  entries(): { readonly cooldowns: ReadonlyMap<string, number>; readonly breakers: ReadonlyMap<string, BreakerState> } {
    return { cooldowns: this.cooldowns, breakers: this.breakers };
  }

  /** @internal Set (or with null, clear) the key's tripped state; its window starts afresh. */
  setBreaker(key: string, state: BreakerState | null): void {
    this.halfOpen.delete(key);
    this.windows.delete(key);
    if (state === null) this.breakers.delete(key);
    else this.breakers.set(key, state);
  }

  /** @internal Probes left in the key's current half-open round. */
  permits(key: string, now: number): number {
    const breaker = this.breakers.get(key);
    if (breaker === undefined || now < breaker.until || breaker.probes === 0) return 0;
    return this.round(key, breaker, now).permits;
  }

  /** @internal Give the key's current half-open round `count` more probes (a shared store's lease). */
  grantPermits(key: string, count: number, now: number): void {
    const breaker = this.breakers.get(key);
    if (breaker === undefined || now < breaker.until || breaker.probes === 0) return;
    this.round(key, breaker, now).permits += count;
  }

  /** @internal Overwrite the value under the key. */
  putValue(key: string, value: string, expiresAt: number): void {
    this.values.set(key, { member: value, expiresAt });
  }

  /** @internal Set the key's counter. */
  putCounter(key: string, value: number, expiresAt: number): void {
    this.counters.set(key, { value, expiresAt });
  }

  private open(key: string, now: number, rule: TripRule): void {
    this.setBreaker(key, { until: now + rule.openForMs, openForMs: rule.openForMs, probes: rule.probes });
  }

  /** When the key's circuit lets calls through again (now, when a probe is left), or null when it is closed. */
  private breakerClosedAt(key: string, breaker: BreakerState, now: number): number | null {
    if (now < breaker.until) return breaker.until;
    if (breaker.probes === 0) return null;
    const half = this.round(key, breaker, now);
    return half.permits > 0 ? null : breaker.until + (half.round + 1) * breaker.openForMs;
  }

  /** Half-open rounds: probes that never report back (aborted, lost) are replaced after `openForMs`. */
  private round(key: string, breaker: BreakerState, now: number): HalfOpen {
    const round = Math.floor((now - breaker.until) / Math.max(1, breaker.openForMs));
    let half = this.halfOpen.get(key);
    if (half === undefined || half.round !== round) {
      half = { round, permits: this.localPermits ? breaker.probes : 0, successes: half?.successes ?? 0 };
      this.halfOpen.set(key, half);
    }
    return half;
  }

  /** @internal false in a shared store's copy: probes are leased from the server, not granted here. */
  localPermits = true;

  private window(key: string, windowMs: number): SlidingWindow {
    let window = this.tallies.get(key);
    if (window === undefined || window.windowMs !== windowMs) {
      window = new SlidingWindow(windowMs, 1);
      this.tallies.set(key, window);
    }
    return window;
  }
}

/** Whether a window with these totals trips under `rule`. */
export function trips(rule: TripRule, requests: number, failures: number): boolean {
  return requests >= rule.minRequests && failures >= Math.max(1, rule.minFailures) && failures / requests >= rule.failureRate;
}
