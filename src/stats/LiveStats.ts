/**
 * Live model statistics over a sliding window (`stats_window`): latency and
 * time-to-first-chunk percentiles, error rates by kind, requests and tokens
 * per minute, calls in flight. Kept per policy and model, shared with other
 * processes through the state store when it is shared (each process publishes
 * its own window about once a second and adds up the others').
 */
import type { StateStore } from './StateStore.js';

/** What `stats.<model>.*` facts, the statistic strategies and `executor.stats().live` report for one model. */
export interface LiveModelStats {
  /** Calls that ended in the window (every process sharing the store). */
  readonly requests: number;
  readonly latencyP50Ms: number | null;
  readonly latencyP95Ms: number | null;
  /** Streams: time to the first chunk, 95th percentile. */
  readonly ttfcP95Ms: number | null;
  /** Share of calls that failed (0–1); null before the first call. */
  readonly errorRate: number | null;
  /** Failed calls by error kind. */
  readonly errorsByKind: Readonly<Record<string, number>>;
  readonly requestsPerMinute: number;
  readonly tokensPerMinute: number;
  readonly inFlight: number;
}

const BUCKETS = 10;
const GROWTH = Math.log(1.2);
/** Histogram bins: bin i holds durations up to 1.2^i ms (1 ms … about 35 minutes in 80 bins, ±10%). */
const BINS = 80;

function binOf(ms: number): number {
  return ms <= 1 ? 0 : Math.min(BINS - 1, Math.ceil(Math.log(ms) / GROWTH));
}

function binValue(bin: number): number {
  return Math.round(1.2 ** bin);
}

/** One process's window, in the compact form it is shared in. */
interface WindowData {
  r: number;
  e: Record<string, number>;
  t: number;
  l: Record<number, number>;
  f: Record<number, number>;
  i: number;
}

interface Bucket {
  start: number;
  data: WindowData;
}

function emptyData(): WindowData {
  return { r: 0, e: {}, t: 0, l: {}, f: {}, i: 0 };
}

function addInto(target: WindowData, source: WindowData): void {
  target.r += source.r;
  target.t += source.t;
  target.i += source.i;
  for (const [kind, count] of Object.entries(source.e)) target.e[kind] = (target.e[kind] ?? 0) + count;
  for (const [bin, count] of Object.entries(source.l)) target.l[Number(bin)] = (target.l[Number(bin)] ?? 0) + count;
  for (const [bin, count] of Object.entries(source.f)) target.f[Number(bin)] = (target.f[Number(bin)] ?? 0) + count;
}

function percentile(histogram: Record<number, number>, share: number): number | null {
  const bins = Object.keys(histogram)
    .map(Number)
    .sort((a, b) => a - b);
  let total = 0;
  for (const bin of bins) total += histogram[bin] ?? 0;
  if (total === 0) return null;
  const rank = Math.ceil(total * share);
  let seen = 0;
  for (const bin of bins) {
    seen += histogram[bin] ?? 0;
    if (seen >= rank) return binValue(bin);
  }
  return null;
}

function mergeSnapshots(snapshots: readonly string[]): WindowData {
  const total = emptyData();
  for (const snapshot of snapshots) {
    try {
      addInto(total, JSON.parse(snapshot) as WindowData);
    } catch {
      // A snapshot from an incompatible version: leave it out.
    }
  }
  return total;
}

class ModelWindow {
  readonly buckets: Bucket[] = [];
  inFlight = 0;
  sharedAt = -Infinity;
  cached: { at: number; stats: LiveModelStats } | null = null;
  /** The other processes' windows, parsed once per snapshot list the store hands out. */
  peers: { readonly from: readonly string[]; readonly total: WindowData } | null = null;

  constructor(readonly windowMs: number) {}

  bucket(now: number): WindowData {
    const bucketMs = this.windowMs / BUCKETS;
    const start = Math.floor(now / bucketMs) * bucketMs;
    const last = this.buckets[this.buckets.length - 1];
    if (last !== undefined && last.start === start) return last.data;
    const data = emptyData();
    this.buckets.push({ start, data });
    while (this.buckets.length > 0 && this.buckets[0]!.start + bucketMs <= now - this.windowMs) this.buckets.shift();
    return data;
  }

  own(now: number): WindowData {
    const bucketMs = this.windowMs / BUCKETS;
    const total = emptyData();
    for (const bucket of this.buckets) if (bucket.start + bucketMs > now - this.windowMs) addInto(total, bucket.data);
    total.i = this.inFlight;
    return total;
  }
}

/** One outcome of a call, for the statistics. */
export interface CallOutcome {
  readonly durationMs: number;
  /** Streams: ms to the first chunk; null otherwise. */
  readonly firstChunkMs: number | null;
  /** The error kind, or null for a success. Aborted calls are not counted. */
  readonly errorKind: string | null;
  readonly tokens: number;
}

/**
 * Every model's window for one executor.
 *
 * @example
 * const live = new LiveStats(store)
 * live.started('default/gpt-4o', 60_000)
 * live.ended('default/gpt-4o', 60_000, Date.now(), { durationMs: 840, firstChunkMs: null, errorKind: null, tokens: 120 })
 * live.get('default/gpt-4o', 60_000, Date.now()).latencyP50Ms // 840 (±10%)
 */
export class LiveStats {
  private readonly windows = new Map<string, ModelWindow>();

  constructor(private readonly store: StateStore) {}

  started(key: string, windowMs: number): void {
    const window = this.window(key, windowMs);
    window.inFlight++;
    window.cached = null;
  }

  /** A call ended; `outcome` null: it was aborted (only the in-flight count changes). */
  ended(key: string, windowMs: number, now: number, outcome: CallOutcome | null): void {
    const window = this.window(key, windowMs);
    window.inFlight = Math.max(0, window.inFlight - 1);
    if (outcome !== null) {
      const data = window.bucket(now);
      data.r++;
      data.t += outcome.tokens;
      if (outcome.errorKind !== null) data.e[outcome.errorKind] = (data.e[outcome.errorKind] ?? 0) + 1;
      else {
        const bin = binOf(outcome.durationMs);
        data.l[bin] = (data.l[bin] ?? 0) + 1;
      }
      if (outcome.firstChunkMs !== null) {
        const bin = binOf(outcome.firstChunkMs);
        data.f[bin] = (data.f[bin] ?? 0) + 1;
      }
    }
    window.cached = null;
    if (now - window.sharedAt >= Math.min(1000, windowMs / BUCKETS)) {
      window.sharedAt = now;
      this.store.share(`${key}/stats`, JSON.stringify(window.own(now)), now, windowMs);
    }
  }

  /** The model's statistics over the window, this process and (with a shared store) the others. */
  get(key: string, windowMs: number, now: number): LiveModelStats {
    const window = this.window(key, windowMs);
    if (window.cached !== null && now - window.cached.at < Math.min(100, windowMs / 100)) return window.cached.stats;
    const total = window.own(now);
    const shared = this.store.shared(`${key}/stats`, now);
    if (shared.length > 0) {
      if (window.peers === null || window.peers.from !== shared) window.peers = { from: shared, total: mergeSnapshots(shared) };
      addInto(total, window.peers.total);
    }
    let errors = 0;
    for (const count of Object.values(total.e)) errors += count;
    const minutes = windowMs / 60_000;
    const stats: LiveModelStats = {
      requests: total.r,
      latencyP50Ms: percentile(total.l, 0.5),
      latencyP95Ms: percentile(total.l, 0.95),
      ttfcP95Ms: percentile(total.f, 0.95),
      errorRate: total.r === 0 ? null : errors / total.r,
      errorsByKind: total.e,
      requestsPerMinute: total.r / minutes,
      tokensPerMinute: total.t / minutes,
      inFlight: total.i,
    };
    window.cached = { at: now, stats };
    return stats;
  }

  /** Every model seen so far: `policy/model` → statistics. */
  all(now: number): Record<string, LiveModelStats> {
    const all: Record<string, LiveModelStats> = {};
    for (const [key, window] of this.windows) all[key] = this.get(key, window.windowMs, now);
    return all;
  }

  private window(key: string, windowMs: number): ModelWindow {
    let window = this.windows.get(key);
    if (window === undefined || window.windowMs !== windowMs) {
      window = new ModelWindow(windowMs);
      this.windows.set(key, window);
    }
    return window;
  }
}
