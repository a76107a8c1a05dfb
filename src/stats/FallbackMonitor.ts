import type { FallbackStatsSnapshot } from './FallbackStats.js';

/** Alert when a figure crosses its threshold. Omitted thresholds are not checked. */
export interface MonitorThresholds {
  /** Alert when `fallbackRate` is above this (0..1). */
  readonly fallbackRate?: number;
  /** Alert when `successRate` is below this (0..1). */
  readonly successRate?: number;
  /** Alert when `averageAttempts` is above this. */
  readonly averageAttempts?: number;
}

export interface MonitorAlert {
  readonly metric: 'fallbackRate' | 'successRate' | 'averageAttempts';
  readonly value: number;
  readonly threshold: number;
  readonly message: string;
}

export interface FallbackMonitorOptions {
  readonly thresholds: MonitorThresholds;
  readonly onAlert: (alert: MonitorAlert) => void;
  /** Don't alert before this many sessions (small samples are noisy). @default 1 */
  readonly minSessions?: number;
}

/** Anything with stats: an executor, a `FallbackClientWrapper`, a `FallbackManager`. */
export interface StatsProvider {
  stats(): FallbackStatsSnapshot;
}

/**
 * Checks fallback stats against thresholds and calls `onAlert` for each one
 * crossed. The seed's `FallbackMonitor`, with the thresholds made options.
 *
 * @example
 * const monitor = new FallbackMonitor({
 *   thresholds: { fallbackRate: 0.5, successRate: 0.9, averageAttempts: 2 },
 *   onAlert: (alert) => console.warn(`ALERT: ${alert.message}`),
 * })
 * setInterval(() => monitor.check(executor.stats()), 60_000).unref()
 */
export class FallbackMonitor {
  private readonly options: FallbackMonitorOptions;

  constructor(options: FallbackMonitorOptions) {
    this.options = options;
  }

  /** Check one snapshot (or anything with `stats()`); returns the alerts raised. An alert callback that throws is ignored. */
  check(source: FallbackStatsSnapshot | StatsProvider): MonitorAlert[] {
    const stats = 'stats' in source && typeof source.stats === 'function' ? source.stats() : (source as FallbackStatsSnapshot);
    const alerts: MonitorAlert[] = [];
    if (stats.totalSessions < (this.options.minSessions ?? 1)) return alerts;
    const { fallbackRate, successRate, averageAttempts } = this.options.thresholds;
    if (fallbackRate !== undefined && stats.fallbackRate > fallbackRate) {
      alerts.push({
        metric: 'fallbackRate',
        value: stats.fallbackRate,
        threshold: fallbackRate,
        message: `fallback rate too high: ${percent(stats.fallbackRate)} > ${percent(fallbackRate)}`,
      });
    }
    if (successRate !== undefined && stats.successRate < successRate) {
      alerts.push({
        metric: 'successRate',
        value: stats.successRate,
        threshold: successRate,
        message: `success rate too low: ${percent(stats.successRate)} < ${percent(successRate)}`,
      });
    }
    if (averageAttempts !== undefined && stats.averageAttempts > averageAttempts) {
      alerts.push({
        metric: 'averageAttempts',
        value: stats.averageAttempts,
        threshold: averageAttempts,
        message: `average attempts too high: ${stats.averageAttempts.toFixed(1)} > ${averageAttempts.toFixed(1)}`,
      });
    }
    for (const alert of alerts) {
      try {
        this.options.onAlert(alert);
      } catch {
        // An alert sink that fails must not break the caller's check loop.
      }
    }
    return alerts;
  }
}

function percent(value: number): string {
  return `${(value * 100).toFixed(2)}%`;
}
