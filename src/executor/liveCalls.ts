/**
 * What every call tells the live statistics and the usage budgets: started,
 * then ended (with its latency, first chunk, error kind and tokens), and
 * whether a model's `rpm` / `tpm` budget lets one more call through.
 */
import type { ModelConfig, Policy } from '../policy/types.js';
import type { GenerateResponse } from '../providers/spec.js';
import type { MemberFigures } from '../rules/groups.js';
import type { LiveModelStats } from '../stats/LiveStats.js';
import type { AttemptRun } from './AttemptRun.js';
import { requestedMaxTokens } from './request.js';
import { cooldownKey } from './StateStore.js';
import type { SessionServices } from './services.js';
import type { GenerateOptions } from './types.js';

const MINUTE = 60_000;

export function callStarted(services: SessionServices, policy: Policy, model: string): void {
  services.live.started(cooldownKey(policy.name, model), policy.statsWindowMs);
}

/** A call settled: `response` for a success, else its run's fact decides (aborted calls only leave the in-flight count). */
export function callEnded(services: SessionServices, policy: Policy, run: AttemptRun, response: GenerateResponse | null): void {
  const now = services.clock.now();
  const key = cooldownKey(policy.name, run.model);
  const kind = response === null ? (run.fact?.kind ?? 'unknown') : null;
  if (kind === 'aborted') {
    services.live.ended(key, policy.statsWindowMs, now, null);
    return;
  }
  const tokens = response === null ? 0 : (response.usage.inputTokens ?? 0) + (response.usage.outputTokens ?? 0);
  const firstChunkMs = run.firstChunkAt === null ? null : run.firstChunkAt - run.startTime;
  services.live.ended(key, policy.statsWindowMs, now, { durationMs: now - run.startTime, firstChunkMs, errorKind: kind, tokens });
  const tpm = policy.models[run.model]?.tpm ?? null;
  if (tpm !== null && tokens > 0) services.cooldowns.store.count(`${key}/tpm`, tokens, now, MINUTE);
}

/**
 * Why the model's budget refuses one more call now, or null when it allows
 * it (and, for `rpm`, the call is counted).
 */
export function budgetProblem(services: SessionServices, policy: Policy, config: ModelConfig, now: number): string | null {
  if (config.rpm === null && config.tpm === null) return null;
  const store = services.cooldowns.store;
  const key = cooldownKey(policy.name, config.name);
  if (config.tpm !== null && store.count(`${key}/tpm`, 0, now, MINUTE) >= config.tpm) return `tpm budget spent (${config.tpm} tokens per minute)`;
  if (config.rpm !== null && !store.take(`${key}/rpm`, config.rpm, now, MINUTE)) return `rpm budget spent (${config.rpm} requests per minute)`;
  return null;
}

/** Share of the model's `rpm` / `tpm` budget used over the statistics window (0 without a budget). */
export function budgetUsed(services: SessionServices, policy: Policy, model: string, now: number): number {
  const config = policy.models[model];
  if (config === undefined || (config.rpm === null && config.tpm === null)) return 0;
  const stats = services.live.get(cooldownKey(policy.name, model), policy.statsWindowMs, now);
  return Math.max(config.rpm === null ? 0 : stats.requestsPerMinute / config.rpm, config.tpm === null ? 0 : stats.tokensPerMinute / config.tpm);
}

/** Estimated US dollars for a call with these token counts; null without a `price`. */
export function estimatedCost(config: ModelConfig | undefined, inputTokens: number, outputTokens: number): number | null {
  if (config === undefined || config.price === null) return null;
  return (inputTokens * config.price.input + outputTokens * config.price.output) / 1_000_000;
}

/** The figures the statistic group strategies compare, for one request. */
export function memberFigures(services: SessionServices, policy: Policy, options: GenerateOptions, inputTokens: () => number): MemberFigures {
  const stats = (model: string): LiveModelStats => services.live.get(cooldownKey(policy.name, model), policy.statsWindowMs, services.clock.now());
  return {
    latencyMs: (model) => stats(model).latencyP50Ms,
    inFlight: (model) => stats(model).inFlight,
    usage: (model) => budgetUsed(services, policy, model, services.clock.now()),
    cost: (model) => {
      const config = policy.models[model];
      if (config === undefined) return null;
      const input = inputTokens();
      return estimatedCost(config, input, requestedMaxTokens(config, options.params) || input);
    },
  };
}

/** `session.estimated_cost`: each call sent so far, its input priced for the request's estimated input tokens (estimated only if a model has a price). */
export function sessionCost(policy: Policy, tried: readonly string[], inputTokens: () => number): number | null {
  let total: number | null = null;
  for (const model of tried) {
    const config = policy.models[model];
    if (config === undefined || config.price === null) continue;
    const cost = estimatedCost(config, inputTokens(), 0);
    if (cost !== null) total = (total ?? 0) + cost;
  }
  return total;
}
