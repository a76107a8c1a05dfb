/**
 * `detour test` as CI runs it: the built CLI in a child process (`npm test`
 * builds first).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'dist/src/cli/main.js');

function detour(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', timeout: 90_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

const POLICY = `version: 1
name: tested
models:
  gpt-4o: { provider: openai }
  gpt-4o-mini: { provider: openai }
  gemini-pro: { provider: google }
primary_model: gpt-4o
fallback_models: [gpt-4o-mini, gemini-pro]
jitter: false
base_delay: 1s
routes:
  - name: eu
    when: { all: [ { fact: request.metadata.region, operator: equal, value: EU } ] }
    then: { primary_model: gemini-pro, fallback_models: [] }
rules:
  - name: prompt-too-long
    when: { all: [ { fact: error.kind, operator: equal, value: token_limit } ] }
    then: { fallback: [gemini-pro] }
tests:
  - name: passes
    given: { error.kind: token_limit, error.status: 400 }
    expect: { rule: prompt-too-long, action: fallback, next: [gemini-pro] }
  - name: wrong rule and next
    given: { error.kind: rate_limit, error.status: 429 }
    expect: { rule: prompt-too-long, next: [gemini-pro] }
  - name: wrong delay bounds
    given: { error.kind: rate_limit, error.status: 429, error.scope: provider }
    expect: { action: fallback, delay_ms: { max: 500 } }
  - name: route passes
    given: { request.metadata.region: EU }
    expect: { route: eu, primary: gemini-pro }
  - name: wrong route
    given: { request.metadata.region: US }
    expect: { route: eu }
`;

function policyFolder(files: Record<string, string>): string {
  const folder = mkdtempSync(path.join(tmpdir(), 'detour-test-'));
  for (const [name, text] of Object.entries(files)) writeFileSync(path.join(folder, name), text);
  return folder;
}

function lineOf(text: string, needle: string): number {
  return text.split('\n').findIndex((line) => line.includes(needle)) + 1;
}

describe('detour test', () => {
  it("the example policies' tests all pass", () => {
    const result = detour('test', 'policies');
    expect(result.stdout).toMatch(/^\d+ passed, 0 failed$/m);
    expect(Number(/^(\d+) passed/m.exec(result.stdout)?.[1])).toBeGreaterThan(10);
    expect(result.status).toBe(0);
  });

  it('prints one line per failure with the file and line of the case and what differed, then the counts; exit 1', () => {
    const folder = policyFolder({ 'tested.yaml': POLICY });
    const result = detour('test', folder);
    expect(result.status).toBe(1);
    const lines = result.stdout.trim().split('\n');
    expect(lines).toHaveLength(4);
    const file = path.relative(root, path.join(folder, 'tested.yaml'));
    expect(lines[0]).toBe(
      `${file}:${lineOf(POLICY, 'wrong rule and next')}: tested › "wrong rule and next": expected rule prompt-too-long, got strategy:sequential; expected next [gemini-pro], got [gpt-4o-mini, gemini-pro]`,
    );
    expect(lines[1]).toBe(`${file}:${lineOf(POLICY, 'wrong delay bounds')}: tested › "wrong delay bounds": expected delay_ms in 0..500, got 1000`);
    expect(lines[2]).toBe(`${file}:${lineOf(POLICY, 'name: wrong route')}: tested › "wrong route": expected route eu, got default (no route matched)`);
    expect(lines[3]).toBe('2 passed, 3 failed');
  });

  it('a policy that does not load is a failure with file:line:col', () => {
    const folder = policyFolder({ 'broken.yaml': 'version: 1\nname: broken\nprimary_model: nowhere\n' });
    const result = detour('test', folder);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/broken\.yaml:\d+:\d+ /);
    expect(result.stdout).toMatch(/^0 passed, 1 failed$/m);
  });

  it('two policies with one name fail, as they would when the executor loads the folder', () => {
    const passing = POLICY.split('tests:')[0] + 'tests:\n  - name: passes\n    given: { error.kind: token_limit, error.status: 400 }\n    expect: { rule: prompt-too-long }\n';
    const folder = policyFolder({ 'a.yaml': passing, 'b.yaml': passing });
    const result = detour('test', folder);
    expect(result.status).toBe(1);
    expect(result.stdout).toMatch(/b\.yaml:2:7 .*policy name `tested` is also used by .*a\.yaml/);
    expect(result.stdout).toMatch(/^1 passed, 1 failed$/m);
  });

  it('usage errors exit 2', () => {
    expect(detour('test').status).toBe(2);
    expect(detour('test', 'no/such/folder').status).toBe(2);
  });
});
