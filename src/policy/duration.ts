/**
 * Policy durations: a number is seconds, a string carries its unit
 * (`250ms`, `2s`, `1.5m`, `1h`). The schema accepts exactly these shapes;
 * this turns them into milliseconds.
 */

const durationPattern = /^([0-9]+(?:\.[0-9]+)?)(ms|s|m|h)$/;
const unitMilliseconds: Readonly<Record<string, number>> = { ms: 1, s: 1000, m: 60_000, h: 3_600_000 };

/**
 * Milliseconds for a policy duration, or undefined when it is not one.
 *
 * @example
 * parseDuration(30)       // 30000
 * parseDuration('250ms')  // 250
 * parseDuration('1.5m')   // 90000
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') {
    return Number.isFinite(value) && value >= 0 ? Math.round(value * 1000) : undefined;
  }
  if (typeof value !== 'string') return undefined;
  const match = durationPattern.exec(value);
  if (!match) return undefined;
  return Math.round(Number(match[1]) * (unitMilliseconds[match[2] ?? ''] ?? Number.NaN));
}
