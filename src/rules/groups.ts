/**
 * Groups: several deployments behind one name (`groups` in a policy). The
 * executor calls models, never groups, so every name a chain or a rule gives
 * is resolved to the models a session will try, the same way for the plan,
 * for each decision, for `detour explain` and for `detour test`:
 * - a `sequential` group stands for all its members, in order;
 * - a `random`, `round_robin` or `weighted_round_robin` group stands for one
 *   member per session (by weight, or in turn; `sticky` keeps a key on one
 *   member), chosen the first time the session needs it and kept for the
 *   rest of the session.
 * Members may be groups themselves; they resolve the same way.
 */
import type { GroupConfig, Policy } from '../policy/types.js';
import type { StickyStore } from './sticky-store.js';
import { weightedPick } from './random.js';
import type { Facts } from './types.js';

export interface PickContext {
  readonly policyName: string;
  readonly facts: Facts;
  readonly random: () => number;
  readonly now: () => number;
  readonly sticky: StickyStore;
  /**
   * A round-robin group's turn: 0 for the first session that asks, then 1, 2, …
   * (shared through the executor's StateStore). @default always 0
   */
  readonly turn?: (key: string) => number;
  /** The live figures the statistic strategies pick on; absent (tests, explain): they take the first member. */
  readonly figures?: MemberFigures;
}

/** What the statistic group strategies compare, per member (lower is better). */
export interface MemberFigures {
  /** Median latency over the window; null before its first answer. */
  latencyMs(model: string): number | null;
  inFlight(model: string): number;
  /** Share of its `rpm` / `tpm` budget used (0 without a budget). */
  usage(model: string): number;
  /** Estimated cost of this request in US dollars; null without a `price`. */
  cost(model: string): number | null;
}

/** A member's score under a statistic strategy: lower wins. */
function score(strategy: GroupConfig['strategy'], figures: MemberFigures, member: string): number {
  switch (strategy) {
    case 'least_latency':
      // No answer in the window yet: try it, so a recovered model wins its traffic back.
      return figures.latencyMs(member) ?? 0;
    case 'least_busy':
      return figures.inFlight(member);
    case 'usage_based':
      return figures.usage(member);
    case 'lowest_cost':
      return figures.cost(member) ?? Infinity;
    default:
      return 0;
  }
}

/** The member with the lowest score; ties are broken at random. */
function bestMember(group: GroupConfig, figures: MemberFigures, random: () => number): string | undefined {
  let best: string[] = [];
  let bestScore = Infinity;
  for (const member of group.members) {
    const value = score(group.strategy, figures, member);
    if (value < bestScore) {
      bestScore = value;
      best = [member];
    } else if (value === bestScore) best.push(member);
  }
  if (best.length === 0) return group.members[0];
  return best[Math.min(best.length - 1, Math.floor(random() * best.length))];
}

/** FNV-1a, 32 bits: a fast, stable string hash for consistent sticky assignments. */
function hash32(text: string): number {
  let hash = 0x811c9dc5;
  for (let index = 0; index < text.length; index += 1) {
    hash ^= text.charCodeAt(index);
    hash = Math.imul(hash, 0x01000193) >>> 0;
  }
  // A final avalanche so near-identical keys spread.
  hash ^= hash >>> 16;
  hash = Math.imul(hash, 0x85ebca6b) >>> 0;
  hash ^= hash >>> 13;
  return hash >>> 0;
}

function weightOf(group: GroupConfig, member: string): number {
  const weight = group.weights[member];
  return typeof weight === 'number' && Number.isFinite(weight) && weight >= 0 ? weight : 1;
}

/**
 * The member a consistent hash gives `value`: weighted rendezvous hashing
 * (highest `-weight / ln(u)` wins, u the hash of value and member in (0, 1)),
 * so removing a member moves only its own callers.
 */
export function hashedMember(group: GroupConfig, value: string): string | undefined {
  let best: string | undefined;
  let bestScore = -Infinity;
  for (const member of group.members) {
    const weight = weightOf(group, member);
    if (weight <= 0) continue;
    const unit = (hash32(`${member}\u0000${value}`) + 0.5) / 4294967296;
    const score = -weight / Math.log(unit);
    if (score > bestScore) {
      bestScore = score;
      best = member;
    }
  }
  return best ?? group.members[0];
}

/**
 * The member of a weighted round-robin group at turn `turn`: nginx's smooth
 * weighted round robin (each turn, every member gains its weight and the
 * richest is picked and pays the total), so a 3:1 group goes a a b a, not a a a b.
 */
export function roundRobinMember(group: GroupConfig, turn: number, weighted: boolean): string | undefined {
  const members = group.members;
  if (!weighted) return members[turn % members.length];
  const weights = members.map((member) => Math.max(0, Math.round(weightOf(group, member))));
  const total = weights.reduce((sum, weight) => sum + weight, 0);
  if (total <= 0) return members[turn % members.length];
  const current = weights.map(() => 0);
  let chosen = 0;
  for (let step = 0; step <= turn % total; step += 1) {
    for (let index = 0; index < current.length; index += 1) current[index] = (current[index] ?? 0) + (weights[index] ?? 0);
    chosen = 0;
    for (let index = 1; index < current.length; index += 1) if ((current[index] ?? 0) > (current[chosen] ?? 0)) chosen = index;
    current[chosen] = (current[chosen] ?? 0) - total;
  }
  return members[chosen];
}

/**
 * One member of a group for a session: a pick by weight (`random`), the
 * next in turn (`round_robin`, `weighted_round_robin`), the first
 * (`sequential`). With `sticky`, the value of the sticky fact (e.g. the user
 * id) keeps its member until the ttl ends, or for good with `hash: true` (a
 * consistent hash, nothing remembered); a session without that fact is not sticky.
 *
 * @example
 * pickGroupMember(policy.groups['gpt-pool'], { policyName, facts, random, now: Date.now, sticky });
 */
export function pickGroupMember(group: GroupConfig, context: PickContext): string {
  const fresh = (): string => {
    switch (group.strategy) {
      case 'sequential':
        return group.members[0] ?? group.name;
      case 'round_robin':
      case 'weighted_round_robin': {
        const turn = context.turn?.(`${context.policyName}/${group.name}`) ?? 0;
        return roundRobinMember(group, turn, group.strategy === 'weighted_round_robin') ?? group.name;
      }
      case 'random':
        return weightedPick(group.members, group.weights, context.random) ?? group.name;
      case 'least_latency':
      case 'least_busy':
      case 'usage_based':
      case 'lowest_cost':
        return (context.figures === undefined ? group.members[0] : bestMember(group, context.figures, context.random)) ?? group.name;
    }
  };
  if (!group.sticky) return fresh();
  const value = context.facts[group.sticky.key];
  if (value === null || value === undefined) return fresh();
  const text = typeof value === 'string' ? value : JSON.stringify(value);
  if (group.sticky.hash === true) return hashedMember(group, text) ?? group.name;
  const key = `${context.policyName}\u0000${group.name}\u0000${text}`;
  const now = context.now();
  const remembered = context.sticky.get(key);
  if (remembered && remembered.expiresAt > now && group.members.includes(remembered.member)) return remembered.member;
  const member = fresh();
  context.sticky.set(key, { member, expiresAt: now + group.sticky.ttlMs });
  return member;
}

/** Names with each group replaced by the members `membersOf` gives (nested groups too), first occurrence kept. */
function flatten(policy: Policy, names: readonly string[], membersOf: (group: GroupConfig) => readonly string[]): string[] {
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
    for (const member of membersOf(group)) visit(member, depth + 1);
  };
  for (const name of names) visit(name, 0);
  return models;
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
  return flatten(policy, names, (group) => (group.strategy === 'sequential' ? group.members : [(choices[group.name] ??= pickGroupMember(group, context))]));
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
