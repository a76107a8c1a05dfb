/**
 * Seedable randomness for strategies, group picks and jitter. Every random
 * choice in `src/rules` takes a `() => number` in [0, 1) so tests and
 * `detour explain` can be deterministic.
 */

/**
 * A small, fast seeded PRNG (mulberry32). Same seed, same sequence.
 *
 * @example
 * const random = mulberry32(42);
 * random(); // 0.6011037519201636, every time
 */
export function mulberry32(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state + 0x6d2b79f5) >>> 0;
    let t = state;
    t = Math.imul(t ^ (t >>> 15), t | 1);
    t ^= t + Math.imul(t ^ (t >>> 7), t | 61);
    return ((t ^ (t >>> 14)) >>> 0) / 4294967296;
  };
}

function weightOf(weights: Readonly<Record<string, number>>, name: string): number {
  const weight = weights[name];
  return typeof weight === 'number' && Number.isFinite(weight) && weight >= 0 ? weight : 1;
}

/**
 * One weighted pick. A name without a weight counts as 1; zero-weight names
 * are picked only when every name weighs zero (then the first).
 *
 * @example
 * weightedPick(['a', 'b'], { a: 3, b: 1 }, mulberry32(1)); // 'a' three times in four
 */
export function weightedPick(names: readonly string[], weights: Readonly<Record<string, number>>, random: () => number): string | undefined {
  if (names.length <= 1) return names[0];
  let total = 0;
  for (const name of names) total += weightOf(weights, name);
  if (total <= 0) return names[0];
  let target = random() * total;
  for (const name of names) {
    target -= weightOf(weights, name);
    if (target < 0) return name;
  }
  // Floating-point leftovers land on the last name with any weight.
  for (let index = names.length - 1; index >= 0; index -= 1) {
    const name = names[index] as string;
    if (weightOf(weights, name) > 0) return name;
  }
  return names[0];
}

/**
 * A weighted order without replacement: each position is a weighted pick
 * among the names not yet placed. With no weights it is a uniform shuffle.
 *
 * @example
 * weightedOrder(['a', 'b', 'c'], { a: 5 }, mulberry32(7)); // 'a' first most of the time
 */
export function weightedOrder(names: readonly string[], weights: Readonly<Record<string, number>>, random: () => number): string[] {
  const remaining = [...names];
  const order: string[] = [];
  while (remaining.length > 0) {
    const pick = weightedPick(remaining, weights, random) as string;
    order.push(pick);
    remaining.splice(remaining.indexOf(pick), 1);
  }
  return order;
}

/**
 * A session's random stream for one step: step 0 plans the session, step n
 * decides after the session's nth call fails (`session.attempts`). Seeded by the session's seed, so `detour
 * explain` given the same `random_seed` makes the same random choices at
 * every step as the running session did, whatever happened in between.
 *
 * @example
 * stepRandom(42, 0)(); // the plan's first draw, every time
 */
export function stepRandom(seed: number, step: number): () => number {
  return mulberry32((seed ^ Math.imul(step + 1, 0x9e3779b9)) >>> 0);
}

/** A fresh 32-bit session seed drawn from `random`. */
export function drawSeed(random: () => number): number {
  return Math.floor(random() * 4294967296) >>> 0;
}
