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
export interface LazyDefiner {
  <T extends object>(target: T, compute: () => unknown): T;
  /**
   * While `target`'s value is still to be computed, have it pass through `transform`
   * once computed (no copy of the object, no new property); false when the
   * value was computed already or never was lazy.
   */
  transform(target: object, transform: (value: unknown) => unknown): boolean;
}

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
      this[slot] = undefined;
      const value = compute === undefined ? undefined : compute();
      Object.defineProperty(this, key, { value, enumerable: true, configurable: true, writable: false });
      return value;
    },
    enumerable: true,
    configurable: true,
  };
  const define = (<T extends object>(target: T, compute: () => unknown): T => {
    Object.defineProperty(target, slot, { value: compute, writable: true });
    return Object.defineProperty(target, key, accessor);
  }) as LazyDefiner;
  define.transform = (target, transform) => {
    const holder = target as Record<symbol, (() => unknown) | undefined>;
    const compute = holder[slot];
    if (typeof compute !== 'function') return false;
    holder[slot] = () => transform(compute());
    return true;
  };
  return define;
}
