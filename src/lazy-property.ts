/**
 * Properties worked out only when something reads them (an error fact's
 * `raw` body, a decision's `explanation`): own and enumerable, so spreading
 * or serialising the object reads them and no copy can miss one, then kept
 * as a plain value.
 *
 * Every object gets the same accessor; the function that computes its value
 * sits in a private field stamped on the object (no key, spread or JSON
 * sees it). An object literal with a getter of its own costs
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
 * A class whose constructor returns the object it is given: a subclass's
 * private field is then added to that object (V8 adds it as fast as a class
 * field, where `Object.defineProperty` with a symbol goes through the runtime).
 */
class Stamp {
  constructor(target: object) {
    return target as Stamp;
  }
}

/**
 * A definer for property `key`.
 *
 * @example
 * const lazyRaw = lazyProperty('raw');
 * const fact = lazyRaw({ kind: 'rate_limit' }, () => redactValue(body)); // body copied on first read of fact.raw
 */
export function lazyProperty(key: string): LazyDefiner {
  /** The function that computes `key`, held in a private field of the object: invisible to keys, spreads and JSON. */
  class Pending extends Stamp {
    #compute: (() => unknown) | undefined;

    constructor(target: object, compute: () => unknown) {
      super(target);
      this.#compute = compute;
    }

    static has(target: object): boolean {
      return #compute in target;
    }

    /** The pending function, or undefined when the object has none (never lazy, or computed). */
    static peek(target: object): (() => unknown) | undefined {
      return #compute in target ? (target as Pending).#compute : undefined;
    }

    /** Take the pending function away (the value is being computed). */
    static take(target: object): (() => unknown) | undefined {
      if (!(#compute in target)) return undefined;
      const compute = (target as Pending).#compute;
      (target as Pending).#compute = undefined;
      return compute;
    }

    static replace(target: object, compute: () => unknown): void {
      (target as Pending).#compute = compute;
    }
  }
  const accessor: PropertyDescriptor = {
    get(this: object): unknown {
      const compute = Pending.take(this);
      const value = compute === undefined ? undefined : compute();
      Object.defineProperty(this, key, { value, enumerable: true, configurable: true, writable: false });
      return value;
    },
    enumerable: true,
    configurable: true,
  };
  const define = (<T extends object>(target: T, compute: () => unknown): T => {
    // An object defined lazy before (its value computed or not) gets the new function in the field it has.
    if (Pending.has(target)) Pending.replace(target, compute);
    else new Pending(target, compute);
    return Object.defineProperty(target, key, accessor);
  }) as LazyDefiner;
  define.transform = (target, transform) => {
    const compute = Pending.peek(target);
    if (typeof compute !== 'function') return false;
    Pending.replace(target, () => transform(compute()));
    return true;
  };
  return define;
}
