/**
 * What a session does after an attempt fails: ask the policy's rules what
 * next (docs/embedding.md), apply the cooldown they set, then end the session, or
 * queue the next models and start them after the rules' delay.
 */
import type { ErrorFact } from '../errors/kinds.js';
import type { Policy } from '../policy/types.js';
import { decideDetailed } from '../rules/decide.js';
import { computeDelay, nextTarget } from '../rules/delay.js';
import { buildFailureFacts } from '../rules/facts.js';
import type { StreamPhase } from '../rules/facts.js';
import type { Decision } from '../rules/types.js';
import { addStatsFacts, statsFactsOf } from '../rules/stats-facts.js';
import { sessionCost } from './liveCalls.js';
import { requestFactsOf } from './request.js';
import { cooldownKey } from './StateStore.js';
import type { Session } from './Session.js';

/**
 * Decide and act on one failure. `restartText` is the text a mid-stream
 * failure voids (null otherwise): the consumer hears `restart` only when
 * another model will actually try.
 */
export function afterFailure(session: Session, model: string, provider: string | null, fact: ErrorFact, number: number, phase: StreamPhase, restartText: string | null): void {
  const policy = session.policy;
  if (!policy.enabled) {
    if (session.inFlight.size === 0) session.end('disabled');
    return;
  }
  const services = session.services;
  const facts = buildFailureFacts({
    error: fact,
    attempt: { model, provider, number },
    session: {
      attempts: session.sent,
      elapsedMs: services.clock.now() - session.startTime,
      tried: session.tried,
      estimatedCost: sessionCost(policy, session.tried, session.estimatedInputTokens()),
    },
    streamPhase: phase,
    request: { ...(session.requestFacts ??= requestFactsOf(session.options, session.sink !== null, session.shape())), estimatedInputTokens: session.estimatedInputTokens() },
  });
  const statsFacts = statsFactsOf(policy).rules;
  if (statsFacts.length > 0) {
    addStatsFacts(facts as Record<string, unknown>, statsFacts, (name) => services.live.get(cooldownKey(policy.name, name), policy.statsWindowMs, services.clock.now()));
  }
  let decision: Decision;
  try {
    decision = decideDetailed(policy, facts, { random: services.random, plan: session.plan, seed: session.seed, sticky: services.sticky, now: () => services.clock.now(), turn: (key) => services.cooldowns.turn(key), waitedMs: session.waitedMs }).decision;
  } catch (error) {
    services.logger?.logInternalError?.('decide failed; falling back to the plan order', error);
    decision = planOrderDecision(session, model, provider, fact, 'executor:decide-error');
  }
  if (decision.cooldownMs !== null) services.cooldowns.coolDown(policy, model, decision.cooldownMs, services.clock.now());
  if (decision.action === 'fail' && failureReasonOf(decision, policy) === 'rejected' && decision.source !== 'rule' && session.options.fallbackWhen !== undefined) {
    let holds = false;
    try {
      holds = session.options.fallbackWhen(fact, facts);
    } catch (error) {
      services.logger?.logInternalError?.('fallbackWhen threw; treated as false', error);
    }
    if (holds) decision = planOrderDecision(session, model, provider, fact, 'condition:function');
  }
  if (decision.action === 'fail') {
    session.failReason = failureReasonOf(decision, policy);
    if (session.inFlight.size === 0) session.end(session.failReason);
    return;
  }
  session.failReason = 'exhausted';
  session.queue = decision.next.map((next) => ({ model: next, reason: decision.rule }));
  session.width = decision.strategy === 'parallel' ? Math.max(1, policy.parallel.width) : 1;
  if (session.committed !== null) return;
  if (restartText !== null && session.sent < session.plan.maxAttempts && session.queue.length > 0) {
    void session.sink?.push({ type: 'restart', failedModel: model, error: fact, discardedText: restartText });
  }
  schedule(session, decision.delayMs, number);
}

/** The executor's own decision: the rest of the plan, in order, after the policy's backoff (see computeDelay). */
function planOrderDecision(session: Session, failed: string, provider: string | null, fact: ErrorFact, rule: string): Decision {
  const plan = session.plan;
  const policy = session.policy;
  const next = [plan.primary, ...plan.chain].filter((model) => !session.tried.includes(model));
  const first = next[0];
  return {
    action: next.length === 0 ? 'fail' : 'fallback',
    next,
    delayMs:
      first === undefined
        ? 0
        : computeDelay({
            policy,
            failedAttempts: session.failures,
            retryAfterMs: fact.retryAfterMs,
            overrideMs: null,
            random: session.services.random,
            target: nextTarget(policy, failed, first, provider),
            providerWide: fact.scope === 'provider',
          }).delayMs,
    cooldownMs: null,
    rule,
    source: 'default',
    strategy: plan.strategy,
    explanation: 'the executor chose the rest of the plan',
  };
}

/**
 * Why a `fail` decision ends the session: limits and a chain with nothing
 * left are `exhausted` (or `deadline`); gates, a rule's `fail`, an unmapped
 * error or no condition holding are `rejected`.
 */
function failureReasonOf(decision: Decision, policy: Policy): 'exhausted' | 'rejected' | 'deadline' {
  const rule = decision.rule;
  if (rule === 'limit:deadline') return 'deadline';
  if (rule === 'limit:max_attempts') return 'exhausted';
  if (rule.startsWith('gate:') || rule === 'strategy:error_type:no-mapping' || rule === 'strategy:conditional:no-condition') return 'rejected';
  if (decision.source === 'rule') return policy.rules.find((candidate) => candidate.name === rule)?.then.fail === true ? 'rejected' : 'exhausted';
  return decision.source === 'strategy' ? 'exhausted' : 'rejected';
}

/** Start the next attempts now, or after `delayMs` (a backoff the session's span records). */
function schedule(session: Session, delayMs: number, afterAttempt: number): void {
  if (!(delayMs > 0)) {
    session.fill();
    return;
  }
  if (session.deadlineAt !== null && session.inFlight.size === 0 && session.services.clock.now() + delayMs >= session.deadlineAt) {
    // Waiting would only run into the deadline: give up now rather than hold the caller.
    session.end('deadline');
    return;
  }
  session.scope.backoff(delayMs, afterAttempt);
  session.waitedMs += delayMs;
  session.waiting = true;
  session.delayTimer = setTimeout(() => session.push({ type: 'delay-over' }), delayMs);
}
