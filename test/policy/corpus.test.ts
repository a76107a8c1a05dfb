/**
 * The broken-policy corpus: every file under corpus/ must fail, and its first
 * diagnostic must point at exactly the line, column and JSON pointer of the
 * problem, with the check that found it and a message that says what to do.
 */
import { mkdtemp, readFile, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, describe, expect, it } from 'vitest';
import { MAX_POLICY_BYTES, loadPolicyFile, parsePolicy } from '../../src/policy/load.js';

const corpus = path.join(path.dirname(fileURLToPath(import.meta.url)), 'corpus');

/** [file (no .yaml), line, column, pointer, check, message fragment] */
const cases: readonly (readonly [string, number, number, string, string, string])[] = [
  ['alias-bomb', 15, 31, '/tests/0/given/request.metadata.b/0', 'alias', 'aliases expand too far'],
  ['api-key-in-file', 3, 13, '/provider_config/openai/api_key', 'schema', 'unknown key `api_key`'],
  ['bad-base-url', 3, 47, '/provider_config/local/base_url', 'schema', '`base_url` must be a URI'],
  ['bad-duration-hedge', 7, 17, '/hedge/after', 'schema', '`after` must be a duration'],
  ['bad-duration-negative', 7, 13, '/base_delay', 'schema', '`base_delay` must be a duration'],
  ['bad-duration-rule-cooldown', 10, 51, '/rules/0/then/cooldown', 'schema', 'got "1 minute"'],
  ['bad-duration-unit', 7, 10, '/timeout', 'schema', '(`250ms`, `2s`, `1.5m`, `1h`); got "30sec"'],
  ['bad-regex', 9, 69, '/rules/0/when/all/0/value', 'rule', 'missing closing )'],
  ['comments-only', 1, 1, '', 'empty', 'the file is empty'],
  ['condition-kind-misspelt', 9, 64, '/rules/0/when/all/0/value', 'rule', '(got "ratelimit"). Did you mean `rate_limit`? See docs/facts.md.'],
  ['condition-missing-value', 9, 20, '/rules/0/when/all/0', 'rule', 'missing `value`'],
  ['condition-number-operator-on-kind', 9, 50, '/rules/0/when/all/0/operator', 'rule', '`error.kind` is not a number, so `greaterThan` never holds'],
  ['condition-status-list-item-quoted', 9, 69, '/rules/0/when/all/0/value/1', 'rule', 'Write it as a number, without quotes: 503.'],
  ['condition-status-quoted', 9, 66, '/rules/0/when/all/0/value', 'rule', '`error.status` must be an HTTP status (100 to 599) (got "429"). Write it as a number, without quotes: 429.'],
  ['condition-stream-phase-misspelt', 9, 66, '/rules/0/when/all/0/value', 'rule', 'Did you mean `mid_stream`?'],
  ['condition-unknown-attempt-model', 9, 67, '/rules/0/when/all/0/value', 'rule', '`attempt.model` is never `gpt-4`: it must be a model of this policy (gpt-4o, claude-instant). Did you mean `gpt-4o`?'],
  ['condition-unknown-provider', 9, 70, '/rules/0/when/all/0/value', 'rule', 'Did you mean `anthropic`?'],
  ['custom-provider-without-type', 3, 3, '/provider_config/local', 'reference', 'add `type:`'],
  ['duplicate-key-nested', 3, 31, '/models/gpt-4o/provider', 'duplicate-key', 'duplicate key `provider` (first on line 3)'],
  ['duplicate-key-root', 7, 1, '/primary_model', 'duplicate-key', 'duplicate key `primary_model` (first on line 5)'],
  ['duplicate-route-names', 11, 11, '/routes/1/name', 'duplicate', 'route name `eu` is already used on line 8'],
  ['duplicate-rule-names', 11, 11, '/rules/1/name', 'duplicate', 'rule name `fail-fast` is already used on line 8'],
  ['empty', 1, 1, '', 'empty', 'the file is empty'],
  ['group-contains-itself', 11, 31, '/groups/pool-b/members/1', 'reference', 'pool-a → pool-b → pool-a'],
  ['in-operator-needs-list', 9, 63, '/rules/0/when/all/0/value', 'rule', '`in` needs a list'],
  ['max-attempts-zero', 7, 15, '/max_attempts', 'schema', 'must be at least 1; got 0'],
  ['missing-name', 1, 1, '', 'schema', 'missing `name`'],
  ['missing-primary-model', 1, 1, '', 'schema', 'missing `primary_model`'],
  ['missing-provider-and-unknown-name', 4, 3, '/models/llama-3', 'reference', 'add `provider:`'],
  ['misspelled-condition-key', 11, 31, '/rules/0/when/all/0/opertor', 'schema', 'Did you mean `operator`?'],
  ['misspelled-max-attempts', 7, 1, '/max_attempt', 'schema', 'Did you mean `max_attempts`?'],
  ['misspelled-model-key', 4, 21, '/models/claude-instant/provder', 'schema', 'Did you mean `provider`?'],
  ['misspelled-primary-model', 5, 1, '/primary_mode', 'schema', 'Did you mean `primary_model`?'],
  ['misspelled-rule-key', 9, 5, '/rules/0/priorty', 'schema', 'Did you mean `priority`?'],
  ['model-and-group-same-name', 8, 3, '/groups/gpt-4o', 'duplicate', 'both a model and a group'],
  ['regex-too-long', 9, 69, '/rules/0/when/all/0/value', 'rule', 'keep it to 512'],
  ['regex-unsupported-inline-flag', 9, 54, '/conditions/0/value', 'rule', 'inline flag `x` is not supported'],
  ['root-list', 1, 1, '', 'schema', 'must be a mapping of keys'],
  ['root-scalar', 2, 1, '', 'schema', 'must be a mapping of keys'],
  ['route-uses-error-fact', 9, 28, '/routes/0/when/all/0/fact', 'rule', 'only request.* and stats.* facts'],
  ['rule-fail-false', 10, 19, '/rules/0/then/fail', 'schema', '`fail` must be `true`; got false'],
  ['rule-no-action', 10, 5, '/rules/0/then', 'rule', 'exactly one action'],
  ['rule-two-actions', 10, 41, '/rules/0/then/fail', 'rule', 'both `fallback` and `fail`'],
  ['status-code-out-of-range', 7, 33, '/fallback_on_status_codes/1', 'schema', 'must be at most 599; got 999'],
  ['sticky-key-not-request-fact', 10, 20, '/groups/pool/sticky/key', 'rule', 'must be a request fact'],
  ['syntax-bad-indent', 5, 1, '', 'syntax', 'All mapping items must start at the same column'],
  ['syntax-multiple-documents', 7, 1, '', 'syntax', 'multiple documents'],
  ['syntax-tab-indent', 3, 1, '', 'syntax', 'Tabs are not allowed'],
  ['syntax-unclosed-flow', 7, 1, '', 'syntax', 'Flow sequence'],
  ['syntax-unclosed-quote', 5, 1, '', 'syntax', 'Missing closing "quote'],
  ['syntax-unknown-tag', 7, 15, '', 'syntax', 'Unresolved tag'],
  ['test-attempt-number-zero', 9, 51, '/tests/0/given/attempt.number', 'rule', '`attempt.number` must be an integer of at least 1 (got 0)'],
  ['test-bad-status', 9, 52, '/tests/0/given/error.status', 'rule', '`error.status` must be an HTTP status (100 to 599) (got "abc")'],
  ['test-misspelled-error-kind', 10, 19, '/tests/0/given/error.kind', 'rule', '(got "rate_limt"). Did you mean `rate_limit`?'],
  ['test-tried-item-not-a-name', 9, 59, '/tests/0/given/session.tried/1', 'rule', '`session.tried` item 2 must be a model name (a string) (got 2)'],
  ['test-tried-not-a-list', 9, 73, '/tests/0/given/session.tried', 'rule', '`session.tried` must be a list of model names, e.g. ["gpt-4o"] (got "gpt-4o")'],
  ['test-unknown-fact', 9, 35, '/tests/0/given/error.statuscode', 'rule', 'unknown fact `error.statuscode`'],
  ['test-unknown-rule', 10, 21, '/tests/0/expect/rule', 'reference', 'no rule named `no-such-rule`'],
  ['unknown-condition-predicate', 8, 26, '/conditions/1', 'schema', 'got "on_overload"'],
  ['unknown-error-kind', 7, 31, '/fallback_on_errors/1', 'schema', 'Did you mean `rate_limit`?'],
  ['unknown-error-mapping-key', 9, 3, '/error_mappings/RateLimitErr', 'schema', 'Did you mean `RateLimitError`?'],
  ['unknown-fact', 11, 19, '/rules/0/when/all/0/fact', 'rule', 'Did you mean `error.kind`?'],
  ['unknown-model-error-mapping', 9, 16, '/error_mappings/rate_limit/0', 'reference', 'Did you mean `claude-instant`?'],
  ['unknown-model-fallback', 6, 35, '/fallback_models/1', 'reference', 'unknown model `gemini-pro`'],
  ['unknown-model-group-member', 9, 23, '/groups/pool/members/1', 'reference', 'unknown model `gpt-4o-mini`'],
  ['unknown-model-primary', 5, 16, '/primary_model', 'reference', 'unknown model `gpt-5`'],
  ['unknown-model-route', 10, 28, '/routes/0/then/primary_model', 'reference', 'unknown model `mistral-large`'],
  ['unknown-model-rule-fallback', 10, 24, '/rules/0/then/fallback/0', 'reference', 'unknown model `gemini-pro`'],
  ['unknown-model-test', 10, 40, '/tests/0/expect/next/0', 'reference', 'unknown model `claude`'],
  ['unknown-operator', 11, 41, '/rules/0/when/all/0/operator', 'schema', 'Did you mean `equal`?'],
  ['unknown-provider', 4, 31, '/models/claude-instant/provider', 'reference', 'Did you mean `anthropic`?'],
  ['unknown-strategy', 7, 16, '/strategy_type', 'schema', 'got "round_robin"'],
  ['when-not-wrapped', 9, 11, '/rules/0/when', 'rule', 'wrap the condition'],
  ['wrong-type-enabled', 2, 10, '/enabled', 'schema', 'must be true or false; got "yes"'],
  ['wrong-type-fallback-models', 6, 18, '/fallback_models', 'schema', 'must be a list; got "claude-instant"'],
  ['wrong-type-max-attempts', 7, 15, '/max_attempts', 'schema', 'must be an integer; got "3"'],
];

/** Policies that load but can never do what they say: [file under corpus/warnings (no .yaml), line, column, pointer, message fragment] */
const warnings: readonly (readonly [string, number, number, string, string])[] = [
  ['contradictory-kinds', 12, 11, '/rules/0/when/all/1', '`error.kind equal "timeout"` and `error.kind equal "rate_limit"` cannot both hold, so rule `never` can never fire'],
  ['contradictory-status-range', 12, 11, '/rules/0/when/all/1', '`error.status lessThan 400` and `error.status greaterThan 500` cannot both hold'],
  ['rule-on-aborted', 9, 5, '/rules/0/when', 'rule `on-abort` can never fire: a session the caller aborted ends before any rule is read'],
  ['shadowed-rule', 11, 11, '/rules/1/name', 'rule `shadowed` can never fire: `limits` (line 8) matches every failure it matches and runs first'],
];

describe('never-firing corpus (warnings)', () => {
  it('has a table row for every file', async () => {
    const files = (await readdir(path.join(corpus, 'warnings'))).filter((name) => name.endsWith('.yaml')).map((name) => name.slice(0, -5));
    expect(files.sort()).toEqual(warnings.map(([name]) => name).sort());
  });

  it.each(warnings)('%s: loads, with one warning at %i:%i %s', async (name, line, column, pointer, fragment) => {
    const file = path.join(corpus, 'warnings', `${name}.yaml`);
    const result = await loadPolicyFile(file);
    expect(result.policy).not.toBeNull();
    expect(result.diagnostics).toHaveLength(1);
    const [first] = result.diagnostics;
    expect({ line: first?.line, column: first?.column, pointer: first?.pointer, check: first?.check, severity: first?.severity }).toEqual({ line, column, pointer, check: 'rule', severity: 'warning' });
    expect(first?.message).toContain(fragment);
  });
});

describe('broken-policy corpus', () => {
  it('has a table row for every corpus file, and at least 40 of them', async () => {
    const files = (await readdir(corpus)).filter((name) => name.endsWith('.yaml')).map((name) => name.slice(0, -5));
    expect(files.sort()).toEqual(cases.map(([name]) => name).sort());
    expect(files.length).toBeGreaterThanOrEqual(40);
  });

  it.each(cases)('%s: first diagnostic at %i:%i %s (%s)', async (name, line, column, pointer, check, fragment) => {
    const file = path.join(corpus, `${name}.yaml`);
    const result = await loadPolicyFile(file);
    expect(result.policy).toBeNull();
    const first = result.diagnostics[0];
    expect(first, 'a diagnostic').toBeDefined();
    expect({ line: first?.line, column: first?.column, pointer: first?.pointer, check: first?.check, severity: first?.severity }).toEqual({
      line,
      column,
      pointer,
      check,
      severity: 'error',
    });
    expect(first?.message).toContain(fragment);
    expect(first?.file).toBe(file);
  });

  it('reports a single message for a misspelt required key, not also "missing"', async () => {
    const result = await loadPolicyFile(path.join(corpus, 'misspelled-primary-model.yaml'));
    expect(result.diagnostics).toHaveLength(1);
  });

  it('reports reference problems beside schema problems in unrelated keys', () => {
    const base = 'name: both\nmodels:\n  gpt-4o: { provider: openai }\nprimary_model: gpt-4o\n';
    const both = parsePolicy(`${base}timeout: forever\nfallback_models: [gpt-5]\n`, 'both.yaml');
    expect(both.diagnostics.map((diagnostic) => [diagnostic.line, diagnostic.check])).toEqual([
      [5, 'schema'],
      [6, 'reference'],
    ]);
    // A misspelt section could hide what the reference checks read: schema problems only.
    const hidden = parsePolicy(`${base}rule:\n  - name: r\nfallback_models: [gpt-5]\n`, 'hidden.yaml');
    expect(hidden.diagnostics.map((diagnostic) => [diagnostic.line, diagnostic.check])).toEqual([[5, 'schema']]);
  });

  it('keeps every diagnostic in file order', async () => {
    const text = await readFile(path.join(corpus, 'unknown-operator.yaml'), 'utf8');
    const many = `${text}max_attempt: 3\ntimeout: forever\n`;
    const { diagnostics } = parsePolicy(many, 'many.yaml');
    expect(diagnostics.map((diagnostic) => diagnostic.line)).toEqual([11, 13, 14]);
  });
});

describe('oversized files', () => {
  const folders: string[] = [];
  afterAll(async () => {
    await Promise.all(folders.map((folder) => rm(folder, { recursive: true, force: true })));
  });

  it('rejects text over 1 MiB before parsing it', () => {
    const padding = `# ${'x'.repeat(78)}\n`.repeat(Math.ceil(MAX_POLICY_BYTES / 80) + 1);
    const result = parsePolicy(`name: big\n${padding}`, 'big.yaml');
    expect(result.policy).toBeNull();
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ line: 1, column: 1, pointer: '', check: 'size', severity: 'error' }),
    ]);
    expect(result.diagnostics[0]?.message).toContain('limited to 1048576 bytes');
  });

  it('counts bytes, not characters', () => {
    const text = `name: wide\n# ${'é'.repeat(MAX_POLICY_BYTES / 2)}\n`;
    expect(text.length).toBeLessThan(MAX_POLICY_BYTES);
    expect(parsePolicy(text, 'wide.yaml').diagnostics[0]?.check).toBe('size');
  });

  it('rejects an oversized file from its size, without reading it', async () => {
    const folder = await mkdtemp(path.join(tmpdir(), 'detour-oversized-'));
    folders.push(folder);
    const file = path.join(folder, 'big.yaml');
    await writeFile(file, `name: big\n${'#'.repeat(MAX_POLICY_BYTES + 10)}\n`);
    const result = await loadPolicyFile(file);
    expect(result.diagnostics).toEqual([expect.objectContaining({ line: 1, column: 1, check: 'size', file })]);
  });
});
