/**
 * Regressions found by a hostile-user pass over the CLI: each case is a
 * mistake a user makes (a misspelt fact, a folder where a file goes, a
 * scenario name that does not exist, a looping symlink, a policy with no
 * tests), run against the built CLI in a child process.
 */
import { mkdirSync, mkdtempSync, readFileSync, symlinkSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';
import { formatAttemptTable } from '../../src/stats/timeline.js';
import { BUNDLED_SCENARIOS } from '../../src/simulator/bundled.js';
import type { FallbackSessionData } from '../../src/stats/FallbackSession.js';
import { runCli } from './support.js';

const policy = 'policies/first.yaml';

/** The one line a usage mistake must print: no stack, no second line but commander's help hint. */
function errorLines(stderr: string): string[] {
  return stderr.split('\n').filter((line) => line !== '' && line !== '(add --help for usage)');
}

describe('detour explain refuses facts it would silently misread', () => {
  it.each([
    ['a misspelt fact name', '{"error.kid":"timeout"}', /unknown fact `error\.kid`\. Did you mean `error\.kind`\?/],
    ['a status that is not a number', '{"error.kind":"rate_limit","error.status":"abc"}', /`error\.status` must be an HTTP status \(100 to 599\) \(got "abc"\)/],
    ['a misspelt error kind', '{"error.kind":"rate_limt"}', /`error\.kind` must be one of .* \(got "rate_limt"\)\. Did you mean `rate_limit`\?/],
    ['session.tried as a string', '{"error.kind":"timeout","session.tried":"gpt-4o"}', /`session\.tried` must be a list of model names/],
    ['a model the policy does not have', '{"error.kind":"timeout","attempt.model":"gpt4o"}', /no model `gpt4o` in policy first\. Did you mean `gpt-4o`\?/],
  ])('%s: exit 2, one line that says what to change', async (_, facts, message) => {
    const result = await runCli(['explain', '--policy', policy, '--facts', facts]);
    expect(result.code).toBe(2);
    expect(result.stdout).toBe('');
    expect(errorLines(result.stderr)).toHaveLength(1);
    expect(result.stderr).toMatch(message);
  });

  it('still accepts nested facts and metadata keys of any name', async () => {
    const result = await runCli(['explain', '--policy', policy, '--facts', '{"error":{"kind":"timeout"},"request":{"metadata":{"tier":"free","a":{"b":1}}}}']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });

  it('a folder given as --policy is a usage error naming the problem, not "not a file … or a folder"', async () => {
    const result = await runCli(['explain', '--policy', 'policies', '--facts', '{}']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe('detour explain: --policy takes one policy file; policies is a folder\n');
  });

  it('--help lists the facts', async () => {
    const result = await runCli(['explain', '--help']);
    expect(result.code).toBe(0);
    for (const fact of ['error.retry_after_ms', 'attempt.model_attempts', 'session.tried', 'stream.phase', 'request.metadata.<key>']) expect(result.stdout).toContain(fact);
  });
});

describe('scenario names that do not exist', () => {
  it.each([
    [['simulate', '--port', '0', '--scenario', 'outge'], 'detour simulate'],
    [['run', '--policy', policy, '--simulate', '--scenario', 'outge', 'hi'], 'detour run'],
    [['demo', '--scenario', 'outge', '--requests', '1', '--duration', '100ms'], 'detour demo'],
  ])('%j: exit 1, and the bundled names are listed', async (args, prefix) => {
    const result = await runCli(args);
    expect(result.code).toBe(1);
    expect(result.stderr).toBe(`${prefix}: --scenario outge: no such file, and not a bundled scenario (${BUNDLED_SCENARIOS.join(', ')})\n`);
  });
});

describe('validate and test on paths that are there but unusable', () => {
  const folder = mkdtempSync(path.join(tmpdir(), 'detour-qa-'));
  symlinkSync(path.join(folder, 'b.yaml'), path.join(folder, 'a.yaml'));
  symlinkSync(path.join(folder, 'a.yaml'), path.join(folder, 'b.yaml'));
  mkdirSync(path.join(folder, 'untested'));
  writeFileSync(path.join(folder, 'untested', 'p.yaml'), 'version: 1\nname: p\nmodels: { a: { provider: openai } }\nprimary_model: a\n');

  it('a symlink loop is not "no such file"', async () => {
    for (const command of ['validate', 'test']) {
      const result = await runCli([command, path.join(folder, 'a.yaml')]);
      expect(result.code).toBe(2);
      expect(result.stderr).toBe(`detour ${command}: symbolic link that loops or points nowhere: ${path.join(folder, 'a.yaml')}\n`);
    }
  });

  it('detour test says which policies have no tests instead of a bare "0 passed, 0 failed"', async () => {
    const file = path.join(folder, 'untested', 'p.yaml');
    const result = await runCli(['test', file, 'policies/first.yaml']);
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`no tests: in ${file} (add a tests: list of given/expect cases)\n3 passed, 0 failed\n`);
  });
});

describe('the program itself', () => {
  it('--version prints the package version', async () => {
    const result = await runCli(['--version']);
    const manifest = JSON.parse(readFileSync('package.json', 'utf8')) as { version: string };
    expect(result.code).toBe(0);
    expect(result.stdout).toBe(`${manifest.version}\n`);
  });

  it('a usage error is one line plus where to find the usage, exit 2', async () => {
    const result = await runCli(['run', '--policy', policy, '--seed', 'x', 'hi']);
    expect(result.code).toBe(2);
    expect(result.stderr).toBe("error: option '--seed <n>' argument 'x' is invalid. --seed must be an integer from 0 to 4294967295.\n(add --help for usage)\n");
  });

  it('demo --help shows the duration default as a duration', async () => {
    const result = await runCli(['demo', '--help']);
    expect(result.stdout).toMatch(/\(default: 15s\)/);
    expect(result.stdout).not.toMatch(/default: 15000/);
  });
});

describe('timeline', () => {
  it('shows late starts in the same units as durations', () => {
    const data = {
      startTime: 0,
      attempts: [
        { number: 1, model: 'a', modelId: 'a', provider: 'openai', outcome: 'failure', reason: 'primary', hedged: false, startTime: 1, durationMs: 20_000, error: null, usage: null },
        { number: 2, model: 'b', modelId: 'b', provider: 'openai', outcome: 'success', reason: 'strategy:sequential', hedged: false, startTime: 20_156, durationMs: 30, error: null, usage: null },
      ],
    } as unknown as FallbackSessionData;
    const [, first, second] = formatAttemptTable(data);
    expect(first).toMatch(/\+1 ms\s+20\.00 s/);
    expect(second).toMatch(/\+20\.16 s\s+30 ms/);
  });
});
