/**
 * PolicySet: the policies a process serves, keyed by name, with one version
 * that changes whenever any member changes. Sessions pin a set; a reload
 * builds a new one and never touches the old.
 */
import { createHash } from 'node:crypto';
import type { Policy, PolicySet } from './types.js';

class ReadonlyPolicyMap extends Map<string, Policy> {
  #sealed = false;

  constructor(entries: Iterable<readonly [string, Policy]>) {
    super();
    for (const [name, policy] of entries) super.set(name, policy);
    this.#sealed = true;
  }

  override set(name: string, policy: Policy): this {
    if (this.#sealed) throw new TypeError('a PolicySet is immutable: load a new one instead');
    return super.set(name, policy);
  }

  override delete(): boolean {
    throw new TypeError('a PolicySet is immutable: load a new one instead');
  }

  override clear(): void {
    throw new TypeError('a PolicySet is immutable: load a new one instead');
  }
}

/**
 * A frozen PolicySet over policies with distinct names (the first of two
 * same-named policies wins; `loadPolicies` reports such duplicates).
 *
 * @example
 * const set = createPolicySet([policy]);
 * set.get('default')?.primaryModel // 'gpt-4o'
 */
export function createPolicySet(policies: readonly Policy[]): PolicySet {
  const byName = new Map<string, Policy>();
  for (const policy of policies) if (!byName.has(policy.name)) byName.set(policy.name, policy);
  const names = [...byName.keys()].sort();
  const hash = createHash('sha256');
  for (const name of names) hash.update(`${name}\u0000${byName.get(name)?.version ?? ''}\u0000`);
  const map = new ReadonlyPolicyMap(names.map((name) => [name, byName.get(name) as Policy] as const));
  return Object.freeze({
    version: hash.digest('hex').slice(0, 12),
    policies: map,
    get: (name: string) => map.get(name),
  });
}
