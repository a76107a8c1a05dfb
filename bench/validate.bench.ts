/**
 * Validating policy files: 1,000 generated, varied policies in a temp
 * folder, loaded as one PolicySet (read, parse, schema, checks, compile).
 * Aim: all 1,000 in under 2 s on the 2-core machine. Compared with parsing
 * the same texts with `yaml` alone, the floor any YAML loader pays.
 */
import { mkdtemp, readFile, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { loadPolicies, parsePolicy } from '../src/policy/load.js';
import { percentile, type BenchResult } from './types.js';

export const title = 'detour validate';

const FILE_COUNT = 1000;

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const strategies = ['sequential', 'priority', 'random', 'error_type', 'parallel', 'conditional'];
const kinds = ['timeout', 'rate_limit', 'service_unavailable', 'overloaded', 'token_limit', 'invalid_request'];
const providers = ['openai', 'anthropic', 'google'];
const prefixes: Record<string, string> = { openai: 'gpt-4o', anthropic: 'claude-3-5', google: 'gemini-2' };

/** One valid policy; `index` varies its size and features. */
export function generatePolicy(index: number): string {
  const next = random(index + 1);
  const pick = <T>(items: readonly T[]): T => items[Math.floor(next() * items.length)] as T;
  const modelCount = 3 + Math.floor(next() * 10);
  const models = Array.from({ length: modelCount }, (_, position) => {
    const provider = providers[position % providers.length] ?? 'openai';
    return { name: `${prefixes[provider] ?? 'gpt'}-m${position}`, provider };
  });
  const names = models.map((model) => model.name);
  const strategy = strategies[index % strategies.length] ?? 'sequential';
  const lines = [
    '# yaml-language-server: $schema=../schemas/policy.schema.json',
    'version: 1',
    `name: policy-${index}`,
    `description: generated policy ${index}`,
    'provider_config:',
    '  openai: { api_key_env: OPENAI_API_KEY, timeout: 30s, max_connections: 10 }',
    '  anthropic: { api_key_env: ANTHROPIC_API_KEY }',
    'models:',
    ...models.map(
      (model, position) =>
        `  ${model.name}: { provider: ${model.provider}, context_window: ${8000 * (position + 1)}, params: { temperature: 0.${position % 10}, max_tokens: ${256 * (position + 1)} } }`,
    ),
    'groups:',
    `  pool: { members: [${names.slice(0, 2).join(', ')}], strategy: random, weights: { ${names[0] ?? ''}: 3 } }`,
    `primary_model: ${names[0] ?? ''}`,
    `fallback_models: [${names.slice(1).join(', ')}]`,
    `strategy_type: ${strategy}`,
    `max_attempts: ${2 + (index % 4)}`,
    `timeout: ${10 + (index % 50)}s`,
    'first_chunk_timeout: 3s',
    'deadline: 1.5m',
    'base_delay: 250ms',
    'max_delay: 30',
    'fallback_on_status_codes: [429, 500, 502, 503, 504]',
    'fallback_on_errors: [timeout, rate_limit, service_unavailable, overloaded_error]',
    'error_mappings:',
    `  RateLimitError: [${names.slice(2, 4).join(', ')}]`,
    `  timeout: [${names[1] ?? ''}]`,
    'conditions: [on_timeout, rate_limit, { fact: error.message, operator: matches, value: "(?i)overloaded" }]',
    'parallel: { width: 2, timeout: 20s }',
  ];
  if (next() < 0.5) lines.push('hedge: { after: 2s, max_extra: 1 }');
  if (next() < 0.5) lines.push('circuit_breaker: { failure_rate: 0.2, min_requests: 10, window: 60s, open_for: 1m }');
  const routeCount = Math.floor(next() * 4);
  if (routeCount > 0) lines.push('routes:');
  for (let route = 0; route < routeCount; route++) {
    lines.push(
      `  - name: route-${route}`,
      `    when: { all: [ { fact: request.metadata.tier, operator: equal, value: tier-${route} } ] }`,
      `    then: { primary_model: pool, fallback_models: [${pick(names)}], max_attempts: 2 }`,
    );
  }
  const ruleCount = Math.floor(next() * 11);
  if (ruleCount > 0) lines.push('rules:');
  for (let rule = 0; rule < ruleCount; rule++) {
    const action = rule % 3 === 0 ? '{ fail: true }' : rule % 3 === 1 ? `{ fallback: [${pick(names)}], cooldown: 30s }` : '{ retry: { times: 1, delay: 500ms } }';
    lines.push(
      `  - name: rule-${rule}`,
      `    priority: ${1 + Math.floor(next() * 100)}`,
      '    when:',
      '      all:',
      `        - { fact: error.kind, operator: equal, value: ${pick(kinds)} }`,
      `        - { fact: error.status, operator: in, value: [400, 429, 503] }`,
      `        - { fact: error.message, operator: matches, value: "(?i)(overloaded|capacity) ${rule}" }`,
      `    then: ${action}`,
    );
  }
  const testCount = Math.floor(next() * 6);
  if (testCount > 0) lines.push('tests:');
  for (let test = 0; test < testCount; test++) {
    lines.push(
      `  - name: test ${test}`,
      `    given: { error.kind: ${pick(kinds)}, error.status: 429, attempt.model: ${names[0] ?? ''}, session.tried: [${names[0] ?? ''}] }`,
      `    expect: { action: fallback, next: [${pick(names)}] }`,
    );
  }
  return `${lines.join('\n')}\n`;
}

export async function run(): Promise<readonly BenchResult[]> {
  const folder = await mkdtemp(path.join(tmpdir(), 'detour-bench-validate-'));
  try {
    const files = Array.from({ length: FILE_COUNT }, (_, index) => path.join(folder, `policy-${String(index).padStart(4, '0')}.yaml`));
    await Promise.all(files.map((file, index) => writeFile(file, generatePolicy(index))));

    const coldStart = performance.now();
    const cold = await loadPolicies(folder);
    const coldMs = performance.now() - coldStart;
    if (!cold.set || cold.set.policies.size !== FILE_COUNT) {
      const first = cold.diagnostics[0];
      throw new Error(`generated policies did not load: ${first ? `${first.file}:${first.line}:${first.column} ${first.message}` : 'no set'}`);
    }

    const warmRuns: number[] = [];
    for (let round = 0; round < 3; round++) {
      const start = performance.now();
      await loadPolicies(folder);
      warmRuns.push(performance.now() - start);
    }
    const warmMs = percentile(warmRuns, 50);

    const texts = await Promise.all(files.map((file) => readFile(file, 'utf8')));
    const parseSamples: number[] = [];
    const yamlSamples: number[] = [];
    texts.forEach((text, index) => {
      let start = performance.now();
      parsePolicy(text, files[index] ?? '');
      parseSamples.push((performance.now() - start) * 1000);
      start = performance.now();
      parseDocument(text).toJS();
      yamlSamples.push((performance.now() - start) * 1000);
    });
    const bytes = texts.reduce((sum, text) => sum + text.length, 0);

    return [
      {
        name: `loadPolicies, ${FILE_COUNT} files, first run (incl. schema compile)`,
        value: coldMs,
        unit: 'ms',
        aim: '< 2000 ms',
        note: `${Math.round(bytes / FILE_COUNT)} bytes per file on average`,
      },
      {
        name: `loadPolicies, ${FILE_COUNT} files, warm (median of 3)`,
        value: warmMs,
        unit: 'ms',
        aim: '< 2000 ms',
      },
      {
        name: 'throughput, warm',
        value: (FILE_COUNT / warmMs) * 1000,
        unit: 'files/s',
        baseline: { name: 'throughput, first run', value: (FILE_COUNT / coldMs) * 1000, unit: 'files/s' },
      },
      {
        name: 'parsePolicy per file, median',
        value: percentile(parseSamples, 50),
        unit: 'µs',
        baseline: { name: 'yaml parseDocument + toJS alone, median', value: percentile(yamlSamples, 50) },
      },
      {
        name: 'parsePolicy per file, p99',
        value: percentile(parseSamples, 99),
        unit: 'µs',
        baseline: { name: 'yaml parseDocument + toJS alone, p99', value: percentile(yamlSamples, 99) },
      },
    ];
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
