/**
 * Models cooling down (a rule's `cooldown`, an open breaker) as the executor
 * treats them, for `detour explain` and `detour test` given
 * `state.cooling_down`: a model cooling down is passed over while a later
 * model is usable; when only models cooling down remain, the one whose
 * cooldown ends first is tried (a cooldown never stands alone between a
 * request and an answer). The executor applies the same rule one attempt at
 * a time with live cooldowns (`src/executor/candidates.ts`).
 */

/**
 * The order the executor would call `models` in: usable ones first, in order,
 * then those cooling down, earliest to recover first (`untilOf` gives when a
 * model's cooldown ends, or null when it is usable; ties keep the order).
 *
 * @example
 * skipCoolingDown(['a', 'b', 'c'], (model) => (model === 'a' ? 1000 : null)); // ['b', 'c', 'a']
 */
export function skipCoolingDown(models: readonly string[], untilOf: (model: string) => number | null): string[] {
  const usable: string[] = [];
  const cooling: { model: string; until: number; index: number }[] = [];
  models.forEach((model, index) => {
    const until = untilOf(model);
    if (until === null) usable.push(model);
    else cooling.push({ model, until, index });
  });
  if (cooling.length === 0) return usable;
  cooling.sort((left, right) => left.until - right.until || left.index - right.index);
  return [...usable, ...cooling.map((entry) => entry.model)];
}
