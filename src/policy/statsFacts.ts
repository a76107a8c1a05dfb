/**
 * The live-statistics facts: `stats.<model>.<metric>`, one per catalog model
 * (`stats.gpt-4o.latency_p95_ms`), and `stats.<model>.error_rate.<kind>`.
 * Model names may contain dots, so a name is read from its end.
 */
import { ERROR_KINDS } from '../errors/kinds.js';

/**
 * The metrics of `stats.<model>.<metric>`, over the policy's `stats_window`.
 *
 * @example
 * STATS_METRICS.includes('latency_p95_ms') // true
 */
export const STATS_METRICS = [
  /** Calls that ended in the window. */
  'requests',
  'latency_p50_ms',
  'latency_p95_ms',
  /** Streams: time to the first chunk. */
  'ttfc_p95_ms',
  /** Share of calls that failed, 0–1 (`error_rate.<kind>`: that kind only). */
  'error_rate',
  'requests_per_minute',
  'tokens_per_minute',
  'in_flight',
] as const;

export type StatsMetric = (typeof STATS_METRICS)[number];

export interface StatsFact {
  readonly name: string;
  readonly model: string;
  readonly metric: StatsMetric;
  /** For `error_rate.<kind>`. */
  readonly kind: string | null;
}

const kinds: ReadonlySet<string> = new Set(ERROR_KINDS);

/**
 * The parts of a stats fact name, or null when it is not one.
 *
 * @example
 * parseStatsFact('stats.gpt-4.1.error_rate.rate_limit') // { model: 'gpt-4.1', metric: 'error_rate', kind: 'rate_limit', … }
 */
export function parseStatsFact(name: string): StatsFact | null {
  if (!name.startsWith('stats.')) return null;
  const rest = name.slice('stats.'.length);
  for (const metric of STATS_METRICS) {
    if (rest.endsWith(`.${metric}`) && rest.length > metric.length + 1) return { name, model: rest.slice(0, -metric.length - 1), metric, kind: null };
  }
  const at = rest.lastIndexOf('.error_rate.');
  if (at > 0) {
    const kind = rest.slice(at + '.error_rate.'.length);
    if (kinds.has(kind)) return { name, model: rest.slice(0, at), metric: 'error_rate', kind };
  }
  return null;
}
