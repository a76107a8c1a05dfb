/**
 * `detour validate` checks the values in a policy test's `given` with the
 * same code (and words) `detour explain --facts` uses: a value explain
 * refuses is refused in a policy file too, at its line and column.
 */
import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './support.js';

const folder = mkdtempSync(path.join(tmpdir(), 'detour-given-values-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

function policyWith(given: string): string {
  const file = path.join(folder, `policy-${Math.random().toString(36).slice(2)}.yaml`);
  writeFileSync(
    file,
    `name: given-values
models:
  gpt-4o: { provider: openai }
  claude-instant: { provider: anthropic, model: claude-3-5-haiku-latest }
primary_model: gpt-4o
fallback_models: [claude-instant]
tests:
  - name: t
    given: ${given}
    expect: { action: fallback }
`,
  );
  return file;
}

describe('values in a test\'s given', () => {
  it.each([
    ['{ error.kind: rate_limit, error.status: "abc" }', '{"error.kind":"rate_limit","error.status":"abc"}', 9, 52, '`error.status` must be an HTTP status (100 to 599) (got "abc").'],
    ['{ error.kind: rate_limt }', '{"error.kind":"rate_limt"}', 9, 26, 'Did you mean `rate_limit`?'],
    ['{ error.kind: timeout, session.tried: gpt-4o }', '{"error.kind":"timeout","session.tried":"gpt-4o"}', 9, 50, '`session.tried` must be a list of model names, e.g. ["gpt-4o"] (got "gpt-4o").'],
  ])('validate %s: exit 1 at the value; explain says the same', async (given, facts, line, column, message) => {
    const file = policyWith(given);
    const validate = await runCli(['validate', file]);
    expect(validate.code).toBe(1);
    expect(validate.stdout).toContain(`${file}:${line}:${column}  error  `);
    expect(validate.stdout).toContain(`${message}  [rule]`);
    const explain = await runCli(['explain', '--policy', 'policies/first.yaml', '--facts', facts]);
    expect(explain.code).toBe(2);
    expect(explain.stderr).toContain(message);
  });

  it('validate still passes every bundled policy', async () => {
    const result = await runCli(['validate', 'policies']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
  });
});
