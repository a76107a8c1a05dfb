/**
 * Scenario durations and latency distributions: `200ms`, `{ p50, p99 }`
 * (lognormal), `{ min, max }` (uniform), either map with `stall` mixed in.
 * Format reference: docs/simulator.md.
 */
import type { BaseLatency, Latency } from './scenarioTypes.js';

type Path = readonly (string | number)[];
type Report = (path: Path, message: string, atKey?: boolean) => void;

const LOGNORMAL_KEYS: ReadonlySet<string> = new Set(['p50', 'p99', 'stall']);
const UNIFORM_KEYS: ReadonlySet<string> = new Set(['min', 'max', 'stall']);
const STALL_KEYS: ReadonlySet<string> = new Set(['probability', 'latency']);
const FORMS = 'a duration like 200ms or 2s, { p50, p99 } (lognormal) or { min, max } (uniform)';

/**
 * Milliseconds from `200ms`, `2s`, `1.5m`, or a number of seconds; undefined when not a duration.
 *
 * @example
 * parseDuration('1.5s'); // 1500
 */
export function parseDuration(value: unknown): number | undefined {
  if (typeof value === 'number') return Number.isFinite(value) && value >= 0 ? value * 1000 : undefined;
  if (typeof value !== 'string') return undefined;
  const match = /^\s*(\d+(?:\.\d+)?)\s*(ms|s|m)?\s*$/.exec(value);
  if (match === null) return undefined;
  const amount = Number(match[1]);
  const unit = match[2] ?? 's';
  return unit === 'ms' ? amount : unit === 's' ? amount * 1000 : amount * 60_000;
}

/**
 * A scenario's `latency` / `chunk_latency` value, validated; problems go to
 * `report` and leave a zero latency in their place.
 *
 * @example
 * compileLatency({ p50: '20ms', p99: '60ms', stall: { probability: 0.03, latency: '1s' } }, ['latency'], report);
 * // { kind: 'stall', base: { kind: 'lognormal', p50: 20, p99: 60 }, probability: 0.03, stall: { kind: 'fixed', ms: 1000 } }
 */
export function compileLatency(definition: unknown, path: Path, report: Report): Latency {
  const base = compileBase(definition, path, report, true);
  if (!isRecord(definition) || definition['stall'] === undefined) return base;
  const stall = compileStall(definition['stall'], [...path, 'stall'], report);
  return stall === undefined ? base : { kind: 'stall', base, ...stall };
}

function compileBase(definition: unknown, path: Path, report: Report, stallAllowed = false): BaseLatency {
  if (definition === undefined || definition === null) return { kind: 'fixed', ms: 0 };
  if (!isRecord(definition)) {
    const ms = parseDuration(definition);
    if (ms === undefined) report(path, `expected a duration like 200ms or 2s, or { p50, p99 } / { min, max }, got ${show(definition)}`);
    return { kind: 'fixed', ms: ms ?? 0 };
  }
  const stallKey = (keys: ReadonlySet<string>) => (stallAllowed ? keys : new Set([...keys].filter((key) => key !== 'stall')));
  if ('p50' in definition || 'p99' in definition) {
    unknownKeys(definition, stallKey(LOGNORMAL_KEYS), path, report);
    const p50 = requiredDuration(definition, 'p50', path, report);
    const p99 = requiredDuration(definition, 'p99', path, report);
    if (p50 !== undefined && p99 !== undefined && p99 < p50) report([...path, 'p99'], 'p99 must be at least p50');
    if (p50 !== undefined && p50 <= 0) report([...path, 'p50'], 'p50 must be above 0');
    return { kind: 'lognormal', p50: p50 ?? 0, p99: p99 ?? 0 };
  }
  if ('min' in definition || 'max' in definition) {
    unknownKeys(definition, stallKey(UNIFORM_KEYS), path, report);
    const min = requiredDuration(definition, 'min', path, report);
    const max = requiredDuration(definition, 'max', path, report);
    if (min !== undefined && max !== undefined && max < min) report([...path, 'max'], 'max must be at least min');
    return { kind: 'uniform', min: min ?? 0, max: max ?? 0 };
  }
  report(path, 'a latency map needs { p50, p99 } (lognormal) or { min, max } (uniform)' + (stallAllowed && 'stall' in definition ? ' beside `stall`' : ''));
  return { kind: 'fixed', ms: 0 };
}

function compileStall(definition: unknown, path: Path, report: Report): { probability: number; stall: BaseLatency } | undefined {
  if (!isRecord(definition)) {
    report(path, 'must be a map: { probability: 0.03, latency: 1s }');
    return undefined;
  }
  unknownKeys(definition, STALL_KEYS, path, report);
  const probability = definition['probability'];
  let valid = true;
  if (typeof probability !== 'number' || !(probability >= 0 && probability <= 1)) {
    report(probability === undefined ? path : [...path, 'probability'], probability === undefined ? 'needs `probability` (0 to 1)' : `must be a number from 0 to 1, got ${show(probability)}`);
    valid = false;
  }
  let latency = definition['latency'];
  if (latency === undefined || latency === null) {
    report(path, `needs \`latency\`: ${FORMS}`);
    valid = false;
  } else if (isRecord(latency) && 'stall' in latency) {
    report([...path, 'latency', 'stall'], 'a stall cannot have stalls of its own', true);
    valid = false;
    const { stall: _nested, ...rest } = latency;
    latency = rest;
  }
  const stall = compileBase(latency, [...path, 'latency'], report);
  return valid ? { probability: probability as number, stall } : undefined;
}

function requiredDuration(definition: Record<string, unknown>, key: string, path: Path, report: Report): number | undefined {
  const value = definition[key];
  const ms = parseDuration(value);
  if (ms === undefined) report(value === undefined ? path : [...path, key], value === undefined ? `needs \`${key}\`` : `expected a duration, got ${show(value)}`);
  return ms;
}

function unknownKeys(definition: Record<string, unknown>, allowed: ReadonlySet<string>, path: Path, report: Report): void {
  for (const key of Object.keys(definition)) {
    if (!allowed.has(key)) report([...path, key], `unknown key \`${key}\`; expected one of ${[...allowed].join(', ')}`, true);
  }
}

function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

function show(value: unknown): string {
  return value === undefined ? 'nothing' : JSON.stringify(value) ?? String(value);
}
