/**
 * Safe reads from values of unknown shape. Errors come from many SDKs (and
 * from callers): a getter may throw, a value may be a Proxy or cyclic, so
 * every read here is guarded and never throws.
 */

export type UnknownRecord = Readonly<Record<string, unknown>>;

export function isRecord(value: unknown): value is UnknownRecord {
  return typeof value === 'object' && value !== null;
}

/** `value[key]`, or undefined when absent or when reading it throws. */
export function readProperty(value: unknown, key: string): unknown {
  if (!isRecord(value) && typeof value !== 'function') return undefined;
  try {
    return (value as Record<string, unknown>)[key];
  } catch {
    return undefined;
  }
}

export function readString(value: unknown, key: string): string | undefined {
  const property = readProperty(value, key);
  return typeof property === 'string' ? property : undefined;
}

export function readNumber(value: unknown, key: string): number | undefined {
  const property = readProperty(value, key);
  return typeof property === 'number' && Number.isFinite(property) ? property : undefined;
}

/** A code that may be sent as a string or a number (`"429"`, `502`), as a string. */
export function readCode(value: unknown, key: string): string | undefined {
  const property = readProperty(value, key);
  if (typeof property === 'string' && property.length > 0) return property;
  if (typeof property === 'number' && Number.isFinite(property)) return String(property);
  return undefined;
}

/** The value's `name`, falling back to its constructor's name when `name` is the generic "Error". */
export function errorClassName(value: unknown): string | null {
  if (!isRecord(value)) return null;
  const name = readString(value, 'name');
  if (name !== undefined && name !== 'Error') return name;
  try {
    const constructorName = (value as { constructor?: { name?: unknown } } | null)?.constructor?.name;
    if (typeof constructorName === 'string' && constructorName !== '' && constructorName !== 'Object') {
      return constructorName;
    }
  } catch {
    // A hostile prototype; the name stays unknown.
  }
  return name ?? null;
}

/** A header from a fetch `Headers`, a plain record, or a Map-like; lower-cased names. */
export function readHeader(headers: unknown, name: string): string | undefined {
  if (!isRecord(headers)) return undefined;
  try {
    const get = (headers as { get?: unknown }).get;
    if (typeof get === 'function') {
      const value: unknown = get.call(headers, name);
      if (typeof value === 'string') return value;
      // A fetch Headers says null for a header it does not have, and has none of its own beside what `get` reads.
      if (value !== undefined || (typeof Headers !== 'undefined' && headers instanceof Headers)) return undefined;
    }
    for (const [key, value] of Object.entries(headers)) {
      if (key.toLowerCase() === name && (typeof value === 'string' || typeof value === 'number')) return String(value);
    }
  } catch {
    return undefined;
  }
  return undefined;
}

/** The `cause` chain, the error itself first; bounded and cycle-safe. */
export function causeChain(error: unknown, limit = 6): unknown[] {
  const chain: unknown[] = [];
  let current: unknown = error;
  while (current !== undefined && current !== null && chain.length < limit && !chain.includes(current)) {
    chain.push(current);
    current = readProperty(current, 'cause');
  }
  return chain;
}

/** JSON.parse that returns undefined instead of throwing. */
export function parseJson(text: string): unknown {
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return undefined;
  }
}
