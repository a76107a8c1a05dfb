/**
 * Properties worked out only when something reads them (an error fact's
 * `raw` body, a decision's `explanation`): own and enumerable, so spreading
 * or serialising the object reads them and no copy can miss one, then kept
 * as a plain value.
 *
 * Every object gets the same accessor; the function that computes its value
 * sits under a hidden symbol. An object literal with a getter of its own costs
 * a closure and a slow literal each time, on paths (a failover) that mostly
 * never read the property.
 */

/** Defines `key` on an object, computed by `compute` on first read. */
export type LazyDefiner = <T extends object>(target: T, compute: () => unknown) => T;

/**
 * A definer for property `key`.
 *
 * @example
 * const lazyRaw = lazyProperty('raw');
 * const fact = lazyRaw({ kind: 'rate_limit' }, () => redactValue(body)); // body copied on first read of fact.raw
 */
export function lazyProperty(key: string): LazyDefiner {
  const slot = Symbol(`detour.lazy.${key}`);
  const accessor: PropertyDescriptor = {
    get(this: Record<symbol, (() => unknown) | undefined>): unknown {
      const compute = this[slot];
      const value = compute === undefined ? undefined : compute();
      Object.defineProperty(this, key, { value, enumerable: true, configurable: true, writable: false });
      return value;
    },
    enumerable: true,
    configurable: true,
  };
  return (target, compute) => {
    Object.defineProperty(target, slot, { value: compute });
    return Object.defineProperty(target, key, accessor);
  };
}
