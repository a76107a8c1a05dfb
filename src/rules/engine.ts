/**
 * json-rules-engine wiring: the reference evaluator behind `detour explain`
 * and the equivalence tests of the fast path. One Engine per compiled rule
 * list; each rule gets a unique json-rules-engine priority so the engine
 * tries them in detour's order, and the winner is the matching rule with the
 * lowest index. `engine.stop()` is never called: it is engine-wide and would
 * corrupt concurrent runs on the shared engine (TOOLCHAIN.md), so every rule
 * runs and the first success in order is taken.
 */
import type { Engine, RuleResult } from 'json-rules-engine';
import { requireOnFirstUse } from '../load-on-use.js';
import type { TopLevelCondition } from '../policy/types.js';
import { resolveFactPath } from './condition.js';
import { registerOperators } from './operators.js';
import type { Facts } from './types.js';

const EVENT_TYPE = 'detour.match';

// Only `explain` and the reference evaluator build engines: loaded then, not with detour.
const jsonRulesEngine = requireOnFirstUse<typeof import('json-rules-engine')>('json-rules-engine');

/** A rule as the engine needs it. */
export interface EngineRule {
  readonly index: number;
  readonly name: string;
  readonly when: TopLevelCondition;
}

/** Result of one engine run. */
export interface EngineOutcome {
  /** Index of the first matching rule in detour's order, or null. */
  readonly winner: number | null;
  /** Every rule's json-rules-engine result, in detour's order. */
  readonly results: readonly { readonly index: number; readonly matched: boolean; readonly result: RuleResult }[];
}

/**
 * Build an Engine with detour's operators over `rules`.
 *
 * @example
 * const engine = buildEngine([{ index: 0, name: 'r', when: { all: [] } }]);
 */
export function buildEngine(rules: readonly EngineRule[]): Engine {
  const engine = new (jsonRulesEngine().Engine)([], { allowUndefinedFacts: true, pathResolver: resolveFactPath });
  registerOperators(engine);
  for (const rule of rules) {
    engine.addRule({
      name: rule.name,
      priority: rules.length - rule.index,
      // json-rules-engine's own condition type is looser than detour's; same JSON.
      conditions: rule.when as never,
      event: { type: EVENT_TYPE, params: { index: rule.index } },
    });
  }
  return engine;
}

function indexOf(result: RuleResult): number {
  const index = (result.event?.params as { index?: unknown } | undefined)?.index;
  return typeof index === 'number' ? index : Number.POSITIVE_INFINITY;
}

/**
 * Run every rule on `facts` and pick the first match in detour's order.
 *
 * @example
 * const { winner } = await runEngine(engine, facts);
 */
export async function runEngine(engine: Engine, facts: Facts): Promise<EngineOutcome> {
  const { results, failureResults } = await engine.run({ ...facts });
  const all = [
    ...results.map((result) => ({ index: indexOf(result), matched: true, result })),
    ...failureResults.map((result) => ({ index: indexOf(result), matched: false, result })),
  ].sort((left, right) => left.index - right.index);
  const winner = all.find((entry) => entry.matched)?.index ?? null;
  return { winner, results: all };
}
