/**
 * `RedisStateStore`: the executor's state shared by every process on one
 * Redis. Reads answer from a local copy (the StateStore is synchronous);
 * writes are batched to Redis, where Lua scripts settle races, and reach the
 * other processes by pub/sub. Redis down, slow or restarted never fails a
 * request: the local copy keeps serving, and state resyncs when Redis is back.
 */
import { randomUUID } from 'node:crypto';
import { InMemoryStateStore } from '../executor/InMemoryStateStore.js';
import type { StateStore, StateStoreHealth, StoredValue, TripRule } from '../executor/StateStore.js';
import { RedisLink } from './RedisLink.js';
import { resync } from './resync.js';
import { CLAIM, COOL_DOWN, COUNT, INCREMENT, LEASE_PROBE, RECORD_RESULTS, SHARE, TAKE_UNITS } from './scripts.js';

export interface RedisStateStoreOptions {
  /** `redis://[user:password@]host:port[/db]` (or `rediss://` for TLS). */
  readonly url: string;
  /** Every key and the pub/sub channel start with `<prefix>:`; processes share state only under the same prefix. @default 'detour' */
  readonly prefix?: string;
  /** How long writes that need no hurry (counts, successes) wait to be sent together. @default 5 */
  readonly flushMs?: number;
  /** Redis not answering for this long counts as an outage. @default 1000 */
  readonly slowMs?: number;
  /** Where the store says it lost or regained Redis (once per outage). @default console.warn */
  readonly log?: (message: string) => void;
}

const DEFAULTS = { prefix: 'detour', flushMs: 5, slowMs: 1000 };

interface PendingResults {
  requests: number;
  failures: number;
  now: number;
  rule: TripRule;
}

interface Budget {
  units: number;
  expiresAt: number;
  asking: boolean;
}

/**
 * A StateStore on Redis, for several replicas of one service. Pass it to
 * `createExecutor`; close it yourself when the service stops.
 *
 * @example
 * import { RedisStateStore } from 'detour-llm/redis'
 * const stateStore = new RedisStateStore({ url: process.env.REDIS_URL ?? 'redis://127.0.0.1:6379', prefix: 'chat' })
 * const executor = await createExecutor({ policies: './policies', stateStore })
 * // …
 * await executor.close(); await stateStore.close()
 */
export class RedisStateStore implements StateStore {
  readonly prefix: string;
  /** This process's name on the channel. */
  readonly origin = randomUUID();
  private readonly local = new InMemoryStateStore();
  private readonly link: RedisLink;
  private readonly channel: string;
  private readonly flushMs: number;
  private flushTimer: ReturnType<typeof setTimeout> | null = null;
  private flushSoon = false;
  private results = new Map<string, PendingResults>();
  private cooldowns = new Map<string, { until: number; now: number }>();
  private counts = new Map<string, { amount: number; now: number; windowMs: number }>();
  private increments = new Map<string, { amount: number; ttlMs: number }>();
  private claims = new Map<string, { value: string; expiresAt: number; now: number }>();
  private shares = new Map<string, { snapshot: string; now: number; ttlMs: number }>();
  private asks = new Map<string, { limit: number; now: number; windowMs: number }>();
  private readonly probeLeases = new Set<string>();
  private readonly budgets = new Map<string, Budget>();
  private readonly others = new Map<string, { total: number; at: number }>();
  private readonly peers = new Map<string, readonly string[]>();

  constructor(options: RedisStateStoreOptions) {
    if (typeof options?.url !== 'string' || options.url === '') throw new TypeError('RedisStateStore needs { url }, e.g. redis://127.0.0.1:6379');
    this.prefix = options.prefix ?? DEFAULTS.prefix;
    this.channel = `${this.prefix}:events`;
    this.flushMs = options.flushMs ?? DEFAULTS.flushMs;
    this.local.localPermits = false;
    this.link = new RedisLink({
      url: options.url,
      channel: this.channel,
      slowMs: options.slowMs ?? DEFAULTS.slowMs,
      log: options.log ?? ((message) => console.warn(message)),
      onMessage: (message) => this.heard(message),
      onReady: () => resync(this.link, this.local, (kind, key) => this.key(kind, key), this.channel, this.origin),
    });
  }

  /** Resolves once connected and in sync with Redis (services need not wait: until then the local copy serves). */
  ready(): Promise<void> {
    return this.link.whenReady();
  }

  cooldownUntil(key: string, now: number): number | null {
    const usable = this.link.usable;
    this.local.localPermits = !usable;
    const until = this.local.cooldownUntil(key, now);
    if (until !== null && usable) {
      const breaker = this.local.breaker(key);
      if (breaker !== undefined && breaker.probes > 0 && now >= breaker.until) this.leaseProbe(key, now);
    }
    return until;
  }

  setCooldown(key: string, until: number): void {
    this.local.setCooldown(key, until);
    if (!this.link.usable) return;
    const pending = this.cooldowns.get(key);
    if (pending === undefined || pending.until < until) this.cooldowns.set(key, { until, now: Date.now() });
    this.schedule(true);
  }

  admit(key: string, now: number): void {
    this.local.admit(key, now);
  }

  recordResult(key: string, failed: boolean, now: number, rule: TripRule): boolean {
    if (!this.link.usable) return this.local.recordResult(key, failed, now, rule);
    let pending = this.results.get(key);
    if (pending === undefined) {
      pending = { requests: 0, failures: 0, now, rule };
      this.results.set(key, pending);
    }
    pending.requests++;
    if (failed) pending.failures++;
    pending.now = now;
    pending.rule = rule;
    this.schedule(failed);
    return false;
  }

  count(key: string, amount: number, now: number, windowMs: number): number {
    const own = this.local.count(key, amount, now, windowMs);
    if (!this.link.usable) return own;
    const others = this.others.get(key);
    if (amount !== 0 || others === undefined || now - others.at > windowMs / 10) {
      const pending = this.counts.get(key);
      this.counts.set(key, { amount: (pending?.amount ?? 0) + amount, now, windowMs });
      this.schedule(false);
    }
    return own + (others !== undefined && now - others.at <= windowMs ? others.total : 0);
  }

  take(key: string, limit: number, now: number, windowMs: number): boolean {
    if (!this.link.usable) return this.local.take(key, limit, now, windowMs);
    let budget = this.budgets.get(key);
    if (budget === undefined) {
      budget = { units: 0, expiresAt: 0, asking: false };
      this.budgets.set(key, budget);
    }
    if (budget.units > 0 && budget.expiresAt > now) {
      budget.units--;
      this.local.count(key, 1, now, windowMs);
      // Ask for more before the last unit goes, so sessions rarely find none.
      if (budget.units <= 1) this.ask(key, budget, limit, now, windowMs);
      return true;
    }
    this.ask(key, budget, limit, now, windowMs);
    return false;
  }

  increment(key: string, now: number, ttlMs: number): number {
    const value = this.local.increment(key, now, ttlMs);
    if (this.link.usable) {
      const pending = this.increments.get(key);
      this.increments.set(key, { amount: (pending?.amount ?? 0) + 1, ttlMs });
      this.schedule(false);
    }
    return value;
  }

  get(key: string, now: number): StoredValue | null {
    return this.local.get(key, now);
  }

  claim(key: string, value: string, expiresAt: number, now: number): string {
    const held = this.local.claim(key, value, expiresAt, now);
    if (held === value && this.link.usable) {
      this.claims.set(key, { value, expiresAt, now });
      this.schedule(false);
    }
    return held;
  }

  share(key: string, snapshot: string, now: number, ttlMs: number): void {
    this.local.share(key, snapshot);
    if (!this.link.usable) return;
    this.shares.set(key, { snapshot, now, ttlMs });
    this.schedule(false);
  }

  shared(key: string, _now?: number): readonly string[] {
    return this.link.usable ? (this.peers.get(key) ?? []) : [];
  }

  health(): StateStoreHealth {
    return { store: 'redis', ...this.link.health() };
  }

  clear(): void {
    this.local.clear();
    for (const pending of [this.results, this.cooldowns, this.counts, this.increments, this.claims, this.shares, this.asks]) pending.clear();
    this.budgets.clear();
    this.others.clear();
    this.peers.clear();
  }

  /** Send what is pending, then close both connections. */
  async close(): Promise<void> {
    await this.flush();
    await this.link.close();
  }

  /** Send every pending write now; resolves when Redis has answered them. */
  async flush(): Promise<void> {
    if (this.flushTimer !== null) clearTimeout(this.flushTimer);
    this.flushTimer = null;
    this.flushSoon = false;
    if (!this.link.usable) return;
    const sent: Promise<unknown>[] = [];
    const { results, cooldowns, counts, increments, claims, shares, asks } = this;
    this.results = new Map();
    this.cooldowns = new Map();
    this.counts = new Map();
    this.increments = new Map();
    this.claims = new Map();
    this.shares = new Map();
    this.asks = new Map();
    for (const [key, { until, now }] of cooldowns) sent.push(this.link.run(COOL_DOWN, [this.key('cd', key)], [until, now, this.channel, this.origin, key]));
    for (const [key, pending] of results) sent.push(this.sendResults(key, pending));
    for (const [key, { limit, now, windowMs }] of asks) sent.push(this.sendAsk(key, limit, now, windowMs));
    for (const [key, { amount, now, windowMs }] of counts) {
      const bucketMs = Math.max(1, windowMs / 10);
      sent.push(
        this.link.run(COUNT, [this.key('ct', key)], [now, amount, windowMs, bucketMs]).then((reply) => {
          if (typeof reply !== 'number') return;
          const own = this.local.count(key, 0, now, windowMs);
          this.others.set(key, { total: Math.max(0, reply - own), at: now });
        }),
      );
    }
    for (const [key, { amount, ttlMs }] of increments) {
      sent.push(
        this.link.run(INCREMENT, [this.key('rr', key)], [amount, ttlMs]).then((reply) => {
          if (typeof reply === 'number') this.local.putCounter(key, reply, Date.now() + ttlMs);
        }),
      );
    }
    for (const [key, { value, expiresAt, now }] of claims) {
      sent.push(
        this.link.run(CLAIM, [this.key('kv', key)], [value, expiresAt, now, this.channel, this.origin, key]).then((reply) => {
          if (!Array.isArray(reply) || typeof reply[0] !== 'string' || reply[0] === value) return;
          this.local.putValue(key, reply[0], Number(reply[1]));
        }),
      );
    }
    for (const [key, { snapshot, now, ttlMs }] of shares) {
      sent.push(
        this.link.run(SHARE, [this.key('st', key)], [this.origin, now, ttlMs, snapshot]).then((reply) => {
          if (Array.isArray(reply)) this.peers.set(key, reply.filter((item): item is string => typeof item === 'string'));
        }),
      );
    }
    await Promise.all(sent);
  }

  private sendResults(key: string, { requests, failures, now, rule }: PendingResults): Promise<unknown> {
    const bucketMs = Math.max(1, rule.windowMs / 10);
    return this.link.run(
      RECORD_RESULTS,
      [this.key('br', key), this.key('win', key)],
      [
        now,
        rule.windowMs,
        bucketMs,
        rule.minRequests,
        rule.minFailures,
        rule.failureRate,
        rule.openForMs,
        rule.probes,
        requests,
        failures,
        this.channel,
        this.origin,
        key,
        rule.coolKey === undefined ? '' : this.key('cd', rule.coolKey),
        rule.coolKey ?? '',
      ],
    );
  }

  private ask(key: string, budget: Budget, limit: number, now: number, windowMs: number): void {
    if (budget.asking) return;
    budget.asking = true;
    this.asks.set(key, { limit, now, windowMs });
    this.schedule(true);
  }

  private async sendAsk(key: string, limit: number, now: number, windowMs: number): Promise<void> {
    const reply = await this.link.run(TAKE_UNITS, [this.key('tk', key)], [now, limit, windowMs, Math.max(1, windowMs / 10), Math.max(1, Math.ceil(limit / 10))]);
    const budget = this.budgets.get(key);
    if (budget === undefined) return;
    budget.asking = false;
    if (typeof reply === 'number' && reply > 0) {
      budget.units += reply;
      budget.expiresAt = now + windowMs;
    }
  }

  private leaseProbe(key: string, now: number): void {
    if (this.probeLeases.has(key) || this.local.permits(key, now) > 0) return;
    this.probeLeases.add(key);
    void this.link.run(LEASE_PROBE, [this.key('br', key)], [now]).then((reply) => {
      this.probeLeases.delete(key);
      if (!Array.isArray(reply)) return;
      if (reply[0] === -1) {
        if (this.local.breaker(key) !== undefined) this.local.setBreaker(key, null);
        return;
      }
      const until = Number(reply[1]);
      if (this.local.breaker(key)?.until !== until) this.local.setBreaker(key, { until, openForMs: Number(reply[2]), probes: Number(reply[3]) });
      if (reply[0] === 1) this.local.grantPermits(key, 1, now);
    });
  }

  /** A change another process (or this one) published. */
  private heard(message: string): void {
    let parts: unknown;
    try {
      parts = JSON.parse(message);
    } catch {
      return;
    }
    if (!Array.isArray(parts) || parts.some((part) => typeof part !== 'string')) return;
    const [, type, key, a, b, c] = parts as string[];
    if (key === undefined) return;
    switch (type) {
      case 'cd':
        this.local.setCooldown(key, Number(a));
        return;
      case 'open':
        if (this.local.breaker(key)?.until !== Number(a)) this.local.setBreaker(key, { until: Number(a), openForMs: Number(b), probes: Number(c) });
        return;
      case 'close':
        if (this.local.breaker(key) !== undefined) this.local.setBreaker(key, null);
        return;
      case 'kv':
        if (a !== undefined) this.local.putValue(key, a, Number(b));
        return;
    }
  }

  private schedule(soon: boolean): void {
    if (soon && !this.flushSoon) {
      this.flushSoon = true;
      if (this.flushTimer !== null) clearTimeout(this.flushTimer);
      this.flushTimer = null;
      setImmediate(() => void this.flush());
      return;
    }
    if (this.flushTimer !== null || this.flushSoon) return;
    this.flushTimer = setTimeout(() => void this.flush(), this.flushMs);
    this.flushTimer.unref();
  }

  private key(kind: string, key: string): string {
    return `${this.prefix}:${kind}:${key}`;
  }
}
