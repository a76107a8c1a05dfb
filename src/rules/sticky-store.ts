/**
 * The StickyStore contract on its own, so that the plan, the group resolver
 * and the stores that implement it (`sticky.ts`, the executor's store over its
 * StateStore) can all import it without importing each other.
 */

/**
 * Remembers sticky group choices: key → member until expiry.
 *
 * @example
 * const entries = new Map<string, { member: string; expiresAt: number }>();
 * const store: StickyStore = { get: (key) => entries.get(key), set: (key, value) => void entries.set(key, value) };
 */
export interface StickyStore {
  get(key: string): { readonly member: string; readonly expiresAt: number } | undefined;
  set(key: string, value: { readonly member: string; readonly expiresAt: number }): void;
}
