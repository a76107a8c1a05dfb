/**
 * `decide`: what runs after a failure. The facts go through the policy's
 * compiled decision rules (gates and limits, the policy's `rules` by priority
 * then file order, the eligibility gate, the strategy's rules — see
 * `compile.ts`); the first that matches decides. The hot path evaluates
 * precompiled closures indexed by `error.kind`; `decideWithEngine` runs the
 * same rules through json-rules-engine (the reference, used by `explain`),
 * and tests check both pick the same rule.
 */
import { lazyProperty } from '../lazy-property.js';
import type { Policy } from '../policy/types.js';
import { compiledRules, firstMatch, MAX_ATTEMPTS_FACT, MODEL_ATTEMPTS_FACT } from './compile.js';
import type { CompiledRules, DecisionRule } from './compile.js';
import { skipCoolingDown } from './cooling.js';
import { countCooldownMs } from './count-cooldown.js';
import { computeDelay, nextTarget } from './delay.js';
import type { DelayResult } from './delay.js';
import { countModelAttempts } from './facts.js';
import { runEngine } from './engine.js';
import type { EngineOutcome } from './engine.js';
import { resolveNext, sessionContext } from './next-models.js';
import type { ChoiceContext, SessionContext } from './next-models.js';
import type { StickyStore } from './sticky-store.js';
import { stepRandom } from './random.js';
import { MemoryStickyStore } from './sticky.js';
import type { Decision, Facts, Plan } from './types.js';

export interface DecideOptions {
  /** Uniform [0, 1) source for jitter. @default Math.random */
  readonly random?: () => number;
  /**
   * The session's plan (from `planRequest`): its chain, budget, strategy and
   * group picks. Without it, decide plans from the `request.*` facts and
   * `seed` as `detour explain` does (routes, then the policy).
   */
  readonly plan?: Plan;
  /**
   * The session's seed: random choices after the nth call (a rule's
   * `strategy: random`, a pick in a group the plan did not pick) draw from
   * `stepRandom(seed, n)`, n = `session.attempts`. @default the plan's seed, else 0
   */
  readonly seed?: number;
  /** Where sticky picks of groups the plan did not pick live. @default a fresh store */
  readonly sticky?: StickyStore;
  /** Milliseconds since the epoch, for sticky ttls. @default Date.now */
  readonly now?: () => number;
  /** What the session has waited between attempts so far, for `max_total_delay`. @default 0 */
  readonly waitedMs?: number;
  /** A round-robin group's turn, for groups the plan did not pick. @default always 0 */
  readonly turn?: (key: string) => number;
  /**
   * Models cooling down as the test or explanation states them
   * (`state.cooling_down`): `next` lists them after the usable ones, the
   * order the executor calls them in (model → ms left; the earliest to
   * recover first). The executor checks its live cooldowns itself.
   */
  readonly coolingDown?: Readonly<Record<string, number>>;
  /**
   * For a test or an explanation (`state.failures`): each model's failures
   * within its `cooldown_after` window before this one; the decision then
   * reports the cooldown this failure opens. The executor counts in its StateStore.
   */
  readonly recentFailures?: Readonly<Record<string, number>>;
  /** Override the policy's `jitter` (`detour explain` passes false: the top of the window). */
  readonly jitter?: boolean;
}

/** A decision with what produced it. */
export interface DecisionDetail {
  readonly decision: Decision;
  /** The rule that decided. */
  readonly rule: DecisionRule;
  /** The facts the rules saw (given facts plus `session.max_attempts`, `attempt.model_attempts`). */
  readonly facts: Facts;
  readonly delay: DelayResult;
  readonly session: SessionContext;
}

const lazyExplanation = lazyProperty('explanation');

const NO_DELAY: DelayResult = { delayMs: 0, minMs: 0, maxMs: 0, reason: 'backoff' };

/** The facts with the derived ones added, in a copy (unless `owned`: the caller's facts, built for this decision alone). */
function prepare(policy: Policy, facts: Facts, options: DecideOptions, owned: boolean): { facts: Facts; session: SessionContext } {
  const session = sessionContext(policy, facts, options.plan, options.seed ?? 0);
  if (owned && facts[MAX_ATTEMPTS_FACT] !== undefined && facts[MODEL_ATTEMPTS_FACT] !== undefined) return { facts, session };
  const prepared: Record<string, unknown> = { ...facts };
  if (prepared[MAX_ATTEMPTS_FACT] === undefined) prepared[MAX_ATTEMPTS_FACT] = session.maxAttempts;
  if (prepared[MODEL_ATTEMPTS_FACT] === undefined) {
    prepared[MODEL_ATTEMPTS_FACT] = countModelAttempts(prepared['session.tried'], prepared['attempt.model']);
  }
  return { facts: prepared, session };
}

function listModels(models: readonly string[]): string {
  return models.length === 0 ? 'nothing' : models.join(', ');
}

function describe(rule: DecisionRule, decision: Omit<Decision, 'explanation'>, reason: string | null, facts: Facts): string {
  const who =
    rule.source === 'rule'
      ? `Rule "${rule.name}" matched`
      : rule.source === 'strategy'
        ? `No policy rule matched; ${rule.name} decided`
        : `${rule.name}`;
  if (decision.action === 'fail') {
    const kind = String(facts['error.kind']);
    const status = facts['error.status'] === null || facts['error.status'] === undefined ? '' : `, status ${String(facts['error.status'])}`;
    return `${who}: ${reason ?? 'fail'} (${kind}${status}), so the session fails.`;
  }
  const wait = `after ${decision.delayMs} ms`;
  if (decision.action === 'retry') return `${who}: retry ${listModels(decision.next)} ${wait}.`;
  const how = decision.strategy === 'parallel' ? ' (run in parallel)' : '';
  return `${who}: fall back to ${listModels(decision.next)}${how} ${wait}.`;
}

/**
 * A limit (`max_attempts`, `deadline`) ends the session before the policy's
 * rules are read, but the failure still tells something about the model: the
 * rule that would have matched without the limit keeps its `cooldown`, so the
 * last allowed attempt cools a model down like any other. Which rule wins is
 * unchanged. Null when that rule has no cooldown (or is not a policy rule).
 */
function cooldownBehindLimit(rules: CompiledRules, winner: DecisionRule, facts: Facts): { readonly rule: string; readonly cooldownMs: number } | null {
  if (!winner.name.startsWith('limit:')) return null;
  for (const rule of rules.candidates(facts['error.kind'])) {
    if (rule.index <= winner.index || rule.name.startsWith('limit:') || !rule.test(facts)) continue;
    const cooldownMs = rule.outcome.type === 'policy-rule' ? rule.outcome.rule.then.cooldownMs : null;
    return cooldownMs === null ? null : { rule: rule.name, cooldownMs };
  }
  return null;
}

/**
 * `next` in the order the executor calls it, for a test or an explanation
 * that states which models are cooling down: those, and the failed model
 * when this decision cools it down (the executor does so before its next
 * pick), go after the usable ones. The executor passes no state: it orders
 * by its live cooldowns as it picks.
 */
function orderByCooldown(models: readonly string[], given: Readonly<Record<string, number>> | undefined, failed: unknown, cooldownMs: number | null): readonly string[] {
  if (given === undefined) return models;
  const coolsFailed = cooldownMs !== null && cooldownMs > 0 && typeof failed === 'string' && models.includes(failed);
  const cooling: Record<string, number> = { ...given };
  if (coolsFailed) cooling[failed] = Math.max(cooling[failed] ?? 0, cooldownMs);
  return skipCoolingDown(models, (model) => cooling[model] ?? null);
}

/** A test's or explanation's `cooldown_after` cooldown: `state.failures` before this one, plus this one. */
function countedCooldown(policy: Policy, facts: Facts, recent: Readonly<Record<string, number>> | undefined): number | null {
  const model = facts['attempt.model'];
  const kind = facts['error.kind'];
  if (recent === undefined || typeof model !== 'string' || typeof kind !== 'string') return null;
  return countCooldownMs(policy, model, kind, () => (recent[model] ?? 0) + 1);
}

/** A decision without its sentence (`explanation`), for a caller that reads none (the executor). */
export type UnexplainedDecision = Omit<Decision, 'explanation'>;

interface Settled {
  readonly decision: UnexplainedDecision;
  readonly delay: DelayResult;
  /** What the sentence says of the rule's reason and of a cooldown the decision adds. */
  readonly reason: string | null;
  readonly note: string;
}

function finish(policy: Policy, rule: DecisionRule, facts: Facts, session: SessionContext, options: DecideOptions): DecisionDetail {
  const { decision: partial, delay, reason, note } = settle(policy, rule, facts, session, options);
  // The sentence is written only when read (explain, traces, tests): a session's failover never reads it.
  const decision = lazyExplanation(partial, () => describe(rule, partial, reason, facts) + note) as Decision;
  return { decision, rule, facts, delay, session };
}

function settle(policy: Policy, rule: DecisionRule, facts: Facts, session: SessionContext, options: DecideOptions): Settled {
  const sent = facts['session.attempts'];
  const random = stepRandom(options.seed ?? session.plan.seed, typeof sent === 'number' ? sent : 1);
  const now = options.now ?? Date.now;
  const sticky = options.sticky ?? new MemoryStickyStore();
  const choice: ChoiceContext = options.turn === undefined ? { random, now, sticky } : { random, now, sticky, turn: options.turn };
  let next = resolveNext(policy, rule, facts, session, choice);
  const shadowed = next.cooldownMs === null && rule.name.startsWith('limit:') ? cooldownBehindLimit(compiledRules(policy, session.strategy), rule, facts) : null;
  let cooldownNote = '';
  if (shadowed !== null) {
    next = { ...next, cooldownMs: shadowed.cooldownMs };
    cooldownNote = ` Rule "${shadowed.rule}" also matched: its cooldown of ${shadowed.cooldownMs} ms applies.`;
  }
  let delay = NO_DELAY;
  if (next.action !== 'fail') {
    const attempts = facts['session.attempts'];
    const retryAfter = facts['error.retry_after_ms'];
    const first = next.models[0];
    const modelAttempts = facts[MODEL_ATTEMPTS_FACT];
    delay = computeDelay({
      policy,
      failedAttempts: typeof attempts === 'number' && attempts > 0 ? attempts : 1,
      modelAttempts: typeof modelAttempts === 'number' ? modelAttempts : undefined,
      waitedMs: options.waitedMs ?? 0,
      retryAfterMs: typeof retryAfter === 'number' ? retryAfter : null,
      overrideMs: next.delayOverrideMs,
      target: first === undefined ? 'same_model' : nextTarget(policy, facts['attempt.model'], first, facts['attempt.provider']),
      providerWide: facts['error.scope'] === 'provider',
      jitter: options.jitter,
      random: options.random ?? Math.random,
    });
  }
  const counted = countedCooldown(policy, facts, options.recentFailures);
  if (counted !== null && counted > (next.cooldownMs ?? 0)) {
    next = { ...next, cooldownMs: counted };
    cooldownNote += ` cooldown_after: this failure reaches its count, so the model cools down for ${counted} ms.`;
  }
  const models = orderByCooldown(next.models, options.coolingDown, facts['attempt.model'], next.cooldownMs);
  const partial = {
    action: next.action,
    next: models,
    delayMs: delay.delayMs,
    cooldownMs: next.cooldownMs,
    rule: rule.name,
    source: rule.source,
    strategy: next.strategy,
  };
  return { decision: partial, delay, reason: next.reason, note: cooldownNote };
}

/**
 * Decide synchronously, with detail (the fast path behind `decide`).
 *
 * @example
 * const { decision, rule } = decideDetailed(policy, facts, { random: mulberry32(1) });
 */
export function decideDetailed(policy: Policy, facts: Facts, options: DecideOptions = {}): DecisionDetail {
  return decidePrepared(policy, prepare(policy, facts, options, false), options);
}

/**
 * `decideDetailed`'s decision without its sentence, for a caller that reads
 * none (the executor), on facts built for this one decision (its own,
 * `buildFailureFacts` or `buildFailureOwnFacts`, derived facts included): they
 * are read as they are, not copied, and nothing more is made for the decision.
 *
 * @example
 * const decision = decideUnexplained(policy, buildFailureOwnFacts(input, plan.maxAttempts), { plan });
 */
export function decideUnexplained(policy: Policy, facts: Facts, options: DecideOptions = {}): UnexplainedDecision {
  const { facts: prepared, session } = prepare(policy, facts, options, true);
  return settle(policy, matchingRule(policy, prepared, session), prepared, session, options).decision;
}

function decidePrepared(policy: Policy, prepared: { facts: Facts; session: SessionContext }, options: DecideOptions): DecisionDetail {
  return finish(policy, matchingRule(policy, prepared.facts, prepared.session), prepared.facts, prepared.session, options);
}

/** The first rule that matches (the strategy's last rule always does). */
function matchingRule(policy: Policy, facts: Facts, session: SessionContext): DecisionRule {
  const rules = compiledRules(policy, session.strategy);
  return firstMatch(rules, facts) ?? (rules.rules[rules.rules.length - 1] as DecisionRule);
}

/**
 * Decide what runs after a failure. `facts` are the flat failure facts
 * (see `buildFailureFacts`). Safe to call concurrently on one policy: the
 * compiled rules are immutable and each call works on its own copy of the facts.
 *
 * @example
 * const decision = await decide(policy, buildFailureFacts({ error, attempt, session, streamPhase: 'none', request }));
 * if (decision.action === 'fallback') await sleep(decision.delayMs); // then call decision.next[0]
 */
export async function decide(policy: Policy, facts: Facts, options: DecideOptions = {}): Promise<Decision> {
  return decideDetailed(policy, facts, options).decision;
}

/**
 * The same decision through json-rules-engine (every rule runs; the first
 * success in order wins), with every rule's result for explanations.
 *
 * @example
 * const { detail, outcome } = await decideWithEngine(policy, facts);
 */
export async function decideWithEngine(
  policy: Policy,
  facts: Facts,
  options: DecideOptions = {},
): Promise<{ readonly detail: DecisionDetail; readonly outcome: EngineOutcome }> {
  const prepared = prepare(policy, facts, options, false);
  const rules = compiledRules(policy, prepared.session.strategy);
  const outcome = await runEngine(rules.engine(), prepared.facts);
  const rule = rules.rules[outcome.winner ?? rules.rules.length - 1] as DecisionRule;
  return { detail: finish(policy, rule, prepared.facts, prepared.session, options), outcome };
}
