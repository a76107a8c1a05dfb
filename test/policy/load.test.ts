/**
 * The loader on valid input: the bundled policies, defaults, conversions,
 * immutability, versions, warnings, and policy sets.
 */
import { mkdtemp, rm, writeFile, copyFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { loadPolicies, loadPolicyFile, parsePolicy } from '../../src/policy/load.js';
import { STRATEGY_TYPES } from '../../src/policy/types.js';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const policiesFolder = path.join(root, 'policies');

const minimal = `name: minimal
models:
  gpt-4o: { provider: openai }
  claude-instant: { provider: anthropic, model: claude-3-5-haiku-latest }
primary_model: gpt-4o
`;

function load(text: string) {
  const result = parsePolicy(text, 'inline.yaml');
  if (!result.policy) throw new Error(result.diagnostics.map((diagnostic) => diagnostic.message).join('\n'));
  return { policy: result.policy, diagnostics: result.diagnostics };
}

describe('bundled policies', () => {
  it('all load with no errors and no warnings, one per strategy', async () => {
    const result = await loadPolicies(policiesFolder);
    expect(result.diagnostics).toEqual([]);
    expect(result.set).not.toBeNull();
    const strategies = new Set([...(result.set?.policies.values() ?? [])].map((policy) => policy.strategyType));
    expect([...strategies].sort()).toEqual([...STRATEGY_TYPES].sort());
    for (const policy of result.set?.policies.values() ?? []) expect(policy.tests.length).toBeGreaterThan(0);
  });

  it('one uses rules, routes, hedge, a circuit breaker and per-model params', async () => {
    const { policy } = await loadPolicyFile(path.join(policiesFolder, 'rules-hedge.yaml'));
    expect(policy?.rules.map((rule) => rule.name)).toEqual([
      'prompt-too-long',
      'honour-long-retry-after',
      'retry-brief-overload',
      'bad-request-is-final',
    ]);
    expect(policy?.hedge).toEqual({ afterMs: 2000, maxExtra: 1 });
    expect(policy?.models['claude-instant']?.params).toEqual({ max_tokens: 1024 });
    expect(policy?.rules[2]?.then.retry).toEqual({ times: 1, delayMs: 250 });
    expect(policy?.rules[1]?.then.cooldownMs).toBe(60_000);
    const { readFile } = await import('node:fs/promises');
    const lines = (await readFile(path.join(policiesFolder, 'rules-hedge.yaml'), 'utf8')).split('\n');
    const lineOf = (name: string) => lines.findIndex((line) => line === `  - name: ${name}`) + 1;
    expect(policy?.routes[0]?.line).toBe(lineOf('eu-users-stay-in-eu'));
    expect(policy?.rules[0]?.line).toBe(lineOf('prompt-too-long'));
    expect(policy?.tests[0]?.line).toBe(lineOf(policy?.tests[0]?.name ?? ''));
    expect(policy?.rules[0]?.line).toBeGreaterThan(1);
    expect(policy?.file).toBe(path.join(policiesFolder, 'rules-hedge.yaml'));
  });

  it('every bundled policy declares the schema for editors', async () => {
    const { readFile, readdir } = await import('node:fs/promises');
    for (const name of (await readdir(policiesFolder)).filter((file) => file.endsWith('.yaml'))) {
      const text = await readFile(path.join(policiesFolder, name), 'utf8');
      expect(text.startsWith('# yaml-language-server: $schema=../schemas/policy.schema.json\n'), name).toBe(true);
    }
    const cookbook = path.join(policiesFolder, 'cookbook');
    for (const name of (await readdir(cookbook)).filter((file) => file.endsWith('.yaml'))) {
      const text = await readFile(path.join(cookbook, name), 'utf8');
      expect(text.startsWith('# yaml-language-server: $schema=../../schemas/policy.schema.json\n'), name).toBe(true);
    }
  });
});

describe('defaults and conversions', () => {
  it('fills every default of a minimal policy', () => {
    const { policy } = load(minimal);
    expect(policy).toMatchObject({
      name: 'minimal',
      description: null,
      enabled: true,
      fallbackModels: [],
      strategyType: 'sequential',
      maxAttempts: 3,
      timeoutMs: 30_000,
      firstChunkTimeoutMs: null,
      deadlineMs: null,
      baseDelayMs: 1000,
      maxDelayMs: 60_000,
      exponentialBase: 2,
      jitter: true,
      fallbackOnStatusCodes: [429, 500, 502, 503, 504],
      fallbackOnErrors: ['timeout', 'rate_limit', 'service_unavailable', 'overloaded', 'connection', 'stream_interrupted'],
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
    });
    expect(policy.providers).toEqual({
      openai: { name: 'openai', type: 'openai', apiKeyEnv: 'OPENAI_API_KEY', baseUrl: null, timeoutMs: null, maxConnections: null, headers: {} },
      anthropic: { name: 'anthropic', type: 'anthropic', apiKeyEnv: 'ANTHROPIC_API_KEY', baseUrl: null, timeoutMs: null, maxConnections: null, headers: {} },
    });
    expect(policy.models['gpt-4o']).toEqual({ name: 'gpt-4o', provider: 'openai', model: 'gpt-4o', contextWindow: null, rpm: null, tpm: null, price: null, params: {} });
  });

  it('converts durations: numbers are seconds, strings take ms, s, m and h', () => {
    const { policy } = load(
      `${minimal}timeout: 2.5\nfirst_chunk_timeout: 250ms\ndeadline: 1.5m\nbase_delay: 0\nmax_delay: 1h\nhedge: { after: 2s }\n`,
    );
    expect([policy.timeoutMs, policy.firstChunkTimeoutMs, policy.deadlineMs, policy.baseDelayMs, policy.maxDelayMs]).toEqual([
      2500, 250, 90_000, 0, 3_600_000,
    ]);
    expect(policy.hedge).toEqual({ afterMs: 2000, maxExtra: 1 });
  });

  it('turns error types, seed spellings and predicates into kinds', () => {
    const { policy } = load(`${minimal}fallback_models: [claude-instant]
strategy_type: conditional
fallback_on_errors: [RateLimitError, overloaded_error, timeout]
error_mappings: { TimeoutError: [claude-instant], token_limit: [claude-instant] }
conditions: [on_rate_limit, TimeoutError, { fact: error.message, operator: matches, value: "(?i)overloaded" }]
circuit_breaker: { on: [ServiceUnavailableError] }
`);
    expect(policy.fallbackOnErrors).toEqual(['rate_limit', 'overloaded', 'timeout']);
    expect(policy.errorMappings).toEqual({ timeout: ['claude-instant'], token_limit: ['claude-instant'] });
    expect(policy.conditions).toEqual([
      'rate_limit',
      'quota_exceeded',
      'timeout',
      { fact: 'error.message', operator: 'matches', value: '(?i)overloaded' },
    ]);
    expect(policy.circuitBreaker).toEqual({ failureRate: 0.5, minRequests: 10, windowMs: 60_000, openForMs: 30_000, halfOpenProbes: 0, on: ['service_unavailable'] });
  });

  it('infers providers from model names and declares custom providers', () => {
    const { policy } = load(`name: inferred
provider_config:
  local: { type: openai_compatible, base_url: "http://127.0.0.1:11434/v1", headers: { x-team: search } }
models:
  gpt-4o-mini: {}
  claude-3-5-haiku-latest: {}
  gemini-2.0-flash: {}
  llama: { provider: local, model: llama3.1 }
primary_model: llama
fallback_models: [gpt-4o-mini, claude-3-5-haiku-latest, gemini-2.0-flash]
`);
    expect(Object.fromEntries(Object.values(policy.models).map((model) => [model.name, model.provider]))).toEqual({
      'gpt-4o-mini': 'openai',
      'claude-3-5-haiku-latest': 'anthropic',
      'gemini-2.0-flash': 'google',
      llama: 'local',
    });
    expect(policy.providers.local).toEqual({
      name: 'local',
      type: 'openai_compatible',
      apiKeyEnv: null,
      baseUrl: 'http://127.0.0.1:11434/v1',
      timeoutMs: null,
      maxConnections: null,
      headers: { 'x-team': 'search' },
    });
  });

  it('is deeply immutable', () => {
    const { policy } = load(`${minimal}rules:\n  - name: r\n    when: { all: [ { fact: error.kind, operator: in, value: [timeout] } ] }\n    then: { fail: true }\n`);
    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy.rules[0]?.when)).toBe(true);
    const condition = (policy.rules[0]?.when as unknown as { all: { value: unknown }[] }).all[0];
    expect(Object.isFrozen(condition?.value)).toBe(true);
    expect(() => {
      (policy as { maxAttempts: number }).maxAttempts = 10;
    }).toThrow(TypeError);
  });

  it('versions by content: same text, same version; any change, a new one', () => {
    const first = load(minimal).policy.version;
    expect(first).toMatch(/^[0-9a-f]{12}$/);
    expect(load(minimal).policy.version).toBe(first);
    expect(load(`${minimal}# a comment\n`).policy.version).not.toBe(first);
  });

  it('reads past a UTF-8 byte-order mark: columns on line 1 count from the first real character', () => {
    const { diagnostics } = parsePolicy('\ufeffname: 5\nmodels: {}\n', 'bom.yaml');
    const name = diagnostics.find((diagnostic) => diagnostic.pointer === '/name');
    expect([name?.line, name?.column]).toEqual([1, 7]);
  });

  it('refuses explicit YAML tags, which would put buffers, sets and dates into a frozen policy', () => {
    const result = parsePolicy(
      'name: tagged\nmodels:\n  gpt-4o: { provider: openai, params: { x: !!binary aGVsbG8=, s: !!set { a }, d: !!timestamp 2001-12-14 } }\nprimary_model: gpt-4o\n',
      'tagged.yaml',
    );
    expect(result.policy).toBeNull();
    expect(result.diagnostics.map((diagnostic) => [diagnostic.line, diagnostic.column, diagnostic.check, diagnostic.severity])).toEqual([
      [3, 44, 'syntax', 'error'],
      [3, 66, 'syntax', 'error'],
      [3, 82, 'syntax', 'error'],
    ]);
    expect(result.diagnostics[0]?.message).toMatch(/Unresolved tag.*remove the tag/);
  });

  it('accepts anchors and aliases within the alias budget', () => {
    const { policy } = load(`${minimal}fallback_models: &chain [claude-instant]\nroutes:\n  - name: all\n    when: { all: [] }\n    then: { fallback_models: *chain }\n`);
    expect(policy.routes[0]?.then.fallbackModels).toEqual(['claude-instant']);
  });
});

describe('warnings', () => {
  it('warns when an earlier catch-all shadows a rule, and the policy still loads', () => {
    const { policy, diagnostics } = load(`${minimal}rules:
  - name: everything
    when: { all: [] }
    then: { fail: true }
  - name: too-late
    when: { all: [ { fact: error.kind, operator: equal, value: timeout } ] }
    then: { fallback: [claude-instant] }
  - name: outranks
    priority: 5
    when: { all: [ { fact: error.kind, operator: equal, value: rate_limit } ] }
    then: { fallback: [claude-instant] }
`);
    expect(policy.rules).toHaveLength(3);
    expect(diagnostics).toEqual([
      expect.objectContaining({ severity: 'warning', check: 'rule', line: 10, column: 11, pointer: '/rules/1/name' }),
    ]);
    expect(diagnostics[0]?.message).toContain('`everything` (line 7)');
  });

  it('warns on a rule that can never fire and on a shadowed route', () => {
    const { diagnostics } = load(`${minimal}routes:
  - name: always
    when: { not: { any: [] } }
    then: { primary_model: claude-instant }
  - name: never-reached
    when: { all: [ { fact: request.metadata.tier, operator: equal, value: free } ] }
    then: { primary_model: gpt-4o }
rules:
  - name: never
    when: { any: [] }
    then: { fail: true }
`);
    expect(diagnostics.map((diagnostic) => [diagnostic.severity, diagnostic.pointer])).toEqual([
      ['warning', '/routes/1/name'],
      ['warning', '/rules/0/when'],
    ]);
  });
});

describe('policy sets', () => {
  const folders: string[] = [];
  afterAll(async () => {
    await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
  });

  async function folderWith(files: Record<string, string>): Promise<string> {
    const folder = await mkdtemp(path.join(tmpdir(), 'detour-set-'));
    folders.push(folder);
    for (const [name, text] of Object.entries(files)) await writeFile(path.join(folder, name), text);
    return folder;
  }

  it('keys policies by name and versions the set by its members', async () => {
    const folder = await folderWith({ 'a.yaml': minimal, 'b.yml': minimal.replace('name: minimal', 'name: other'), 'notes.txt': 'x' });
    const first = await loadPolicies(folder);
    expect([...(first.set?.policies.keys() ?? [])]).toEqual(['minimal', 'other']);
    expect(first.set?.get('other')?.primaryModel).toBe('gpt-4o');
    expect(first.files.map((entry) => path.basename(entry.file))).toEqual(['a.yaml', 'b.yml']);
    const again = await loadPolicies([folder]);
    expect(again.set?.version).toBe(first.set?.version);
    await writeFile(path.join(folder, 'b.yml'), `${minimal.replace('name: minimal', 'name: other')}max_attempts: 2\n`);
    const changed = await loadPolicies(folder);
    expect(changed.set?.version).not.toBe(first.set?.version);
    expect(() => (changed.set?.policies as Map<string, unknown>).set('x', {})).toThrow(TypeError);
  });

  it('two files with the same policy name is an error naming both files', async () => {
    const folder = await folderWith({ 'a.yaml': minimal, 'b.yaml': `# copy\n${minimal}` });
    const result = await loadPolicies(folder);
    expect(result.set).toBeNull();
    const duplicate = result.diagnostics.find((diagnostic) => diagnostic.check === 'duplicate');
    expect(duplicate).toMatchObject({ file: path.join(folder, 'b.yaml'), line: 2, column: 7, pointer: '/name' });
    expect(duplicate?.message).toContain(path.join(folder, 'a.yaml'));
    expect(result.files[1]?.result.policy).toBeNull();
  });

  it('mixes folders and files, and reports paths that do not exist', async () => {
    const folder = await folderWith({ 'a.yaml': minimal });
    const single = path.join(folder, 'single.policy');
    await copyFile(path.join(policiesFolder, 'sequential.yaml'), single);
    const result = await loadPolicies([folder, single, path.join(folder, 'missing.yaml'), `${folder}/./a.yaml`]);
    expect(result.set).toBeNull();
    expect(result.diagnostics).toEqual([expect.objectContaining({ check: 'io', file: path.join(folder, 'missing.yaml') })]);
    expect(result.files.filter((entry) => entry.result.policy !== null)).toHaveLength(2);
  });
});
