/**
 * Sticky group choices kept in the executor's StateStore, so processes that
 * share a store keep a user on the same member.
 */
import type { StickyStore } from '../rules/plan.js';
import type { StateStore } from './StateStore.js';
import type { Clock } from './types.js';

/**
 * A StickyStore over a StateStore: `sticky/<key>` → member until its ttl.
 *
 * @example
 * planRequest(policy, facts, { sticky: new StoreStickyStore(new InMemoryStateStore(), Date) });
 */
export class StoreStickyStore implements StickyStore {
  constructor(
    private readonly store: StateStore,
    private readonly clock: Clock,
  ) {}

  get(key: string): { readonly member: string; readonly expiresAt: number } | undefined {
    const held = this.store.get(`sticky/${key}`, this.clock.now());
    return held === null ? undefined : { member: held.value, expiresAt: held.expiresAt };
  }

  set(key: string, value: { readonly member: string; readonly expiresAt: number }): void {
    this.store.claim(`sticky/${key}`, value.member, value.expiresAt, this.clock.now());
  }
}
