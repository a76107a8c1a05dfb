/**
 * Facts as a person writes them (`detour explain --facts`, a policy test's
 * `given`): nested objects flattened to dotted names, and every fact left out
 * filled the way the executor would fill it.
 */
import { ERROR_TYPES, RETRYABLE_KINDS, isErrorKind, kindOfType } from '../errors/kinds.js';
import type { Policy } from '../policy/types.js';
import { buildRequestFacts, countModelAttempts, isPlainObject } from './facts.js';
import { planRequest } from './plan.js';
import { MemoryStickyStore } from './sticky.js';
import type { Facts, Plan } from './types.js';

/** Keys a `given` (or `--facts`) may set that are not facts rules test: what the session's state and luck were. */
export const SESSION_GIVEN_KEYS = ['random_seed', 'state.cooling_down', 'state.round_robin', 'state.failures', 'state.waited_ms'] as const;

const METADATA = 'request.metadata';

function flatten(target: Record<string, unknown>, prefix: string, value: Record<string, unknown>): void {
  for (const [key, item] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(item) && !name.startsWith(`${METADATA}.`) && !name.startsWith('state.')) flatten(target, name, item);
    else target[name] = item;
  }
}

function setPath(target: Record<string, unknown>, keys: readonly string[], value: unknown): void {
  let current = target;
  keys.forEach((key, index) => {
    if (index === keys.length - 1) {
      current[key] = value;
      return;
    }
    if (!isPlainObject(current[key])) current[key] = {};
    current = current[key] as Record<string, unknown>;
  });
}

/**
 * Dotted facts from what a person wrote: `{ "error": { "kind": "timeout" } }`
 * and `{ "error.kind": "timeout" }` alike; `request.metadata.*` keys also
 * give the `request.metadata` object and its nested paths.
 *
 * @example
 * normalizeGivenFacts({ request: { metadata: { region: 'EU' } } })['request.metadata.region']; // 'EU'
 */
export function normalizeGivenFacts(given: Readonly<Record<string, unknown>>): Record<string, unknown> {
  const flat: Record<string, unknown> = {};
  flatten(flat, '', given);
  const metadata: Record<string, unknown> = isPlainObject(flat[METADATA]) ? { ...flat[METADATA] } : {};
  let hasMetadata = METADATA in flat;
  for (const [name, value] of Object.entries(flat)) {
    if (!name.startsWith(`${METADATA}.`)) continue;
    hasMetadata = true;
    setPath(metadata, name.slice(METADATA.length + 1).split('.'), value);
  }
  if (!hasMetadata) return flat;
  const requestFacts = buildRequestFacts({ metadata });
  for (const [name, value] of Object.entries(requestFacts)) {
    if (name === METADATA || name.startsWith(`${METADATA}.`)) flat[name] = value;
  }
  return flat;
}

/** True when the facts say nothing about a failure (only `request.*`): explain the plan. */
export function isRequestOnly(facts: Readonly<Record<string, unknown>>): boolean {
  return Object.keys(facts).every((name) => name.startsWith('request.') || (SESSION_GIVEN_KEYS as readonly string[]).includes(name));
}

/** What a person's `given` says about a session: its facts, plan, seed and the models cooling down. */
export interface GivenSession {
  /** Every fact, the left-out ones filled as the executor would. */
  readonly facts: Facts;
  /** The names that were filled. */
  readonly defaulted: readonly string[];
  /** The `request.*` facts alone. */
  readonly requestFacts: Facts;
  /** The session's plan from the request facts and the seed (a fresh sticky store, time 0). */
  readonly plan: Plan;
  /** `random_seed`, else 0. */
  readonly seed: number;
  /** `state.waited_ms`: what the session has waited so far (`max_total_delay`). */
  readonly waitedMs: number;
  /** `state.failures`: each model's failures within its `cooldown_after` window before this one. */
  readonly recentFailures: Readonly<Record<string, number>>;
  /** `state.round_robin` (group → turn, default 0), as a round-robin group's turn source. */
  readonly turn: (key: string) => number;
  /** `state.cooling_down`: models the session passes over while others are usable, with the ms left (a list given: 1 each). */
  readonly coolingDown: Readonly<Record<string, number>>;
}

/**
 * Read a `given` the way `detour explain` and `detour test` both do: flatten
 * it (`normalizeGivenFacts`), split
 * off `random_seed` and `state.cooling_down`, plan the session from the
 * request facts and the seed exactly as the executor would, and fill the
 * facts left out from that plan.
 *
 * @example
 * givenSession(policy, { 'error.kind': 'timeout', random_seed: 7 }).plan.seed; // 7
 */
export function givenSession(policy: Policy, given: Facts): GivenSession {
  const rest = normalizeGivenFacts(given);
  const seedValue = rest['random_seed'];
  const cooling = rest['state.cooling_down'];
  const roundRobin = rest['state.round_robin'];
  const waited = rest['state.waited_ms'];
  const failures = rest['state.failures'];
  const recentFailures: Record<string, number> = {};
  if (isPlainObject(failures)) for (const [model, count] of Object.entries(failures)) if (typeof count === 'number') recentFailures[model] = count;
  for (const key of SESSION_GIVEN_KEYS) delete rest[key];
  const seed = typeof seedValue === 'number' && Number.isInteger(seedValue) && seedValue >= 0 ? seedValue >>> 0 : 0;
  const coolingDown: Record<string, number> = {};
  if (Array.isArray(cooling)) for (const model of cooling) if (typeof model === 'string') coolingDown[model] = 1;
  if (isPlainObject(cooling)) for (const [model, left] of Object.entries(cooling)) if (typeof left === 'number') coolingDown[model] = left;
  const requestFacts = Object.fromEntries(Object.entries(withRequestDefaults(rest)).filter(([name]) => name.startsWith('request.')));
  const turns = isPlainObject(roundRobin) ? roundRobin : {};
  const turn = (key: string): number => {
    const value = turns[key.slice(key.indexOf('/') + 1)];
    return typeof value === 'number' && Number.isInteger(value) && value >= 0 ? value : 0;
  };
  const plan = planRequest(policy, requestFacts, { seed, sticky: new MemoryStickyStore(), now: () => 0, turn });
  const { facts, defaulted } = completeFacts(policy, rest, plan);
  return { facts, defaulted, requestFacts, plan, seed, coolingDown, turn, recentFailures, waitedMs: typeof waited === 'number' && waited >= 0 ? waited : 0 };
}

function withRequestDefaults(given: Facts): Facts {
  return {
    'request.metadata': {},
    'request.model': null,
    'request.estimated_input_tokens': null,
    'request.stream': false,
    ...given,
  };
}

/**
 * Fill the facts left out the way the executor would (for `detour explain`
 * and `detour test`): `error.kind` from `error.type`, else `unknown`;
 * `error.type` and `error.retryable` from the kind; `attempt.model` = the
 * session's primary; `session.tried` = the session's models in order up to
 * and including `attempt.model` (the chain walked so far), `session.attempts`
 * its length; stream phase `none`; the rest null. Returns the facts and the
 * names that were filled.
 *
 * @example
 * completeFacts(policy, { 'error.kind': 'timeout', 'attempt.model': 'claude-instant' }).facts['session.tried'];
 * // ['gpt-4o', 'gpt-3.5-turbo', 'claude-instant']
 */
export function completeFacts(policy: Policy, given: Facts, plan?: Plan): { readonly facts: Facts; readonly defaulted: readonly string[] } {
  const facts: Record<string, unknown> = { ...given };
  const defaulted: string[] = [];
  const fill = (name: string, value: () => unknown): void => {
    if (facts[name] !== undefined) return;
    facts[name] = value();
    defaulted.push(name);
  };
  fill('request.metadata', () => ({}));
  fill('request.model', () => null);
  fill('request.estimated_input_tokens', () => null);
  fill('request.stream', () => false);
  for (const name of ['request.has_tools', 'request.has_images', 'request.has_files']) fill(name, () => false);
  for (const name of ['request.response_format', 'request.reasoning', 'request.params.max_tokens', 'request.params.temperature', 'request.params.top_p', 'request.params.stop']) fill(name, () => null);
  const sessionPlan = plan ?? planRequest(policy, facts, { seed: 0, sticky: new MemoryStickyStore(), now: () => 0 });
  const order = [sessionPlan.primary, ...sessionPlan.chain];
  fill('error.kind', () => {
    const type = facts['error.type'];
    return (typeof type === 'string' ? kindOfType(type) : undefined) ?? 'unknown';
  });
  const kind = facts['error.kind'];
  fill('error.type', () => (isErrorKind(kind) ? ERROR_TYPES[kind] : null));
  fill('error.retryable', () => isErrorKind(kind) && RETRYABLE_KINDS.has(kind));
  for (const name of ['error.status', 'error.code', 'error.retry_after_ms', 'error.provider', 'error.sdk_error', 'error.scope']) fill(name, () => null);
  fill('error.message', () => '');
  fill('attempt.model', () => order[0] ?? policy.primaryModel);
  const model = facts['attempt.model'];
  fill('attempt.provider', () => (typeof model === 'string' ? (policy.models[model]?.provider ?? null) : null));
  fill('session.tried', () => {
    const position = order.indexOf(model as string);
    return position >= 0 ? order.slice(0, position + 1) : [model];
  });
  const tried = facts['session.tried'];
  fill('session.attempts', () => (Array.isArray(tried) ? Math.max(1, tried.length) : 1));
  fill('attempt.number', () => facts['session.attempts']);
  fill('attempt.model_attempts', () => Math.max(1, countModelAttempts(tried, model)));
  fill('session.elapsed_ms', () => 0);
  fill('stream.phase', () => 'none');
  return { facts, defaulted };
}
