/**
 * `detour explain` as a user runs it: the built CLI in a child process
 * (`npm test` builds first).
 */
import { spawnSync } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { describe, expect, it } from 'vitest';

const root = path.resolve(import.meta.dirname, '../..');
const cli = path.join(root, 'dist/src/cli/main.js');
const policy = path.join(root, 'policies/rules-hedge.yaml');

function detour(...args: string[]): { status: number | null; stdout: string; stderr: string } {
  const result = spawnSync(process.execPath, [cli, ...args], { cwd: root, encoding: 'utf8', timeout: 90_000 });
  return { status: result.status, stdout: result.stdout, stderr: result.stderr };
}

describe('detour explain', () => {
  it('prints DESIGN §7 JSON for a failure: the rule, its source, the action, the next models, the delay', () => {
    const result = detour('explain', '--policy', policy, '--facts', '{"error.kind":"token_limit","error.status":400}', '--format', 'json');
    expect(result.status).toBe(0);
    const json = JSON.parse(result.stdout) as Record<string, unknown>;
    expect(Object.keys(json).slice(0, 7)).toEqual(['policy', 'version', 'rule', 'source', 'action', 'next', 'delay_ms']);
    expect(json).toMatchObject({ policy: 'rules-hedge', rule: 'prompt-too-long', source: 'rule', action: 'fallback', next: ['gemini-pro'], delay_ms: 0 });
    expect(json['version']).toMatch(/^[0-9a-f]+$/);
  });

  it('falls to the strategy, and says why each rule tried before did not match', () => {
    const result = detour('explain', '--policy', policy, '--facts', '{"error.kind":"rate_limit","error.status":429,"error.retry_after_ms":2000}', '--format', 'json');
    const json = JSON.parse(result.stdout) as { rule: string; source: string; next: string[]; not_matched: { rule: string; why: string }[] };
    expect(json).toMatchObject({ rule: 'strategy:sequential', source: 'strategy', next: ['gpt-4o-mini', 'claude-instant', 'gemini-pro'] });
    expect(json.not_matched).toContainEqual(expect.objectContaining({ rule: 'honour-long-retry-after', why: 'error.retry_after_ms greaterThan 5000, but it is 2000' }));
    expect(json.not_matched).toContainEqual(expect.objectContaining({ rule: 'prompt-too-long', why: 'error.kind equal "token_limit", but it is "rate_limit"' }));
  });

  it('text output names the rule, the action, the next models, the delay and the defaults it filled', () => {
    const result = detour('explain', '--policy', policy, '--facts', '{"error":{"kind":"invalid_request","status":400}}');
    expect(result.status).toBe(0);
    expect(result.stdout).toContain('rule: bad-request-is-final [rule]');
    expect(result.stdout).toContain('action: fail');
    expect(result.stdout).toContain('next: nothing');
    expect(result.stdout).toContain('delay: 0 ms');
    expect(result.stdout).toContain('defaulted: ');
    expect(result.stdout).toContain('attempt.model="gpt-4o"');
  });

  it('reports a deterministic delay: the top of the jitter window', () => {
    const facts = '{"error.kind":"rate_limit","error.scope":"provider","attempt.model":"gpt-4o"}';
    const first = JSON.parse(detour('explain', '--policy', policy, '--facts', facts, '--format', 'json').stdout) as Record<string, unknown>;
    const second = JSON.parse(detour('explain', '--policy', policy, '--facts', facts, '--format', 'json').stdout) as Record<string, unknown>;
    // An account-wide limit: gpt-4o-mini (same provider) waits; one failure so far (defaulted), window 1 s.
    expect(first).toMatchObject({ next: ['gpt-4o-mini', 'claude-instant', 'gemini-pro'], delay_ms: 1000, delay_window_ms: { min: 0, max: 1000 } });
    expect(second['delay_ms']).toBe(first['delay_ms']);
  });

  it('given only request.* facts, explains the route and the plan', () => {
    const result = detour('explain', '--policy', policy, '--facts', '{"request.metadata.region":"EU"}', '--format', 'json');
    expect(JSON.parse(result.stdout)).toMatchObject({ rule: 'eu-users-stay-in-eu', source: 'rule', action: 'plan', route: 'eu-users-stay-in-eu', primary: 'claude-instant', next: ['gemini-pro'] });
    const fallthrough = detour('explain', '--policy', policy, '--facts', '{"request":{"metadata":{"region":"US"}}}');
    expect(fallthrough.stdout).toContain('route: none matched, the policy default plan');
    expect(fallthrough.stdout).toContain('eu-users-stay-in-eu (line 45): request.metadata.region equal "EU", but it is "US"');
  });

  it('a policy that does not load: file:line:col message, exit 1', () => {
    const folder = mkdtempSync(path.join(tmpdir(), 'detour-explain-'));
    const broken = path.join(folder, 'broken.yaml');
    writeFileSync(broken, 'version: 1\nname: broken\nmodels:\n  a: { provider: openai }\nprimary_model: a\nmax_attempt: 3\n');
    const result = detour('explain', '--policy', broken, '--facts', '{}');
    expect(result.status).toBe(1);
    expect(result.stderr).toMatch(new RegExp(`^${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+ .+`, 'm'));
  });

  it('usage errors exit 2: bad JSON, facts that are not an object, a missing option', () => {
    expect(detour('explain', '--policy', policy, '--facts', '{nope').status).toBe(2);
    expect(detour('explain', '--policy', policy, '--facts', '[1]').status).toBe(2);
    expect(detour('explain', '--facts', '{}').status).toBe(2);
  });
});
