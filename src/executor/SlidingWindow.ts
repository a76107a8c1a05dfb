/**
 * A sliding window of counters split into ten buckets, so adding is O(1)
 * whatever the traffic and a total forgets what is older than the window.
 */
const BUCKETS = 10;

/**
 * One or more counters over a sliding window (requests and failures of a
 * breaker; requests or tokens of a budget).
 *
 * @example
 * const window = new SlidingWindow(60_000, 2);
 * window.add(Date.now(), [1, 0]);
 * window.totals(Date.now()); // [1, 0]
 */
export class SlidingWindow {
  private readonly starts = new Array<number>(BUCKETS).fill(-Infinity);
  private readonly counts: number[][];
  readonly bucketMs: number;

  constructor(
    readonly windowMs: number,
    private readonly width = 1,
  ) {
    this.bucketMs = Math.max(1, windowMs / BUCKETS);
    this.counts = Array.from({ length: BUCKETS }, () => new Array<number>(width).fill(0));
  }

  /** The start of the bucket `now` falls in: the same for every process, so buckets can be merged. */
  bucketStart(now: number): number {
    return Math.floor(now / this.bucketMs) * this.bucketMs;
  }

  add(now: number, amounts: readonly number[]): void {
    const start = this.bucketStart(now);
    const index = Math.floor(now / this.bucketMs) % BUCKETS;
    const counts = this.counts[index]!;
    if (this.starts[index] !== start) {
      this.starts[index] = start;
      counts.fill(0);
    }
    for (let i = 0; i < this.width; i++) counts[i] = (counts[i] ?? 0) + (amounts[i] ?? 0);
  }

  totals(now: number): number[] {
    const totals = new Array<number>(this.width).fill(0);
    const oldest = now - this.windowMs;
    for (let index = 0; index < BUCKETS; index++) {
      if ((this.starts[index] ?? -Infinity) + this.bucketMs <= oldest) continue;
      const counts = this.counts[index]!;
      for (let i = 0; i < this.width; i++) totals[i]! += counts[i] ?? 0;
    }
    return totals;
  }
}
