/**
 * Deep freezing: a loaded policy is shared by every session that pinned it,
 * so nothing may change it after loading.
 */

/**
 * Freeze `value` and everything reachable from it; returns it.
 *
 * @example
 * const policy = deepFreeze({ rules: [{ name: 'a' }] });
 * Object.isFrozen(policy.rules[0]) // true
 */
export function deepFreeze<T>(value: T): T {
  if (value === null || typeof value !== 'object' || Object.isFrozen(value)) return value;
  Object.freeze(value);
  for (const key of Reflect.ownKeys(value)) deepFreeze((value as Record<string | symbol, unknown>)[key]);
  return value;
}
