/**
 * Facts as a person writes them (`detour explain --facts`, a policy test's
 * `given`): nested objects flattened to dotted names, and every fact left out
 * filled the way the executor would fill it.
 */
import { ERROR_TYPES, RETRYABLE_KINDS, isErrorKind, kindOfType } from '../errors/kinds.js';
import type { Policy } from '../policy/types.js';
import { buildRequestFacts, countModelAttempts, isPlainObject } from './facts.js';
import { expandModels } from './groups.js';
import { sessionDefaults } from './plan.js';
import type { Facts } from './types.js';

const METADATA = 'request.metadata';

function flatten(target: Record<string, unknown>, prefix: string, value: Record<string, unknown>): void {
  for (const [key, item] of Object.entries(value)) {
    const name = prefix ? `${prefix}.${key}` : key;
    if (isPlainObject(item) && !name.startsWith(`${METADATA}.`)) flatten(target, name, item);
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
  return Object.keys(facts).every((name) => name.startsWith('request.'));
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
export function completeFacts(policy: Policy, given: Facts): { readonly facts: Facts; readonly defaulted: readonly string[] } {
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
  const session = sessionDefaults(policy, facts);
  const order = expandModels(policy, [session.primary, ...session.fallbacks]);
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
