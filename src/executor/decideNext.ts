/**
 * What a session does next after an attempt fails: the policy's rules decide
 * (docs/embedding.md) from the failure's facts; when the rules cannot (they
 * threw) or a gate rejected a failure the caller's `fallbackWhen` accepts, the
 * executor takes the rest of the plan in order. Pure: the session acts on the
 * decision.
 */
import type { ErrorFact } from '../errors/kinds.js';
import type { Policy } from '../policy/types.js';
import { compiledRules } from '../rules/compile.js';
import { decideUnexplained, type UnexplainedDecision } from '../rules/decide.js';
import { computeDelay, nextTarget } from '../rules/delay.js';
import { buildFailureFacts, buildFailureOwnFacts } from '../rules/facts.js';
import type { RequestFactsInput, StreamPhase } from '../rules/facts.js';
import { addStatsFacts, statsFactsOf } from '../rules/stats-facts.js';
import type { Decision, Facts, Plan } from '../rules/types.js';
import { sessionCost } from './liveCalls.js';
import type { SessionServices } from './services.js';
import { cooldownKey } from './StateStore.js';
import type { FallbackPredicate } from './types.js';

/** The attempt that failed. */
export interface FailedCall {
  readonly model: string;
  /** Its provider entry (null when no adapter could be built and the policy names none). */
  readonly provider: string | null;
  readonly fact: ErrorFact;
  readonly number: number;
  readonly phase: StreamPhase;
}

/** Where the session stands when it asks. */
export interface SessionSoFar {
  readonly plan: Plan;
  readonly seed: number;
  /** Attempts sent so far. */
  readonly sent: number;
  /** Attempts failed so far (the backoff's exponent). */
  readonly failures: number;
  /** Backoff waited so far, for `max_total_delay`. */
  readonly waitedMs: number;
  readonly startTime: number;
  readonly tried: readonly string[];
  /** The request: its `request.*` facts (estimated input tokens included) and its input tokens, each worked out only when read. */
  readonly request: { ruleFacts(): RequestFactsInput; estimatedInputTokens(): number };
  readonly fallbackWhen: FallbackPredicate | undefined;
}

/** The decision after `failed` (without the sentence that explains it: the session reads none); never throws (a rules error falls back to the plan order). */
export function decideNext(policy: Policy, services: SessionServices, failed: FailedCall, soFar: SessionSoFar): UnexplainedDecision {
  const repeated = lastDecision.of(policy, failed, soFar);
  if (repeated !== null) return repeated;
  let drew = false;
  const random = (): number => {
    drew = true;
    return services.random();
  };
  const decision = decideFresh(policy, services, failed, soFar, random);
  if (!drew && decision.action !== 'fail' && decision.delayMs === 0 && soFar.fallbackWhen === undefined && repeatable(policy, soFar.plan, failed.fact)) {
    lastDecision.keep(decision, policy, failed, soFar);
  }
  return decision;
}

function decideFresh(policy: Policy, services: SessionServices, failed: FailedCall, soFar: SessionSoFar, random: () => number): UnexplainedDecision {
  const { fact, model, provider } = failed;
  const own = {
    error: fact,
    attempt: { model, provider, number: failed.number },
    session: {
      attempts: soFar.sent,
      elapsedMs: services.clock.now() - soFar.startTime,
      tried: soFar.tried,
      estimatedCost: sessionCost(policy, soFar.tried, () => soFar.request.estimatedInputTokens()),
    },
    streamPhase: failed.phase,
  };
  let allFacts: Facts | null = null;
  /** Every fact (the request's and the stats' included), built once, when something reads past the failure's own. */
  const everyFact = (): Facts => (allFacts ??= withStatsFacts(policy, services, buildFailureFacts({ ...own, request: soFar.request.ruleFacts() })));
  const facts = needsAllFacts(policy, soFar.plan, fact) ? everyFact() : buildFailureOwnFacts(own, soFar.plan.maxAttempts);
  let decision: UnexplainedDecision;
  try {
    decision = decideUnexplained(policy, facts, {
      random,
      plan: soFar.plan,
      seed: soFar.seed,
      sticky: services.sticky,
      now: () => services.clock.now(),
      turn: (key) => services.cooldowns.turn(key),
      waitedMs: soFar.waitedMs,
    });
  } catch (error) {
    services.logger?.logInternalError?.('decide failed; falling back to the plan order', error);
    decision = planOrderDecision(policy, soFar, random, failed, 'executor:decide-error');
  }
  if (decision.action === 'fail' && failureReasonOf(decision, policy) === 'rejected' && decision.source !== 'rule' && soFar.fallbackWhen !== undefined) {
    let holds = false;
    try {
      holds = soFar.fallbackWhen(fact, everyFact());
    } catch (error) {
      services.logger?.logInternalError?.('fallbackWhen threw; treated as false', error);
    }
    if (holds) return planOrderDecision(policy, soFar, random, failed, 'condition:function');
  }
  return decision;
}

/**
 * The last decision that nothing but its failure and the session's place decided, for the same failure at the
 * same place of the next session. A provider that fails tends to fail every session alike (an outage's 500s,
 * an overloaded API's 529s): the classifiers then give the very same fact object again (errors/last-kind.ts),
 * and the decision on it is the same as long as the policy's rules read no clock, no request and no statistics
 * (`repeatable`), it drew nothing at random and it sets no wait. Decisions are never changed once made.
 */
class LastDecision {
  #decision: UnexplainedDecision | null = null;
  #policy: Policy | null = null;
  #plan: Plan | null = null;
  #failed: FailedCall | null = null;
  #sent = 0;
  #failures = 0;
  #waitedMs = 0;
  #tried: readonly string[] = [];

  /** The kept decision when `failed` and `soFar` match it in everything it was made of; else null. */
  of(policy: Policy, failed: FailedCall, soFar: SessionSoFar): UnexplainedDecision | null {
    const last = this.#failed;
    if (this.#decision === null || last === null || soFar.fallbackWhen !== undefined) return null;
    if (failed.fact !== last.fact || policy !== this.#policy || soFar.plan !== this.#plan || failed.model !== last.model || failed.provider !== last.provider) return null;
    if (failed.number !== last.number || failed.phase !== last.phase || soFar.sent !== this.#sent || soFar.failures !== this.#failures || soFar.waitedMs !== this.#waitedMs) return null;
    const tried = this.#tried;
    if (soFar.tried.length !== tried.length) return null;
    for (let index = 0; index < tried.length; index++) if (soFar.tried[index] !== tried[index]) return null;
    return this.#decision;
  }

  keep(decision: UnexplainedDecision, policy: Policy, failed: FailedCall, soFar: SessionSoFar): void {
    this.#decision = decision;
    this.#policy = policy;
    this.#plan = soFar.plan;
    this.#failed = failed;
    this.#sent = soFar.sent;
    this.#failures = soFar.failures;
    this.#waitedMs = soFar.waitedMs;
    // The session's list grows as it goes: a copy.
    this.#tried = [...soFar.tried];
  }
}

const lastDecision = new LastDecision();

/** Whether the rules' decision on `fact` depends on nothing but the failure and the session's place (see LastDecision). */
function repeatable(policy: Policy, plan: Plan, fact: ErrorFact): boolean {
  try {
    return compiledRules(policy, plan.strategy).repeatable(fact.kind);
  } catch {
    return false;
  }
}

/** Whether the rules may read more than the failure's own facts (when unsure, they may: the rules' own error then surfaces in decide). */
function needsAllFacts(policy: Policy, plan: Plan, fact: ErrorFact): boolean {
  try {
    return compiledRules(policy, plan.strategy).needsAllFacts(fact.kind);
  } catch {
    return true;
  }
}

/** `facts` with the `stats.*` facts the policy's rules name. */
function withStatsFacts(policy: Policy, services: SessionServices, facts: Facts): Facts {
  const statsFacts = statsFactsOf(policy).rules;
  if (statsFacts.length > 0) {
    addStatsFacts(facts as Record<string, unknown>, statsFacts, (name) => services.live.get(cooldownKey(policy.name, name), policy.statsWindowMs, services.clock.now()));
  }
  return facts;
}

/** The executor's own decision: the rest of the plan, in order, after the policy's backoff (see computeDelay). */
function planOrderDecision(policy: Policy, soFar: SessionSoFar, random: () => number, failed: FailedCall, rule: string): Decision {
  const plan = soFar.plan;
  const next = [plan.primary, ...plan.chain].filter((model) => !soFar.tried.includes(model));
  const first = next[0];
  return {
    action: next.length === 0 ? 'fail' : 'fallback',
    next,
    delayMs:
      first === undefined
        ? 0
        : computeDelay({
            policy,
            failedAttempts: soFar.failures,
            retryAfterMs: failed.fact.retryAfterMs,
            overrideMs: null,
            random,
            target: nextTarget(policy, failed.model, first, failed.provider),
            providerWide: failed.fact.scope === 'provider',
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
export function failureReasonOf(decision: Pick<Decision, 'rule' | 'source'>, policy: Policy): 'exhausted' | 'rejected' | 'deadline' {
  const rule = decision.rule;
  if (rule === 'limit:deadline') return 'deadline';
  if (rule === 'limit:max_attempts') return 'exhausted';
  if (rule.startsWith('gate:') || rule === 'strategy:error_type:no-mapping' || rule === 'strategy:conditional:no-condition') return 'rejected';
  if (decision.source === 'rule') return policy.rules.find((candidate) => candidate.name === rule)?.then.fail === true ? 'rejected' : 'exhausted';
  return decision.source === 'strategy' ? 'exhausted' : 'rejected';
}
