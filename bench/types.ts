/** One figure a benchmark reports, with what it was compared against in the same run. */
export interface BenchResult {
  /** e.g. `decide, 100 rules, median`. */
  readonly name: string;
  readonly value: number;
  /** e.g. `µs`, `ms`, `files/s`, `ratio`, `%`. */
  readonly unit: string;
  /** The figure it is compared with, measured in the same run. */
  readonly baseline?: { readonly name: string; readonly value: number; readonly unit?: string };
  /** The issue's aim, in words, e.g. `< 50 µs`. */
  readonly aim?: string;
  readonly note?: string;
}

/** What every `bench/*.bench.ts` module exports. */
export interface BenchModule {
  readonly title: string;
  run(): Promise<readonly BenchResult[]>;
}

/** Median, p99 and friends over a list of samples. */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const index = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[index] as number;
}
