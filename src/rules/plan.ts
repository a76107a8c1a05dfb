/**
 * STUB — owned by the rules helper (issue 3), which replaces the bodies.
 */
import type { Policy } from '../policy/types.js';
import type { Facts, Plan } from './types.js';

/** Remembers sticky group choices: key → member until expiry. */
export interface StickyStore {
  get(key: string): { readonly member: string; readonly expiresAt: number } | undefined;
  set(key: string, value: { readonly member: string; readonly expiresAt: number }): void;
}

export interface PlanOptions {
  readonly random?: () => number;
  /** Milliseconds since the epoch; default Date.now. */
  readonly now?: () => number;
  readonly sticky?: StickyStore;
}

/** Choose a session's plan from `request.*` facts: routes first, then the policy's default. */
export function planRequest(policy: Policy, requestFacts: Facts, options: PlanOptions = {}): Plan {
  void policy;
  void requestFacts;
  void options;
  throw new Error('planRequest: not built yet');
}
