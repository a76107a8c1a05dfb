/**
 * `cooldown_after`: a model that failed `failures` times within `within` is
 * skipped by new sessions for `for`. Each entry counts on its own (a lower
 * count for rate limits than for other errors); a model's own entries
 * replace the policy's. The executor counts in its StateStore; `detour test`
 * and `detour explain` count from `state.failures` — both through this function.
 */
import type { CountCooldown, Policy } from '../policy/types.js';

/** The entries that apply to `model`. */
export function countCooldownsOf(policy: Policy, model: string): readonly CountCooldown[] {
  return policy.models[model]?.cooldownAfter ?? policy.cooldownAfter ?? [];
}

/**
 * The cooldown this failure opens, or null. `count(index, entry)` records
 * the failure against entry `index` and returns the failures in its window,
 * this one included.
 *
 * @example
 * countCooldownMs(policy, 'gpt-4o', 'rate_limit', () => 3); // 30000 with { failures: 3, for: 30s }
 */
export function countCooldownMs(policy: Policy, model: string, kind: string, count: (index: number, entry: CountCooldown) => number): number | null {
  let cooldownMs: number | null = null;
  countCooldownsOf(policy, model).forEach((entry, index) => {
    if (kind === 'aborted' || (entry.kinds.length > 0 && !entry.kinds.includes(kind))) return;
    if (count(index, entry) >= entry.failures) cooldownMs = Math.max(cooldownMs ?? 0, entry.forMs);
  });
  return cooldownMs;
}
