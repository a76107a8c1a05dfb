/**
 * Groups: several deployments behind one name (`groups` in a policy). The
 * executor calls models, never groups, so every name a chain or a rule gives
 * is resolved to the models a session will try, the same way for the plan,
 * for each decision, for `detour explain` and for `detour test`:
 * - a `sequential` group stands for all its members, in order;
 * - a `random` group stands for one member per session (by weight; `sticky`
 *   keeps a key on one member for the ttl), chosen the first time the session
 *   needs it and kept for the rest of the session.
 * Members may be groups themselves; they resolve the same way.
 */
import type { GroupConfig, Policy } from '../policy/types.js';
import type { StickyStore } from './plan.js';
import { weightedPick } from './random.js';
import type { Facts } from './types.js';

export interface PickContext {
  readonly policyName: string;
  readonly facts: Facts;
  readonly random: () => number;
  readonly now: () => number;
  readonly sticky: StickyStore;
}

/**
 * One member of a `random` group for a session: a pick by weight. With
 * `sticky`, the value of the sticky fact (e.g. the user id) keeps its member
 * until the ttl ends; a session without that fact is not sticky. For a
 * `sequential` group, its first member.
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

/**
 * Resolve names (models or groups) to the models a session tries, first
 * occurrence kept. `choices` holds the session's picks (group → member); a
 * group not yet in it is picked now and recorded there.
 *
 * @example
 * resolveModels(policy, ['seq-pool', 'gemini-pro'], {}, context); // ['gpt-4o', 'gpt-3.5-turbo', 'gemini-pro']
 */
export function resolveModels(policy: Policy, names: readonly string[], choices: Record<string, string>, context: PickContext): string[] {
  const models: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string, depth: number): void => {
    const group = policy.groups[name];
    if (group === undefined || depth > 8) {
      if (!seen.has(name)) {
        seen.add(name);
        models.push(name);
      }
      return;
    }
    if (group.strategy === 'sequential') {
      for (const member of group.members) visit(member, depth + 1);
      return;
    }
    const chosen = choices[name] ?? pickGroupMember(group, context);
    choices[name] = chosen;
    visit(chosen, depth + 1);
  };
  for (const name of names) visit(name, 0);
  return models;
}

/**
 * Every model a name can stand for (all members of every group, nested),
 * first occurrence kept: what a policy can ever call, for checks and docs.
 *
 * @example
 * expandModels(policy, ['gpt-pool', 'gemini-pro']); // ['gpt-4o', 'gpt-3.5-turbo', 'gemini-pro']
 */
export function expandModels(policy: Policy, names: readonly string[]): string[] {
  const models: string[] = [];
  const seen = new Set<string>();
  const visit = (name: string, depth: number): void => {
    const group = policy.groups[name];
    if (group === undefined || depth > 8) {
      if (!seen.has(name)) {
        seen.add(name);
        models.push(name);
      }
      return;
    }
    for (const member of group.members) visit(member, depth + 1);
  };
  for (const name of names) visit(name, 0);
  return models;
}

/** True when resolving groups draws randomness or state (a `random` group is reachable from `names`). */
export function needsPicks(policy: Policy, names: readonly string[]): boolean {
  const visit = (name: string, depth: number): boolean => {
    const group = policy.groups[name];
    if (group === undefined || depth > 8) return false;
    if (group.strategy !== 'sequential') return true;
    return group.members.some((member) => visit(member, depth + 1));
  };
  return names.some((name) => visit(name, 0));
}

/** The group whose pick put `model` in the session (the innermost random group), or null. */
export function pickedFrom(policy: Policy, choices: Readonly<Record<string, string>>, model: string): string | null {
  for (const [group, member] of Object.entries(choices)) {
    if (member === model && policy.groups[group]?.strategy !== 'sequential') return group;
  }
  return null;
}
