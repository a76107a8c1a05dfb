/**
 * STUB — owned by the rules helper (issue 3), which replaces the bodies.
 */
import type { Policy } from '../policy/types.js';
import type { Decision, Facts } from './types.js';

export interface DecideOptions {
  /** Uniform [0, 1) source for jitter and random strategies; seedable. Default Math.random. */
  readonly random?: () => number;
}

/**
 * Decide what runs after a failure. `facts` are the flat facts of DESIGN §3
 * (see `buildFailureFacts`). Safe to call concurrently on one policy.
 */
export async function decide(policy: Policy, facts: Facts, options: DecideOptions = {}): Promise<Decision> {
  void policy;
  void facts;
  void options;
  throw new Error('decide: not built yet');
}
