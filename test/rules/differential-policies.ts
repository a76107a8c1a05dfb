/**
 * Random policies for the differential test: strategies, groups nested two
 * deep, routes, rules with every action, and a script of faults per session.
 * Everything is drawn from a seeded generator, so a failing case is replayed
 * by its index.
 */
import { mulberry32 } from '../../src/rules/random.js';

export const MODELS: Readonly<Record<string, { provider: string; id: string }>> = {
  a1: { provider: 'openai', id: 'gpt-a1' },
  a2: { provider: 'openai', id: 'gpt-a2' },
  b1: { provider: 'anthropic', id: 'claude-b1' },
  b2: { provider: 'anthropic', id: 'claude-b2' },
  c1: { provider: 'google', id: 'gemini-c1' },
  c2: { provider: 'google', id: 'gemini-c2' },
};
const MODEL_NAMES = Object.keys(MODELS);

/** Simulator faults and the error kind each becomes. */
export const FAULTS: Readonly<Record<string, string>> = {
  rate_limit: 'rate_limit',
  server_error: 'service_unavailable',
  overloaded: 'overloaded',
  bad_request: 'invalid_request',
  quota: 'quota_exceeded',
  not_found: 'model_not_found',
};
const KINDS = [...new Set(Object.values(FAULTS))];
const RETRYABLE_FAULTS = ['rate_limit', 'server_error', 'overloaded'];
const STRATEGIES = ['sequential', 'priority', 'random', 'error_type', 'conditional'] as const;
export const TIERS = ['gold', 'free', 'other'] as const;

export interface GeneratedPolicy {
  readonly yaml: string;
  /** Names a caller may ask for (`model`): models and groups. */
  readonly names: readonly string[];
}

type Random = () => number;

function pick<T>(random: Random, items: readonly T[]): T {
  return items[Math.floor(random() * items.length)] as T;
}

function some<T>(random: Random, items: readonly T[], min: number, max: number): T[] {
  const count = min + Math.floor(random() * (max - min + 1));
  const pool = [...items];
  const chosen: T[] = [];
  while (chosen.length < count && pool.length > 0) chosen.push(pool.splice(Math.floor(random() * pool.length), 1)[0] as T);
  return chosen;
}

const list = (items: readonly string[]): string => `[${items.join(', ')}]`;

/**
 * The policy number `index`: deterministic, valid, and using every kind of
 * name resolution the executor does.
 */
export function generatePolicy(index: number): GeneratedPolicy {
  const random = mulberry32(1000 + index);
  const lines: string[] = ['version: 1', 'name: default', 'models:'];
  for (const [name, model] of Object.entries(MODELS)) lines.push(`  ${name}: { provider: ${model.provider}, model: ${model.id} }`);
  // Groups: the first ones hold models only; later ones may hold an earlier group (two deep).
  const groups: string[] = [];
  const groupCount = Math.floor(random() * 4);
  if (groupCount > 0) lines.push('groups:');
  for (let number = 1; number <= groupCount; number += 1) {
    const name = `g${number}`;
    const members = some(random, [...MODEL_NAMES, ...groups.filter((group) => group === 'g1')], 2, 3);
    const strategy = pick(random, ['random', 'sequential'] as const);
    const weights = strategy === 'random' && random() < 0.5 ? `, weights: { ${members[0]}: ${1 + Math.floor(random() * 4)} }` : '';
    const sticky = strategy === 'random' && random() < 0.3 ? ', sticky: { key: request.metadata.user, hash: true }' : '';
    lines.push(`  ${name}: { members: ${list(members)}, strategy: ${strategy}${weights}${sticky} }`);
    groups.push(name);
  }
  const names = [...MODEL_NAMES, ...groups];
  const strategy = pick(random, STRATEGIES);
  lines.push(`primary_model: ${pick(random, names)}`);
  lines.push(`fallback_models: ${list(some(random, names, 0, 4))}`);
  lines.push(`strategy_type: ${strategy}`);
  lines.push(`max_attempts: ${2 + Math.floor(random() * 5)}`);
  lines.push('base_delay: 0', 'max_delay: 0', 'jitter: false', 'timeout: 30s');
  if (strategy === 'priority' || strategy === 'error_type') {
    lines.push('error_mappings:');
    for (const kind of some(random, KINDS, 1, 3)) lines.push(`  ${kind}: ${list(some(random, names, 1, 2))}`);
  }
  if (strategy === 'conditional') lines.push(`conditions: ${list(some(random, KINDS, 1, 3))}`);
  if (random() < 0.4) lines.push(`weights: { ${pick(random, MODEL_NAMES)}: 5 }`);
  const routeCount = Math.floor(random() * 3);
  if (routeCount > 0) lines.push('routes:');
  for (let number = 0; number < routeCount; number += 1) {
    const then: string[] = [`primary_model: ${pick(random, names)}`];
    if (random() < 0.7) then.push(`fallback_models: ${list(some(random, names, 0, 3))}`);
    if (random() < 0.3) then.push(`strategy_type: ${pick(random, ['sequential', 'random'])}`);
    if (random() < 0.3) then.push(`max_attempts: ${2 + Math.floor(random() * 3)}`);
    lines.push(`  - name: route-${number}`);
    lines.push(`    when: { all: [ { fact: request.metadata.tier, operator: equal, value: ${TIERS[number]} } ] }`);
    lines.push(`    then: { ${then.join(', ')} }`);
  }
  const ruleCount = Math.floor(random() * 5);
  if (ruleCount > 0) lines.push('rules:');
  for (let number = 0; number < ruleCount; number += 1) {
    const kinds = some(random, KINDS, 1, 2);
    const conditions = [`{ fact: error.kind, operator: in, value: ${list(kinds)} }`];
    if (random() < 0.25) conditions.push(`{ fact: attempt.model, operator: equal, value: ${pick(random, MODEL_NAMES)} }`);
    if (random() < 0.15) conditions.push(`{ fact: request.metadata.tier, operator: equal, value: ${pick(random, TIERS)} }`);
    const action = random();
    const then: string[] = [];
    if (action < 0.4) then.push(`fallback: ${list(some(random, names, 1, 3))}`);
    else if (action < 0.65) then.push(`retry: { times: ${1 + Math.floor(random() * 2)}${random() < 0.4 ? ', repick: true' : ''} }`);
    else if (action < 0.8) then.push('fail: true');
    else then.push(`fallback: ${list(some(random, names, 2, 4))}`, 'strategy: random');
    if (random() < 0.35) then.push(`cooldown: ${pick(random, ['30s', '1m', '2m'])}`);
    if (random() < 0.2 && !then.some((part) => part.startsWith('strategy'))) then.push(`strategy: ${pick(random, ['random', 'sequential'])}`);
    lines.push(`  - name: rule-${number}`);
    if (random() < 0.3) lines.push(`    priority: ${1 + Math.floor(random() * 3)}`);
    lines.push(`    when: { all: [ ${conditions.join(', ')} ] }`);
    lines.push(`    then: { ${then.join(', ')} }`);
  }
  return { yaml: `${lines.join('\n')}\n`, names };
}

/** One session: its request and which faults each model serves on its calls in this session. */
export interface GeneratedSession {
  readonly tier: (typeof TIERS)[number] | null;
  /** `request.metadata.user`, which hashed sticky groups key on. */
  readonly user: string;
  readonly model: string | null;
  readonly seed: number;
  /** Model id → the fault of its 1st, 2nd, … call this session (null: it answers). */
  readonly faults: Readonly<Record<string, readonly (string | null)[]>>;
}

export function generateSession(policyIndex: number, sessionIndex: number, names: readonly string[]): GeneratedSession {
  const random = mulberry32(50_000 + policyIndex * 31 + sessionIndex);
  const faults: Record<string, (string | null)[]> = {};
  for (const model of Object.values(MODELS)) {
    const script: (string | null)[] = [];
    // Most models fail most of the time, so sessions walk long chains.
    // Mostly faults that fall back, so sessions walk long chains; some that the gate or a rule ends.
    for (let call = 0; call < 3; call += 1) {
      const draw = random();
      script.push(draw < 0.55 ? pick(random, RETRYABLE_FAULTS) : draw < 0.75 ? pick(random, Object.keys(FAULTS)) : null);
    }
    faults[model.id] = script;
  }
  return {
    user: `user-${Math.floor(random() * 50)}`,
    tier: random() < 0.7 ? pick(random, TIERS) : null,
    model: random() < 0.2 ? pick(random, names) : null,
    seed: Math.floor(random() * 4294967296) >>> 0,
    faults,
  };
}

/** The simulator scenario that serves a session's faults: the Nth call of a model gets its Nth fault. */
export function scenarioOf(session: GeneratedSession): Record<string, unknown> {
  const models: Record<string, unknown> = {};
  for (const [id, script] of Object.entries(session.faults)) {
    const faults: unknown[] = [];
    script.forEach((fault, call) => {
      if (fault !== null) faults.push({ type: fault, when: { every: call + 1, first: call + 1 } });
    });
    models[id] = { latency: 0, faults };
  }
  return { models };
}
