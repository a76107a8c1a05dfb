/**
 * Which SDK error class an error is, without importing the SDKs: they are
 * optional peers, loaded on first use, so an error of theirs can only exist
 * once something loaded them. Two ways to tell, the exact one first:
 * - the classes registered when detour loads an SDK, or when it is handed a
 *   client (the client class carries them as statics): `instanceof`, which
 *   survives a bundler that renames classes;
 * - the constructor names on the error's prototype chain, counted only under
 *   the SDK's root class (`OpenAIError`, `AnthropicError`), which also
 *   recognises an SDK loaded by the caller alone, or a second copy of it.
 */

/** The SDKs whose errors are told apart by class (`@google/genai` has one, matched by name). */
export type ClassifiedSdk = 'openai' | 'anthropic';

/** Each SDK's classes detour tells apart, subclasses before their parents; the last is the SDK's root. */
const CLASS_NAMES: Readonly<Record<ClassifiedSdk, readonly string[]>> = {
  openai: [
    'APIConnectionTimeoutError',
    'APIUserAbortError',
    'APIConnectionError',
    'RateLimitError',
    'InternalServerError',
    'AuthenticationError',
    'PermissionDeniedError',
    'NotFoundError',
    'BadRequestError',
    'UnprocessableEntityError',
    'ConflictError',
    'APIError',
    'OpenAIError',
  ],
  anthropic: ['APIConnectionTimeoutError', 'APIUserAbortError', 'APIConnectionError', 'APIError', 'AnthropicError'],
};

type ErrorClass = abstract new (...args: never[]) => unknown;
type ClassTable = readonly (readonly [ErrorClass, string])[];

const registered: Record<ClassifiedSdk, ClassTable[]> = { openai: [], anthropic: [] };
const rootsSeen = new Set<unknown>();
/**
 * The answer per error prototype (an error's class is its prototype chain):
 * a failover asks several times about the same few classes. Emptied when a
 * table is registered.
 */
const byPrototype: Record<ClassifiedSdk, WeakMap<object, string | null>> = { openai: new WeakMap(), anthropic: new WeakMap() };

/**
 * Remember an SDK's error classes, read from `holder`: the SDK's module, or
 * its client class (both carry `RateLimitError`, `APIError`, …). A second
 * copy of the SDK adds its own table; the same copy twice is ignored.
 *
 * @example
 * registerSdkErrorClasses('openai', await import('openai'));
 */
export function registerSdkErrorClasses(sdk: ClassifiedSdk, holder: unknown): void {
  const names = CLASS_NAMES[sdk];
  const table: (readonly [ErrorClass, string])[] = [];
  for (const name of names) {
    const errorClass = readClass(holder, name);
    if (errorClass !== null) table.push([errorClass, name]);
  }
  const root = table.find(([, name]) => name === names[names.length - 1])?.[0];
  if (root === undefined || rootsSeen.has(root)) return;
  rootsSeen.add(root);
  registered[sdk].push(table);
  byPrototype[sdk] = new WeakMap();
}

function readClass(holder: unknown, name: string): ErrorClass | null {
  if ((typeof holder !== 'object' && typeof holder !== 'function') || holder === null) return null;
  try {
    const value: unknown = (holder as Record<string, unknown>)[name];
    return typeof value === 'function' ? (value as ErrorClass) : null;
  } catch {
    return null;
  }
}

/** Constructor names from the error's own class up, bounded; never throws. */
function prototypeNames(error: unknown): string[] {
  const names: string[] = [];
  if (typeof error !== 'object' || error === null) return names;
  try {
    let prototype: unknown = Object.getPrototypeOf(error);
    while (prototype !== null && prototype !== Object.prototype && names.length < 12) {
      const name: unknown = (prototype as { constructor?: { name?: unknown } }).constructor?.name;
      if (typeof name === 'string') names.push(name);
      prototype = Object.getPrototypeOf(prototype);
    }
  } catch {
    // A hostile Proxy or getter: what was read so far stands.
  }
  return names;
}

/**
 * The most specific class of `sdk` that `error` is an instance of, by name
 * (`RateLimitError`, …, the root last), or null when it is not that SDK's error.
 *
 * @example
 * sdkErrorClass('openai', new OpenAI.RateLimitError(429, body, 'rate limited', headers)) // → 'RateLimitError'
 * sdkErrorClass('anthropic', new OpenAI.RateLimitError(429, body, 'rate limited', headers)) // → null
 */
export function sdkErrorClass(sdk: ClassifiedSdk, error: unknown): string | null {
  if (typeof error !== 'object' || error === null) return null;
  let prototype: unknown;
  try {
    prototype = Object.getPrototypeOf(error);
  } catch {
    return classOf(sdk, error);
  }
  if (typeof prototype !== 'object' || prototype === null || prototype === Object.prototype) return classOf(sdk, error);
  const known = byPrototype[sdk].get(prototype);
  if (known !== undefined) return known;
  const name = classOf(sdk, error);
  byPrototype[sdk].set(prototype, name);
  return name;
}

function classOf(sdk: ClassifiedSdk, error: object): string | null {
  for (const table of registered[sdk]) {
    for (const [errorClass, name] of table) {
      try {
        if (error instanceof errorClass) return name;
      } catch {
        break;
      }
    }
  }
  const names = CLASS_NAMES[sdk];
  const chain = prototypeNames(error);
  if (!chain.includes(names[names.length - 1] as string)) return null;
  return chain.find((name) => names.includes(name)) ?? null;
}
