/**
 * The six strategies (docs/policies.md) as named decision rules, so that a
 * strategy's choice is explained exactly like a policy rule's: every path a
 * strategy can take is one rule (`strategy:priority:RateLimitError`,
 * `strategy:error_type:no-mapping`, …) with a json-rules-engine condition.
 */
import { CONDITION_PREDICATES, errorKindOf } from '../policy/vocabulary.js';
import type { ErrorKind } from '../errors/kinds.js';
import type { Condition, FactCondition, OutputCheck, Policy, StrategyType, TopLevelCondition } from '../policy/types.js';
import type { DraftRule } from './draft-rule.js';

const ALWAYS: TopLevelCondition = { all: [] };

function snakeCase(name: string): string {
  return name.replace(/([a-z0-9])([A-Z])/g, '$1_$2').toLowerCase();
}

/** Kinds of a seed predicate name (`on_rate_limit`, `onRateLimit`), or undefined. */
function predicateKinds(name: string): readonly string[] | undefined {
  return CONDITION_PREDICATES[snakeCase(name)];
}

/**
 * The condition an error-name string stands for: a kind (`rate_limit`), a
 * seed type (`RateLimitError`), a seed predicate (`on_rate_limit`,
 * `onRateLimit`), a seed alias (`overloaded_error`), else the provider's own
 * `error.code` or a custom `error.type`.
 *
 * @example
 * errorNameCondition('RateLimitError'); // { fact: 'error.kind', operator: 'equal', value: 'rate_limit' }
 */
export function errorNameCondition(name: string): Condition {
  const kind = errorKindOf(name);
  if (kind) return { fact: 'error.kind', operator: 'equal', value: kind };
  const predicate = predicateKinds(name);
  if (predicate) return { fact: 'error.kind', operator: 'in', value: [...predicate] };
  return {
    any: [
      { fact: 'error.type', operator: 'equal', value: name },
      { fact: 'error.code', operator: 'equal', value: name },
    ],
  };
}

/** The kind each output check fails with. */
const OUTPUT_CHECK_KINDS: Readonly<Record<OutputCheck, ErrorKind>> = {
  empty: 'empty_response',
  json_schema: 'invalid_output',
  tool_arguments: 'invalid_output',
  refusal: 'refusal',
};

/**
 * The gate (docs/policies.md): an error outside both `fallback_on_status_codes`
 * and `fallback_on_errors` fails the session instead of reaching the
 * strategy. When both lists are empty there is no gate (everything may fall
 * back). Entries of `fallback_on_errors` may be kinds, seed types or
 * provider codes (`overloaded_error`).
 */
export function eligibilityGate(policy: Policy): DraftRule | null {
  if (policy.fallbackOnStatusCodes.length === 0 && policy.fallbackOnErrors.length === 0) return null;
  const kinds = new Set<string>();
  const names: string[] = [];
  // A check the policy turned on exists to fall back when it fails.
  for (const check of policy.outputChecks ?? []) kinds.add(OUTPUT_CHECK_KINDS[check]);
  for (const entry of policy.fallbackOnErrors) {
    const kind = errorKindOf(entry);
    const predicate = predicateKinds(entry);
    if (kind) kinds.add(kind);
    else if (predicate) for (const item of predicate) kinds.add(item);
    else names.push(entry);
  }
  const all: FactCondition[] = [
    { fact: 'error.status', operator: 'notIn', value: [...policy.fallbackOnStatusCodes] },
    { fact: 'error.kind', operator: 'notIn', value: [...kinds] },
  ];
  if (names.length > 0) {
    all.push({ fact: 'error.type', operator: 'notIn', value: names });
    all.push({ fact: 'error.code', operator: 'notIn', value: names });
  }
  return {
    name: 'gate:not-eligible',
    source: 'default',
    when: { all },
    outcome: { type: 'fail', reason: 'the error is outside fallback_on_status_codes and fallback_on_errors' },
  };
}

function mappingRules(policy: Policy, strategy: 'priority' | 'error_type'): DraftRule[] {
  return Object.entries(policy.errorMappings).map(([key, models]) => ({
    name: `strategy:${strategy}:${key}`,
    source: 'strategy',
    when: { all: [errorNameCondition(key)] },
    outcome: { type: 'chain', mapped: models, restOfChain: strategy === 'priority' },
  }));
}

function conditionOf(entry: string | FactCondition): Condition {
  return typeof entry === 'string' ? errorNameCondition(entry) : entry;
}

/**
 * The strategy's own rules, in the order they are tried (after the policy's
 * rules and the gate). Each ends with a rule that always matches, so some
 * rule always decides.
 *
 * @example
 * strategyRules(policy, 'error_type').map((rule) => rule.name);
 * // ['strategy:error_type:RateLimitError', 'strategy:error_type:TimeoutError', 'strategy:error_type:no-mapping']
 */
export function strategyRules(policy: Policy, strategy: StrategyType): DraftRule[] {
  switch (strategy) {
    case 'sequential':
    case 'parallel':
    case 'random':
      return [{ name: `strategy:${strategy}`, source: 'strategy', when: ALWAYS, outcome: { type: 'chain', mapped: null, restOfChain: true } }];
    case 'priority':
      return [
        ...mappingRules(policy, 'priority'),
        { name: 'strategy:priority', source: 'strategy', when: ALWAYS, outcome: { type: 'chain', mapped: null, restOfChain: true } },
      ];
    case 'error_type':
      return [
        ...mappingRules(policy, 'error_type'),
        {
          name: 'strategy:error_type:no-mapping',
          source: 'strategy',
          when: ALWAYS,
          outcome: { type: 'fail', reason: 'error_mappings has no models for this error' },
        },
      ];
    case 'conditional': {
      const rules: DraftRule[] = [];
      if (policy.conditions.length > 0) {
        rules.push({
          name: 'strategy:conditional',
          source: 'strategy',
          when: { any: policy.conditions.map(conditionOf) },
          outcome: { type: 'chain', mapped: null, restOfChain: true },
        });
      }
      rules.push({
        name: 'strategy:conditional:no-condition',
        source: 'strategy',
        when: ALWAYS,
        outcome: { type: 'fail', reason: 'none of the conditions holds' },
      });
      return rules;
    }
  }
}
