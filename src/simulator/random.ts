/**
 * Seeded randomness for the simulator: the same seed gives the same faults
 * and latencies for the same sequence of requests to a model.
 */
import type { Latency } from './scenarioTypes.js';

/** A generator of numbers in [0, 1). */
export type Random = () => number;

/**
 * mulberry32: tiny, fast, and good enough for test traffic (not for secrets).
 *
 * @example
 * const random = seededRandom(42); random(); // 0.6011…
 */
export function seededRandom(seed: number): Random {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let mixed = state;
    mixed = Math.imul(mixed ^ (mixed >>> 15), mixed | 1);
    mixed ^= mixed + Math.imul(mixed ^ (mixed >>> 7), mixed | 61);
    return ((mixed ^ (mixed >>> 14)) >>> 0) / 4_294_967_296;
  };
}

/** A stable 32-bit hash (FNV-1a), to give each model and purpose its own stream from one seed. */
export function hashString(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193);
  }
  return hash >>> 0;
}

/** 2.326 is the standard normal's 99th percentile: it fits sigma so that p99 lands where asked. */
const Z_99 = 2.3263478740408408;

/**
 * One latency in ms. Lognormal: median p50, 99th percentile p99. Stall: one
 * draw decides whether this request stalls, then the stall's or the base's
 * latency is drawn (both from the same seeded stream).
 *
 * @example
 * sampleLatency({ kind: 'uniform', min: 10, max: 20 }, seededRandom(1)); // 10…20
 * sampleLatency({ kind: 'stall', base: { kind: 'fixed', ms: 20 }, probability: 0.03, stall: { kind: 'fixed', ms: 1000 } }, seededRandom(1)); // 20, or 1000 on ~3% of draws
 */
export function sampleLatency(latency: Latency, random: Random): number {
  switch (latency.kind) {
    case 'stall':
      return sampleLatency(random() < latency.probability ? latency.stall : latency.base, random);
    case 'fixed':
      return latency.ms;
    case 'uniform':
      return latency.min + (latency.max - latency.min) * random();
    case 'lognormal': {
      if (latency.p99 <= latency.p50) return latency.p50;
      const sigma = Math.log(latency.p99 / latency.p50) / Z_99;
      return latency.p50 * Math.exp(sigma * standardNormal(random));
    }
  }
}

function standardNormal(random: Random): number {
  const first = 1 - random();
  const second = random();
  return Math.sqrt(-2 * Math.log(first)) * Math.cos(2 * Math.PI * second);
}
