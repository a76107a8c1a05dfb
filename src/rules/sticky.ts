/**
 * Where sticky group choices live (`groups.<name>.sticky`): key value →
 * member until its ttl ends. The default is in memory, per process, bounded
 * by an LRU so a stream of distinct user ids cannot grow it without limit.
 */
import type { StickyStore } from './sticky-store.js';

/**
 * An in-memory StickyStore with a least-recently-used bound.
 *
 * @example
 * const store = new MemoryStickyStore({ maxEntries: 1000 });
 * planRequest(policy, facts, { sticky: store });
 */
export class MemoryStickyStore implements StickyStore {
  readonly #entries = new Map<string, { readonly member: string; readonly expiresAt: number }>();
  readonly #maxEntries: number;

  /** @param options.maxEntries keys remembered at most; @default 10000 */
  constructor(options: { readonly maxEntries?: number } = {}) {
    this.#maxEntries = Math.max(1, options.maxEntries ?? 10_000);
  }

  get(key: string): { readonly member: string; readonly expiresAt: number } | undefined {
    const entry = this.#entries.get(key);
    if (entry) {
      this.#entries.delete(key);
      this.#entries.set(key, entry);
    }
    return entry;
  }

  set(key: string, value: { readonly member: string; readonly expiresAt: number }): void {
    this.#entries.delete(key);
    this.#entries.set(key, value);
    while (this.#entries.size > this.#maxEntries) {
      const oldest = this.#entries.keys().next().value as string;
      this.#entries.delete(oldest);
    }
  }

  /** Forget every key. */
  clear(): void {
    this.#entries.clear();
  }

  /** Keys currently remembered (expired ones included until evicted). */
  get size(): number {
    return this.#entries.size;
  }
}

/** The store `planRequest` uses when the caller passes none: one per process. */
export const defaultStickyStore: StickyStore = new MemoryStickyStore();
