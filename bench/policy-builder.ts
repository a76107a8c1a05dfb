/**
 * Build Policy objects directly, with the DESIGN §2 example's models and the
 * seed's defaults, without going through the YAML loader. Tests use it
 * through `test/rules/policy-builder.ts`; it lives under bench/ because the
 * build (tsconfig.build.json) compiles only src/ and bench/, and benches
 * need it too.
 */
import type { GroupConfig, Policy, Route, Rule, RuleAction, TopLevelCondition } from '../src/policy/types.js';
import { POLICY_DEFAULTS } from '../src/policy/defaults.js';

type Writable<T> = { -readonly [K in keyof T]: T[K] };

export interface RuleInput {
  readonly name: string;
  readonly priority?: number;
  readonly when: TopLevelCondition;
  readonly then: Partial<RuleAction>;
}

export interface RouteInput {
  readonly name: string;
  readonly when: TopLevelCondition;
  readonly then: Partial<Route['then']>;
}

export type PolicyInput = Partial<Omit<Policy, 'rules' | 'routes' | 'groups'>> & {
  readonly rules?: readonly RuleInput[];
  readonly routes?: readonly RouteInput[];
  readonly groups?: Readonly<Record<string, Partial<GroupConfig> & { members: readonly string[] }>>;
};

let counter = 0;

/** A complete Rule: `line` as given, unset actions null (priority 0). */
export function rule(input: RuleInput, line: number | null = null): Rule {
  return {
    name: input.name,
    priority: input.priority ?? 0,
    when: input.when,
    line,
    then: {
      fallback: input.then.fallback ?? null,
      retry: input.then.retry ?? null,
      fail: input.then.fail ?? false,
      delayMs: input.then.delayMs ?? null,
      cooldownMs: input.then.cooldownMs ?? null,
      strategy: input.then.strategy ?? null,
    },
  };
}

/** A complete Policy: the DESIGN §2 catalog and the seed's defaults, overridden by `input`. */
export function buildPolicy(input: PolicyInput = {}): Policy {
  counter += 1;
  const { rules, routes, groups, ...rest } = input;
  const policy: Writable<Policy> = {
    version: `test${counter}`,
    name: 'test',
    description: null,
    enabled: true,
    file: null,
    providers: {
      openai: { name: 'openai', type: 'openai', apiKeyEnv: 'OPENAI_API_KEY', baseUrl: null, timeoutMs: null, maxConnections: null, headers: {} },
      anthropic: { name: 'anthropic', type: 'anthropic', apiKeyEnv: 'ANTHROPIC_API_KEY', baseUrl: null, timeoutMs: null, maxConnections: null, headers: {} },
      google: { name: 'google', type: 'google', apiKeyEnv: 'GEMINI_API_KEY', baseUrl: null, timeoutMs: null, maxConnections: null, headers: {} },
    },
    models: {
      'gpt-4o': { name: 'gpt-4o', provider: 'openai', model: 'gpt-4o', contextWindow: 128000, rpm: null, tpm: null, price: null, params: {} },
      'gpt-3.5-turbo': { name: 'gpt-3.5-turbo', provider: 'openai', model: 'gpt-3.5-turbo', contextWindow: null, rpm: null, tpm: null, price: null, params: {} },
      'claude-instant': { name: 'claude-instant', provider: 'anthropic', model: 'claude-3-5-haiku-latest', contextWindow: null, rpm: null, tpm: null, price: null, params: {} },
      'gemini-pro': { name: 'gemini-pro', provider: 'google', model: 'gemini-2.0-flash', contextWindow: null, rpm: null, tpm: null, price: null, params: {} },
    },
    groups: {},
    primaryModel: 'gpt-4o',
    fallbackModels: ['gpt-3.5-turbo', 'claude-instant', 'gemini-pro'],
    strategyType: 'sequential',
    maxAttempts: 3,
    timeoutMs: 30_000,
    firstChunkTimeoutMs: null,
    deadlineMs: null,
    baseDelayMs: 1000,
    maxDelayMs: 60_000,
    exponentialBase: 2,
    jitter: false,
    backoff: POLICY_DEFAULTS.backoff,
    fallbackOnStatusCodes: [429, 500, 502, 503, 504],
    fallbackOnErrors: ['timeout', 'rate_limit', 'service_unavailable', 'overloaded'],
    errorMappings: {},
    conditions: [],
    weights: {},
    parallel: { width: 2, timeoutMs: null },
    hedge: null,
    midStream: 'fail',
    statsWindowMs: 60_000,
    outputChecks: ['empty'],
    accept: ['length'],
    circuitBreaker: null,
    routes: [],
    rules: [],
    tests: [],
    ...rest,
  };
  policy.rules = (rules ?? []).map((input, index) => rule(input, index + 1));
  policy.routes = (routes ?? []).map((input, index) => ({
    name: input.name,
    when: input.when,
    line: index + 1,
    then: {
      primaryModel: input.then.primaryModel ?? null,
      fallbackModels: input.then.fallbackModels ?? null,
      maxAttempts: input.then.maxAttempts ?? null,
      strategyType: input.then.strategyType ?? null,
    },
  }));
  policy.groups = Object.fromEntries(
    Object.entries(groups ?? {}).map(([name, group]) => [
      name,
      { name, members: group.members, strategy: group.strategy ?? 'random', weights: group.weights ?? {}, sticky: group.sticky ?? null },
    ]),
  );
  return policy;
}

