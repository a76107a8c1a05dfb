/**
 * What a reload changed, by policy name.
 */
import type { PolicySet } from '../policy/types.js';

/** Policy names added, removed and changed by a reload (each list sorted). */
export interface PolicyChanges {
  readonly added: readonly string[];
  readonly removed: readonly string[];
  /** Present before and after, with a different version (content). */
  readonly changed: readonly string[];
}

/**
 * Compares two policy sets by name and per-policy version.
 *
 * @example
 * const { added, removed, changed } = diffPolicySets(before, after);
 */
export function diffPolicySets(previous: PolicySet | null, next: PolicySet): PolicyChanges {
  const before = previous?.policies ?? new Map();
  const added: string[] = [];
  const changed: string[] = [];
  const removed: string[] = [];
  for (const [name, policy] of next.policies) {
    const old = before.get(name);
    if (old === undefined) added.push(name);
    else if (old.version !== policy.version) changed.push(name);
  }
  for (const name of before.keys()) {
    if (!next.policies.has(name)) removed.push(name);
  }
  return { added: added.sort(), removed: removed.sort(), changed: changed.sort() };
}
