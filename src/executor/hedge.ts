/**
 * Hedging (policy `hedge`): when an attempt has not answered `after` ms in,
 * start the next candidate beside it, at most `max_extra` times; the first
 * answer wins and the others are aborted.
 */
import type { Policy } from '../policy/types.js';
import type { Session } from './Session.js';

/** (Re)start the hedge timer for the attempt just started, while extras are left. */
export function armHedge(session: Session, hedge: NonNullable<Policy['hedge']>): void {
  if (!session.policy.enabled || session.extras >= hedge.maxExtra) return;
  if (session.hedgeTimer !== null) clearTimeout(session.hedgeTimer);
  session.hedgeTimer = setTimeout(() => session.push({ type: 'hedge' }), hedge.afterMs);
}

/** The hedge timer fired: start one extra attempt, unless the session has moved on. */
export function hedge(session: Session): void {
  const hedge = session.policy.hedge;
  if (hedge === null || !session.policy.enabled || session.committed !== null || session.waiting || session.inFlight.size === 0) return;
  if (session.extras >= hedge.maxExtra || session.sent >= session.plan.maxAttempts) return;
  const next = session.nextCandidate();
  if (next === null) return;
  session.extras++;
  session.start({ model: next.model, reason: 'hedge' }, true);
}
