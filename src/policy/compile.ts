/**
 * Turns checked raw policy data into the typed `Policy`: camelCase fields,
 * durations in milliseconds, error names as kinds, and every default from
 * `POLICY_DEFAULTS` filled in.
 */
import { ERROR_KINDS, type ErrorKind } from '../errors/kinds.js';
import { azureResourceEndpoint, type AzureOpenAISettings } from '../providers/azure-openai/azure-openai-settings.js';
import type { ModelCapability } from '../providers/capabilities.js';
import { PROVIDER_TYPES, type ProviderType } from '../providers/spec.js';
import { DEFAULT_API_KEY_ENV, POLICY_DEFAULTS, inferProviderType } from './defaults.js';
import { parseDuration } from './duration.js';
import { deepFreeze } from './freeze.js';
import { CONDITION_PREDICATES, errorKindOf } from './vocabulary.js';
import type { PolicySource } from './source.js';
import type { RawCondition, RawCooldownAfter, RawDuration, RawPolicy, RawProviderConfig } from './raw.js';
import type {
  Condition,
  CountCooldown,
  FactCondition,
  GroupConfig,
  ModelConfig,
  OutputAccept,
  OutputCheck,
  Policy,
  ProviderConfig,
  StrategyType,
  TopLevelCondition,
} from './types.js';

function milliseconds(value: RawDuration | undefined): number | null {
  return value === undefined ? null : (parseDuration(value) ?? null);
}

function kinds(names: readonly string[]): ErrorKind[] {
  const result: ErrorKind[] = [];
  for (const name of names) {
    const predicate = Object.hasOwn(CONDITION_PREDICATES, name) ? CONDITION_PREDICATES[name] : undefined;
    for (const kind of predicate ?? [errorKindOf(name)]) {
      if (kind !== undefined && !result.includes(kind)) result.push(kind);
    }
  }
  // Keep the taxonomy's order for predicates so output is stable whatever the spelling.
  return names.some((name) => Object.hasOwn(CONDITION_PREDICATES, name)) ? ERROR_KINDS.filter((kind) => result.includes(kind)) : result;
}

function condition(raw: RawCondition): Condition {
  if (raw.all !== undefined) return { all: raw.all.map(condition) };
  if (raw.any !== undefined) return { any: raw.any.map(condition) };
  if (raw.not !== undefined) return { not: condition(raw.not) };
  return factCondition(raw);
}

function factCondition(raw: RawCondition): FactCondition {
  const base = { fact: raw.fact ?? '', operator: raw.operator ?? '', value: raw.value };
  return raw.path === undefined ? base : { ...base, path: raw.path };
}

function providerType(name: string, declared: string | undefined): ProviderType {
  const type = declared ?? name;
  return (PROVIDER_TYPES as readonly string[]).includes(type) ? (type as ProviderType) : 'openai_compatible';
}

function azureSettings(config: RawProviderConfig): AzureOpenAISettings {
  const endpoint = config.endpoint ?? (config.resource === undefined ? null : azureResourceEndpoint(config.resource));
  return { endpoint, apiVersion: config.api_version ?? null, auth: config.auth ?? 'api_key' };
}

function providers(raw: RawPolicy): Record<string, ProviderConfig> {
  const result: Record<string, ProviderConfig> = {};
  const add = (name: string) => {
    if (Object.hasOwn(result, name)) return;
    const declared = raw.provider_config ?? {};
    const config = Object.hasOwn(declared, name) ? (declared[name] ?? {}) : {};
    const type = providerType(name, config.type);
    result[name] = {
      name,
      type,
      apiKeyEnv: config.api_key_env ?? DEFAULT_API_KEY_ENV[type],
      baseUrl: config.base_url ?? null,
      timeoutMs: milliseconds(config.timeout),
      maxConnections: config.max_connections ?? null,
      headers: { ...config.headers },
      ...(config.region === undefined ? {} : { region: config.region }),
      ...(config.profile === undefined ? {} : { profile: config.profile }),
      ...(type === 'azure_openai' ? { azure: azureSettings(config) } : {}),
      ...(type === 'vertex' ? { vertex: { project: config.project ?? null, location: config.location ?? null } } : {}),
    };
  };
  for (const name of Object.keys(raw.provider_config ?? {})) add(name);
  for (const [name, model] of Object.entries(raw.models)) add(model.provider ?? inferProviderType(model.model ?? name) ?? 'openai');
  return result;
}

function countCooldowns(value: RawCooldownAfter | readonly RawCooldownAfter[]): CountCooldown[] {
  const entries: readonly RawCooldownAfter[] = Array.isArray(value) ? value : [value as RawCooldownAfter];
  return entries.map((entry) => ({
    failures: entry.failures,
    withinMs: milliseconds(entry.within) ?? 60_000,
    forMs: milliseconds(entry.for) ?? 0,
    kinds: entry.kinds ? kinds(entry.kinds) : [],
  }));
}

function models(raw: RawPolicy): Record<string, ModelConfig> {
  const result: Record<string, ModelConfig> = {};
  for (const [name, model] of Object.entries(raw.models)) {
    result[name] = {
      name,
      provider: model.provider ?? inferProviderType(model.model ?? name) ?? 'openai',
      model: model.model ?? name,
      contextWindow: model.context_window ?? null,
      rpm: model.rpm ?? null,
      tpm: model.tpm ?? null,
      price: model.price ? { input: model.price.input, output: model.price.output } : null,
      ...(model.capabilities === undefined ? {} : { capabilities: [...new Set(model.capabilities as ModelCapability[])] }),
      params: { ...model.params },
    };
    const timeout = milliseconds(model.timeout);
    const firstChunk = milliseconds(model.first_chunk_timeout);
    if (timeout !== null || firstChunk !== null || model.cooldown_after !== undefined) {
      result[name] = {
        ...result[name],
        ...(timeout === null ? {} : { timeoutMs: timeout }),
        ...(firstChunk === null ? {} : { firstChunkTimeoutMs: firstChunk }),
        ...(model.cooldown_after === undefined ? {} : { cooldownAfter: countCooldowns(model.cooldown_after) }),
      };
    }
  }
  return result;
}

function groups(raw: RawPolicy): Record<string, GroupConfig> {
  const result: Record<string, GroupConfig> = {};
  for (const [name, group] of Object.entries(raw.groups ?? {})) {
    result[name] = {
      name,
      members: [...group.members],
      strategy: group.strategy ?? POLICY_DEFAULTS.groupStrategy,
      weights: { ...group.weights },
      sticky: group.sticky
        ? { key: group.sticky.key, ttlMs: milliseconds(group.sticky.ttl) ?? POLICY_DEFAULTS.stickyTtlMs, ...(group.sticky.hash === true ? { hash: true } : {}) }
        : null,
    };
  }
  return result;
}

/**
 * Build the immutable Policy from raw data that passed every check.
 *
 * @example
 * compilePolicy(raw, source, 'a1b2c3d4e5f6', '/repo/policies/default.yaml').maxAttempts // 3 unless set
 */
export function compilePolicy(raw: RawPolicy, source: PolicySource, version: string, file: string | null): Policy {
  const line = (pointer: string) => source.locate(pointer).line;
  const circuit = raw.circuit_breaker;
  const policy: Policy = {
    version,
    name: raw.name,
    description: raw.description ?? null,
    enabled: raw.enabled ?? POLICY_DEFAULTS.enabled,
    file,
    providers: providers(raw),
    models: models(raw),
    groups: groups(raw),
    primaryModel: raw.primary_model,
    fallbackModels: [...(raw.fallback_models ?? POLICY_DEFAULTS.fallbackModels)],
    strategyType: (raw.strategy_type as StrategyType | undefined) ?? POLICY_DEFAULTS.strategyType,
    maxAttempts: raw.max_attempts ?? POLICY_DEFAULTS.maxAttempts,
    timeoutMs: milliseconds(raw.timeout) ?? POLICY_DEFAULTS.timeoutMs,
    firstChunkTimeoutMs: milliseconds(raw.first_chunk_timeout) ?? POLICY_DEFAULTS.firstChunkTimeoutMs,
    deadlineMs: milliseconds(raw.deadline) ?? POLICY_DEFAULTS.deadlineMs,
    baseDelayMs: milliseconds(raw.base_delay) ?? POLICY_DEFAULTS.baseDelayMs,
    maxDelayMs: milliseconds(raw.max_delay) ?? POLICY_DEFAULTS.maxDelayMs,
    exponentialBase: raw.exponential_base ?? POLICY_DEFAULTS.exponentialBase,
    jitter: raw.jitter ?? POLICY_DEFAULTS.jitter,
    backoff: raw.backoff ?? POLICY_DEFAULTS.backoff,
    ...(raw.retry_after === undefined && raw.backoff_count === undefined && raw.backoff_window === undefined && raw.max_total_delay === undefined
      ? {}
      : {
          delays: {
            retryAfter: raw.retry_after ?? 'max',
            countPer: raw.backoff_count ?? 'session',
            window: raw.backoff_window ?? 'exponential',
            maxTotalMs: milliseconds(raw.max_total_delay),
          },
        }),
    fallbackOnStatusCodes: [...(raw.fallback_on_status_codes ?? POLICY_DEFAULTS.fallbackOnStatusCodes)],
    fallbackOnErrors: raw.fallback_on_errors ? kinds(raw.fallback_on_errors) : [...POLICY_DEFAULTS.fallbackOnErrors],
    errorMappings: Object.fromEntries(
      Object.entries(raw.error_mappings ?? {}).map(([name, chain]) => [errorKindOf(name) ?? name, [...chain]]),
    ),
    conditions: (raw.conditions ?? []).flatMap((entry): (string | FactCondition)[] =>
      typeof entry === 'string' ? kinds([entry]) : [factCondition(entry)],
    ),
    weights: { ...raw.weights },
    parallel: {
      width: raw.parallel?.width ?? POLICY_DEFAULTS.parallelWidth,
      timeoutMs: milliseconds(raw.parallel?.timeout),
    },
    hedge: raw.hedge
      ? { afterMs: milliseconds(raw.hedge.after) ?? 0, maxExtra: raw.hedge.max_extra ?? POLICY_DEFAULTS.hedgeMaxExtra }
      : null,
    midStream: raw.mid_stream ?? POLICY_DEFAULTS.midStream,
    statsWindowMs: milliseconds(raw.stats_window) ?? POLICY_DEFAULTS.statsWindowMs,
    outputChecks: raw.output_checks === undefined ? [...POLICY_DEFAULTS.outputChecks] : [...new Set(raw.output_checks as OutputCheck[])],
    accept: raw.accept === undefined ? [...POLICY_DEFAULTS.accept] : [...new Set(raw.accept as OutputAccept[])],
    circuitBreaker: circuit
      ? {
          failureRate: circuit.failure_rate ?? POLICY_DEFAULTS.circuitFailureRate,
          minRequests: circuit.min_requests ?? POLICY_DEFAULTS.circuitMinRequests,
          windowMs: milliseconds(circuit.window) ?? POLICY_DEFAULTS.circuitWindowMs,
          openForMs: milliseconds(circuit.open_for) ?? POLICY_DEFAULTS.circuitOpenForMs,
          halfOpenProbes: circuit.half_open_probes ?? POLICY_DEFAULTS.circuitHalfOpenProbes,
          on: circuit.on ? kinds(circuit.on) : [...POLICY_DEFAULTS.circuitOn],
          ...(circuit.on_status === undefined || circuit.on_status.length === 0 ? {} : { onStatus: [...circuit.on_status] }),
        }
      : null,
    ...(raw.cooldown_after === undefined ? {} : { cooldownAfter: countCooldowns(raw.cooldown_after) }),
    routes: (raw.routes ?? []).map((route, index) => ({
      name: route.name,
      when: condition(route.when) as TopLevelCondition,
      then: {
        primaryModel: route.then.primary_model ?? null,
        fallbackModels: route.then.fallback_models ? [...route.then.fallback_models] : null,
        maxAttempts: route.then.max_attempts ?? null,
        strategyType: (route.then.strategy_type as StrategyType | undefined) ?? null,
      },
      line: line(`/routes/${index}`),
    })),
    rules: (raw.rules ?? []).map((rule, index) => ({
      name: rule.name,
      priority: rule.priority ?? POLICY_DEFAULTS.rulePriority,
      when: condition(rule.when) as TopLevelCondition,
      then: {
        fallback: rule.then.fallback ? [...rule.then.fallback] : null,
        retry: rule.then.retry
          ? { times: rule.then.retry.times ?? POLICY_DEFAULTS.retryTimes, delayMs: milliseconds(rule.then.retry.delay), ...(rule.then.retry.repick === true ? { repick: true } : {}) }
          : null,
        fail: rule.then.fail === true,
        delayMs: milliseconds(rule.then.delay),
        cooldownMs: milliseconds(rule.then.cooldown),
        strategy: (rule.then.strategy as StrategyType | undefined) ?? null,
      },
      line: line(`/rules/${index}`),
    })),
    tests: (raw.tests ?? []).map((test, index) => ({
      name: test.name,
      given: { ...test.given },
      expect: {
        rule: test.expect.rule ?? null,
        action: test.expect.action ?? null,
        next: test.expect.next ? [...test.expect.next] : null,
        delayMs: test.expect.delay_ms
          ? { min: test.expect.delay_ms.min ?? null, max: test.expect.delay_ms.max ?? null }
          : null,
        ...(test.expect.cooldown_ms === undefined ? {} : { cooldownMs: test.expect.cooldown_ms }),
        route: test.expect.route ?? null,
        primary: test.expect.primary ?? null,
      },
      line: line(`/tests/${index}`),
    })),
  };
  return deepFreeze(policy);
}
