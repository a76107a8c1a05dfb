/**
 * Filling `stats.<model>.<metric>` facts: only those a policy's routes and
 * rules name are computed, so a policy that never asks costs nothing.
 */
import type { Condition, Policy } from '../policy/types.js';
import { parseStatsFact } from '../policy/statsFacts.js';
import type { StatsFact } from '../policy/statsFacts.js';
import type { LiveModelStats } from '../stats/LiveStats.js';

const referenced = new WeakMap<Policy, { readonly routes: readonly StatsFact[]; readonly rules: readonly StatsFact[] }>();

function collect(condition: Condition, into: Map<string, StatsFact>): void {
  if ('all' in condition) for (const item of condition.all) collect(item, into);
  else if ('any' in condition) for (const item of condition.any) collect(item, into);
  else if ('not' in condition) collect(condition.not, into);
  else {
    const fact = parseStatsFact(condition.fact);
    if (fact !== null) into.set(fact.name, fact);
  }
}

/** The stats facts a policy's routes (`routes`) and failure rules (`rules`) name. */
export function statsFactsOf(policy: Policy): { readonly routes: readonly StatsFact[]; readonly rules: readonly StatsFact[] } {
  let found = referenced.get(policy);
  if (found === undefined) {
    const routes = new Map<string, StatsFact>();
    const rules = new Map<string, StatsFact>();
    for (const route of policy.routes) collect(route.when, routes);
    for (const rule of policy.rules) collect(rule.when, rules);
    found = { routes: [...routes.values()], rules: [...rules.values()] };
    referenced.set(policy, found);
  }
  return found;
}

/** One stats fact's value; null when the window holds no such call yet. */
export function statsFactValue(stats: LiveModelStats, fact: StatsFact): number | null {
  switch (fact.metric) {
    case 'requests':
      return stats.requests;
    case 'latency_p50_ms':
      return stats.latencyP50Ms;
    case 'latency_p95_ms':
      return stats.latencyP95Ms;
    case 'ttfc_p95_ms':
      return stats.ttfcP95Ms;
    case 'error_rate':
      if (fact.kind === null || stats.requests === 0) return stats.errorRate;
      return (stats.errorsByKind[fact.kind] ?? 0) / stats.requests;
    case 'requests_per_minute':
      return stats.requestsPerMinute;
    case 'tokens_per_minute':
      return stats.tokensPerMinute;
    case 'in_flight':
      return stats.inFlight;
  }
}

/** Add `facts`' values to `target`, reading each model's statistics once. */
export function addStatsFacts(target: Record<string, unknown>, facts: readonly StatsFact[], read: (model: string) => LiveModelStats): void {
  const seen = new Map<string, LiveModelStats>();
  for (const fact of facts) {
    let stats = seen.get(fact.model);
    if (stats === undefined) {
      stats = read(fact.model);
      seen.set(fact.model, stats);
    }
    target[fact.name] = statsFactValue(stats, fact);
  }
}
