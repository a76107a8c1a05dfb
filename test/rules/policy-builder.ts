/**
 * Build Policy objects directly in tests, with the DESIGN §2 example's
 * models and the seed's defaults, without going through the YAML loader
 * (the builder itself is `bench/policy-builder.ts`, shared with the benches),
 * plus conditions and failure facts.
 */
import type { FactCondition, TopLevelCondition } from '../../src/policy/types.js';

export { buildPolicy, rule, type PolicyInput, type RouteInput, type RuleInput } from '../../bench/policy-builder.js';

export function when(...all: FactCondition[]): TopLevelCondition {
  return { all };
}

export function kindIs(kind: string): TopLevelCondition {
  return { all: [{ fact: 'error.kind', operator: 'equal', value: kind }] };
}

/** Failure facts as the executor builds them, with overrides. */
export function failure(overrides: Readonly<Record<string, unknown>> = {}): Record<string, unknown> {
  const model = (overrides['attempt.model'] as string | undefined) ?? 'gpt-4o';
  const tried = (overrides['session.tried'] as string[] | undefined) ?? [model];
  return {
    'error.kind': 'rate_limit',
    'error.type': 'RateLimitError',
    'error.status': 429,
    'error.code': null,
    'error.message': 'Rate limit reached',
    'error.retry_after_ms': null,
    'error.retryable': true,
    'error.provider': 'openai',
    'error.sdk_error': 'RateLimitError',
    'attempt.model': model,
    'attempt.provider': 'openai',
    'attempt.number': tried.length,
    'attempt.model_attempts': tried.filter((name) => name === model).length,
    'session.attempts': tried.length,
    'session.elapsed_ms': 100,
    'session.tried': tried,
    'stream.phase': 'none',
    'request.metadata': {},
    'request.model': null,
    'request.estimated_input_tokens': null,
    'request.stream': false,
    ...overrides,
  };
}
