/**
 * `detour validate` as users run it: the built CLI in a child process
 * (`npm test` builds first), checking exit codes and each output format.
 */
import { execFile } from 'node:child_process';
import { existsSync } from 'node:fs';
import { mkdtemp, readdir, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';

const root = path.resolve(path.dirname(fileURLToPath(import.meta.url)), '../..');
const cli = path.join(root, 'dist/src/cli/main.js');
const corpusFile = (name: string) => path.join('test/policy/corpus', `${name}.yaml`);

interface Run {
  readonly code: number;
  readonly stdout: string;
  readonly stderr: string;
}

function detour(...args: string[]): Promise<Run> {
  return new Promise((resolve) => {
    execFile(process.execPath, [cli, ...args], { cwd: root, timeout: 90_000 }, (error, stdout, stderr) => {
      const code = error ? (typeof error.code === 'number' ? error.code : -1) : 0;
      resolve({ code, stdout, stderr });
    });
  });
}

const minimal = `name: minimal
models:
  gpt-4o: { provider: openai }
primary_model: gpt-4o
`;

let scratch = '';
beforeAll(async () => {
  if (!existsSync(cli)) throw new Error(`${cli} is missing: run \`npm run build\` first (npm test does)`);
  scratch = await mkdtemp(path.join(tmpdir(), 'detour-validate-'));
});
afterAll(async () => {
  if (scratch) await rm(scratch, { recursive: true, force: true });
});

describe('detour validate', () => {
  it('exits 0 on the bundled policies', async () => {
    const count = (await readdir(path.join(root, 'policies'))).filter((name) => name.endsWith('.yaml')).length;
    const run = await detour('validate', 'policies');
    expect(run).toMatchObject({ code: 0, stderr: '' });
    expect(run.stdout).toBe(`${count} policy files valid\n`);
  });

  it('exits 1 on a broken file and prints file:line:col with the message and check', async () => {
    const file = corpusFile('misspelled-max-attempts');
    const run = await detour('validate', file);
    expect(run.code).toBe(1);
    expect(run.stdout).toContain(`${file}:7:1  error  unknown key \`max_attempt\` in the policy. Did you mean \`max_attempts\`?  [schema]`);
    expect(run.stdout).toContain('1 of 1 policy file invalid: 1 error, 0 warnings');
  });

  it('exits 1 when any file of several is invalid', async () => {
    const run = await detour('validate', 'policies/sequential.yaml', 'policies/priority.yaml', corpusFile('unknown-model-primary'));
    expect(run.code).toBe(1);
    expect(run.stdout).toContain('1 of 3 policy files invalid');
  });

  it('prints DESIGN §7 JSON', async () => {
    const file = corpusFile('unknown-fact');
    const run = await detour('validate', 'policies/sequential.yaml', file, '--format', 'json');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as unknown;
    expect(report).toEqual({
      files: [
        { file: 'policies/sequential.yaml', valid: true, errors: [], warnings: [] },
        {
          file,
          valid: false,
          errors: [
            {
              message: expect.stringContaining('unknown fact `error.kinds`') as unknown,
              pointer: '/rules/0/when/all/0/fact',
              line: 11,
              column: 19,
              check: 'rule',
            },
          ],
          warnings: [],
        },
      ],
    });
  });

  it('prints GitHub Actions annotations, errors and warnings', async () => {
    const warned = path.join(scratch, 'shadowed.yaml');
    await writeFile(
      warned,
      `${minimal}rules:\n  - name: all\n    when: { all: [] }\n    then: { fail: true }\n  - name: later\n    when: { any: [ { fact: error.kind, operator: equal, value: timeout } ] }\n    then: { fail: true }\n`,
    );
    const file = corpusFile('bad-duration-unit');
    const run = await detour('validate', file, warned, '--format', 'github');
    expect(run.code).toBe(1);
    expect(run.stdout.split('\n')).toEqual([
      expect.stringMatching(new RegExp(`^::error file=${file.replace(/\./g, '\\.')},line=7,col=10,title=detour validate \\(schema\\)::\`timeout\` must be a duration`)),
      expect.stringMatching(new RegExp(`^::warning file=${warned.replace(/[.\\]/g, '\\$&')},line=9,col=11,title=detour validate \\(rule\\)::rule \`later\` can never fire`)),
      '',
    ]);
  });

  it('exits 0 when there are only warnings, and still shows them', async () => {
    const file = path.join(scratch, 'never.yaml');
    await writeFile(file, `${minimal}rules:\n  - name: never\n    when: { any: [] }\n    then: { fail: true }\n`);
    const run = await detour('validate', file);
    expect(run.code).toBe(0);
    expect(run.stdout).toContain(`${file}:7:5  warning  rule \`never\` can never fire`);
    expect(run.stdout).toContain('1 policy file valid (1 warning)');
  });

  it('exits 1 when two files share a policy name', async () => {
    const folder = path.join(scratch, 'twins');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(folder);
    await writeFile(path.join(folder, 'a.yaml'), minimal);
    await writeFile(path.join(folder, 'b.yaml'), minimal);
    const run = await detour('validate', folder, '--format', 'json');
    expect(run.code).toBe(1);
    const report = JSON.parse(run.stdout) as { files: { valid: boolean; errors: { check: string; message: string }[] }[] };
    expect(report.files.map((entry) => entry.valid)).toEqual([true, false]);
    expect(report.files[1]?.errors[0]?.check).toBe('duplicate');
    expect(report.files[1]?.errors[0]?.message).toContain(path.join(folder, 'a.yaml'));
  });

  it.each([
    ['a path that does not exist', ['validate', 'no/such/policies'], /no such file or folder: no\/such\/policies/],
    ['an unknown flag', ['validate', 'policies', '--strict'], /unknown option '--strict'/],
    ['an unknown format', ['validate', 'policies', '--format', 'xml'], /Allowed choices are text, json, github/],
    ['no paths', ['validate'], /missing required argument/],
  ])('exits 2 on %s', async (_, args, message) => {
    const run = await detour(...args);
    expect(run.code).toBe(2);
    expect(run.stderr).toMatch(message);
    expect(run.stdout).toBe('');
  });

  it('exits 2 on a folder with no policy files', async () => {
    const folder = path.join(scratch, 'empty-folder');
    const { mkdir } = await import('node:fs/promises');
    await mkdir(folder);
    const run = await detour('validate', folder);
    expect(run.code).toBe(2);
    expect(run.stderr).toContain('no *.yaml or *.yml policy files');
  });
});
