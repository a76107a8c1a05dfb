/**
 * Choosing the next model to call: groups expand to their members, unknown
 * names, models whose context window is too small and models without a
 * capability the request needs (tools, images…) are skipped, and models
 * cooling down are skipped unless nothing else is left (then the one whose
 * cooldown ends first is tried).
 */
import type { ErrorFact } from '../errors/kinds.js';
import type { Policy } from '../policy/types.js';
import { DEFAULT_CAPABILITIES, missingCapabilities, type ModelCapability } from '../providers/capabilities.js';
import type { Plan } from '../rules/types.js';
import { budgetProblem } from './liveCalls.js';
import { requestedMaxTokens, syntheticFact } from './request.js';
import type { SessionServices } from './services.js';
import type { GenerateOptions } from './types.js';

/** A model to try and the rule or strategy step that chose it. */
export interface Candidate {
  readonly model: string;
  readonly reason: string;
}

export interface CandidateContext {
  readonly policy: Policy;
  readonly services: SessionServices;
  readonly options: GenerateOptions;
  readonly tried: readonly string[];
  /** The prompt's input tokens, estimated once, on first need. */
  estimatedInputTokens(): number;
  /** The capabilities the request needs (tools, images, files, json_schema, reasoning). */
  neededCapabilities(): readonly ModelCapability[];
  /** Record a model passed over, and why. */
  recordSkip(model: string, reason: string, fact: ErrorFact | null): void;
}

const STRATEGY_REASONS: Readonly<Record<Plan['strategy'], string>> = {
  sequential: 'strategy:sequential',
  parallel: 'strategy:parallel',
  random: 'strategy:random',
  error_type: 'strategy:error_type',
  conditional: 'strategy:conditional',
  priority: 'strategy:priority',
};

/** A session's first queue: the plan's primary, then (fallback enabled) its chain, each with the step that chose it. */
export function planCandidates(plan: Plan, policy: Policy): Candidate[] {
  const queue: Candidate[] = [{ model: plan.primary, reason: plan.route === null ? 'primary' : `route:${plan.route}` }];
  if (policy.enabled && plan.chain.length > 0) {
    const reason = STRATEGY_REASONS[plan.strategy];
    for (const model of plan.chain) queue.push({ model, reason });
  }
  return queue;
}

/** Take the next candidate off `queue` (mutated), recording skips; null when none is left. */
export function pickNextCandidate(queue: Candidate[], context: CandidateContext): Candidate | null {
  const { policy } = context;
  while (queue.length > 0) {
    const candidate = queue[0]!;
    const config = policy.models[candidate.model];
    if (config === undefined) {
      const group = policy.groups[candidate.model];
      if (group !== undefined) {
        const members = group.members.filter((member) => !context.tried.includes(member));
        queue.splice(0, 1, ...members.map((member) => ({ model: member, reason: candidate.reason })));
        continue;
      }
      queue.shift();
      context.recordSkip(candidate.model, `unknown model "${candidate.model}"`, null);
      continue;
    }
    const tooSmall = contextWindowProblem(candidate.model, context);
    if (tooSmall !== null) {
      queue.shift();
      context.recordSkip(candidate.model, tooSmall, syntheticFact('token_limit', tooSmall, config.provider));
      continue;
    }
    const incapable = capabilityProblem(candidate.model, context);
    if (incapable !== null) {
      queue.shift();
      context.recordSkip(candidate.model, incapable, syntheticFact('invalid_request', incapable, config.provider));
      continue;
    }
    const now = context.services.clock.now();
    // Fallback disabled: the primary is all there is, so a cooldown never skips it.
    const until = policy.enabled ? context.services.cooldowns.until(policy, candidate.model, now) : null;
    if (until === null) {
      queue.shift();
      const spent = budgetProblem(context.services, policy, config, now);
      if (spent !== null) {
        context.recordSkip(candidate.model, spent, null);
        continue;
      }
      if (policy.enabled) context.services.cooldowns.admit(policy, candidate.model, now);
      return candidate;
    }
    if (queue.some((other, index) => index > 0 && usableNow(other.model, context, now))) {
      queue.shift();
      context.recordSkip(candidate.model, `cooling down for ${Math.ceil(until - now)} ms`, null);
      continue;
    }
    return takeEarliestCooldown(queue, context, now);
  }
  return null;
}

function contextWindowProblem(model: string, context: CandidateContext): string | null {
  const config = context.policy.models[model];
  if (config === undefined || config.contextWindow === null) return null;
  const needed = context.estimatedInputTokens() + requestedMaxTokens(config, context.options.params);
  if (config.contextWindow >= needed) return null;
  return `context window ${config.contextWindow} < ${needed} tokens (estimated input + max_tokens)`;
}

/** Why `model` cannot serve the request (it lacks a capability the request needs), or null. */
function capabilityProblem(model: string, context: CandidateContext): string | null {
  const needed = context.neededCapabilities();
  if (needed.length === 0) return null;
  const config = context.policy.models[model];
  if (config === undefined) return null;
  const declared = config.capabilities ?? DEFAULT_CAPABILITIES[context.policy.providers[config.provider]?.type ?? 'openai_compatible'];
  return missingCapabilities(declared, needed);
}

/** The pre-call checks: the prompt fits the context window and the model has what the request needs. */
function servable(model: string, context: CandidateContext): boolean {
  return contextWindowProblem(model, context) === null && capabilityProblem(model, context) === null;
}

function usableNow(model: string, context: CandidateContext, now: number): boolean {
  if (context.policy.groups[model] !== undefined && context.policy.models[model] === undefined) return true;
  if (context.policy.models[model] === undefined || !servable(model, context)) return false;
  return context.services.cooldowns.until(context.policy, model, now) === null;
}

/** Every remaining candidate is cooling down: a cooldown never stands alone between a request and an answer. */
function takeEarliestCooldown(queue: Candidate[], context: CandidateContext, now: number): Candidate {
  let bestIndex = 0;
  let bestUntil = Infinity;
  for (let index = 0; index < queue.length; index++) {
    const model = queue[index]!.model;
    if (context.policy.models[model] === undefined || !servable(model, context)) continue;
    const until = context.services.cooldowns.until(context.policy, model, now) ?? now;
    if (until < bestUntil) {
      bestUntil = until;
      bestIndex = index;
    }
  }
  const [chosen] = queue.splice(bestIndex, 1);
  return { model: chosen!.model, reason: `${chosen!.reason} (all candidates cooling down; earliest to recover)` };
}
