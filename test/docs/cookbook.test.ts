/**
 * The cookbook: every recipe under policies/cookbook/ validates without a
 * warning, passes its own `tests:` (as `detour test` runs them in CI), is
 * shown in docs/cookbook.md exactly as the file says, and does what the
 * recipe promises in a run against the simulator over the real SDKs.
 */
import { readFileSync, readdirSync } from 'node:fs';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { LLMFallbackError } from '../../src/errors/LLMFallbackError.js';
import { Executor } from '../../src/executor/Executor.js';
import { InMemoryStateStore } from '../../src/executor/InMemoryStateStore.js';
import { loadPolicyFile, parsePolicy } from '../../src/policy/load.js';
import type { Policy } from '../../src/policy/types.js';
import { SelfManagingFallbackFactory } from '../../src/providers/factory.js';
import { runPolicyTestPaths } from '../../src/rules/policy-tests.js';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { createPolicySet } from '../../src/policy/set.js';
import { noopTelemetry } from '../../src/telemetry/hooks.js';

const FOLDER = 'policies/cookbook';
const files = readdirSync(FOLDER).filter((name) => name.endsWith('.yaml')).sort();

interface Run {
  readonly metadata?: Record<string, unknown>;
  readonly model?: string;
  readonly randomSeed?: number;
}

/** Per recipe: the simulator's faults by model id, how the policy's durations shrink for the run, the requests, and the models each calls. */
interface Recipe {
  readonly faults: Record<string, unknown[]>;
  readonly shrink?: readonly (readonly [string, string])[];
  readonly runs: readonly (readonly [Run, readonly string[]])[];
}

const RECIPES: Readonly<Record<string, Recipe>> = {
  'fallback-on-429': {
    faults: { 'gpt-4o': [{ type: 'rate_limit', when: { first: 1 } }, { type: 'server_error', when: { first: 2 } }] },
    runs: [
      [{}, ['gpt-4o', 'claude-haiku']],
      [{}, ['gpt-4o']],
    ],
  },
  'retry-after-cap': {
    faults: { 'gpt-4o': [{ type: 'rate_limit', retry_after: 60 }] },
    shrink: [
      ['base_delay: 500ms', 'base_delay: 1ms'],
      ['max_delay: 5s', 'max_delay: 10ms'],
    ],
    runs: [[{}, ['gpt-4o', 'gpt-4o', 'gpt-4o', 'gemini-flash']]],
  },
  'timeout-fallback': {
    faults: { 'gpt-4o': [{ type: 'hang' }] },
    shrink: [['timeout: 8s, first_chunk_timeout: 2s', 'timeout: 150ms']],
    runs: [[{}, ['gpt-4o', 'gpt-4o-mini']]],
  },
  'nested-load-balance': {
    faults: { 'gpt-4o': [{ type: 'service_unavailable' }] },
    runs: [[{ randomSeed: 1 }, ['gpt-4o-east', 'claude-haiku']]],
  },
  breaker: {
    faults: { 'gpt-4o': [{ type: 'rate_limit', retry_after: 0 }] },
    runs: [
      [{}, ['gpt-4o', 'claude-haiku']],
      [{}, ['gpt-4o', 'claude-haiku']],
      [{}, ['gpt-4o', 'claude-haiku']],
      [{}, ['gpt-4o (skipped)', 'claude-haiku']],
    ],
  },
  'sticky-user': {
    faults: {},
    runs: [
      [{ metadata: { user_id: 'alice' } }, ['gpt-4o-west']],
      [{ metadata: { user_id: 'carol' } }, ['gpt-4o-east']],
      [{ metadata: { user_id: 'alice' } }, ['gpt-4o-west']],
    ],
  },
  'metadata-routing': {
    faults: {},
    runs: [
      [{ metadata: { tier: 'free' } }, ['gpt-4o-mini']],
      [{ metadata: { region: 'EU', tier: 'paid' } }, ['gpt-4o-eu']],
      [{ metadata: { tier: 'paid' } }, ['gpt-4o']],
    ],
  },
  'model-alias': {
    faults: { 'gpt-4o-mini': [{ type: 'overloaded' }] },
    runs: [
      [{ model: 'fast' }, ['gpt-4o-mini', 'claude-haiku']],
      [{ model: 'smart' }, ['gpt-4o']],
    ],
  },
  'context-window': {
    faults: { 'gpt-4o-mini': [{ type: 'context_length' }] },
    runs: [[{}, ['gpt-4o-mini', 'gemini-pro']]],
  },
  'content-policy': {
    faults: { 'gpt-4o': [{ type: 'content_filter' }] },
    runs: [[{}, ['gpt-4o', 'claude-haiku']]],
  },
  'priority-tiers': {
    faults: { 'gpt-4o': [{ type: 'overloaded' }], 'claude-3-5-haiku-latest': [{ type: 'overloaded' }] },
    runs: [[{ randomSeed: 2 }, ['gpt-4o-west', 'claude-haiku', 'gemini-flash']]],
  },
  'round-robin': {
    faults: {},
    runs: [
      [{}, ['gpt-4o-east']],
      [{}, ['gpt-4o-west']],
      [{}, ['gpt-4o-south']],
      [{}, ['gpt-4o-east']],
    ],
  },
};

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, scenario: { models: {} } });
});
afterAll(async () => {
  await sim.close();
});

function load(name: string, shrink: Recipe['shrink'] = []): Policy {
  let text = readFileSync(`${FOLDER}/${name}.yaml`, 'utf8');
  for (const [from, to] of shrink) {
    if (!text.includes(from)) throw new Error(`${name}: "${from}" is not in the recipe`);
    text = text.replace(from, to);
  }
  const result = parsePolicy(text, `${name}.yaml`);
  if (result.policy === null) throw new Error(result.diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
  return result.policy;
}

describe('the cookbook', () => {
  it('has a simulator run for every recipe, and a recipe for every run', () => {
    expect(files.map((file) => file.slice(0, -5))).toEqual(Object.keys(RECIPES).sort());
  });

  it.each(files)('%s validates without errors or warnings', async (file) => {
    const result = await loadPolicyFile(`${FOLDER}/${file}`);
    expect(result.diagnostics.map((diagnostic) => `${diagnostic.line}:${diagnostic.column} ${diagnostic.message}`)).toEqual([]);
  });

  it('every recipe passes its tests (detour test policies/cookbook)', async () => {
    const run = await runPolicyTestPaths([FOLDER]);
    expect(run.results.filter((result) => !result.passed).map((result) => `${result.test}: ${result.problems.join('; ')}`)).toEqual([]);
    expect(run.passed).toBeGreaterThanOrEqual(files.length);
  });

  it('docs/cookbook.md shows each recipe exactly as its file', () => {
    const page = readFileSync('docs/cookbook.md', 'utf8');
    for (const file of files) {
      const marker = `<!-- recipe: ${FOLDER}/${file} -->`;
      const at = page.indexOf(marker);
      expect(at, `${marker} in docs/cookbook.md`).toBeGreaterThanOrEqual(0);
      const block = /```yaml\n([\s\S]*?)```/.exec(page.slice(at));
      expect(block?.[1]).toBe(readFileSync(`${FOLDER}/${file}`, 'utf8'));
    }
  });

  it.each(Object.entries(RECIPES))('%s does what it says against the simulator', async (name, recipe) => {
    const models: Record<string, unknown> = { '*': { latency: 0 } };
    for (const [id, faults] of Object.entries(recipe.faults)) models[id] = { latency: 0, faults };
    await sim.setScenario({ models });
    const policy = load(name, recipe.shrink);
    let now = 1_000_000;
    const executor = new Executor({
      policies: createPolicySet([policy]),
      factory: new SelfManagingFallbackFactory({ baseUrlOverride: sim.url, apiKeyOverride: 'test-key' }),
      stateStore: new InMemoryStateStore(),
      clock: { now: () => (now += 1) },
      telemetry: noopTelemetry,
    });
    try {
      for (const [request, expected] of recipe.runs) {
        let attempts;
        try {
          attempts = (await executor.generate({ policy: policy.name, messages: [{ role: 'user', content: 'hi' }], ...request })).session.attempts;
        } catch (error) {
          if (!LLMFallbackError.isInstance(error)) throw error;
          attempts = error.attempts;
        }
        expect(attempts.map((attempt) => `${attempt.model}${attempt.outcome === 'skipped' ? ' (skipped)' : ''}`)).toEqual(expected);
      }
    } finally {
      await executor.close();
    }
  });
});
