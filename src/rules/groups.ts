/**
 * Groups: several deployments behind one name (DESIGN §2 `groups`).
 * `planRequest` resolves a group to one member per session (by weight, or
 * the first for `sequential`, with `sticky` keeping a key on one member);
 * `decide` expands a group a rule or chain names into all its members in
 * order, because the executor calls models, never groups.
 */
import type { GroupConfig, Policy } from '../policy/types.js';
import type { StickyStore } from './plan.js';
import { weightedPick } from './random.js';
import type { Facts } from './types.js';

/**
 * Names with groups replaced by their members, first occurrence kept.
 *
 * @example
 * expandModels(policy, ['gpt-pool', 'gemini-pro']); // ['gpt-4o', 'gpt-3.5-turbo', 'gemini-pro']
 */
export function expandModels(policy: Policy, names: readonly string[]): string[] {
  const seen = new Set<string>();
  const models: string[] = [];
  for (const name of names) {
    const group = policy.groups[name];
    for (const model of group ? group.members : [name]) {
      if (seen.has(model)) continue;
      seen.add(model);
      models.push(model);
    }
  }
  return models;
}

export interface PickContext {
  readonly policyName: string;
  readonly facts: Facts;
  readonly random: () => number;
  readonly now: () => number;
  readonly sticky: StickyStore;
}

/**
 * One member of a group for a session: `random` groups pick by weight,
 * `sequential` groups take the first member. With `sticky`, the value of the
 * sticky fact (e.g. the user id) keeps its member until the ttl ends; a
 * session without that fact is not sticky.
 *
 * @example
 * pickGroupMember(policy.groups['gpt-pool'], { policyName, facts, random, now: Date.now, sticky });
 */
export function pickGroupMember(group: GroupConfig, context: PickContext): string {
  const fresh = (): string =>
    (group.strategy === 'sequential' ? group.members[0] : weightedPick(group.members, group.weights, context.random)) ?? group.name;
  if (!group.sticky) return fresh();
  const value = context.facts[group.sticky.key];
  if (value === null || value === undefined) return fresh();
  const key = `${context.policyName}\u0000${group.name}\u0000${typeof value === 'string' ? value : JSON.stringify(value)}`;
  const now = context.now();
  const remembered = context.sticky.get(key);
  if (remembered && remembered.expiresAt > now && group.members.includes(remembered.member)) return remembered.member;
  const member = fresh();
  context.sticky.set(key, { member, expiresAt: now + group.sticky.ttlMs });
  return member;
}
