import { spawn } from 'node:child_process';
import { once } from 'node:events';
import { mkdirSync, mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { beforeAll, describe, expect, it } from 'vitest';
import { cleanEnvironment, runCli, timelineRows } from './support.js';

const POLICY = `version: 1
name: cli-run
provider_config:
  openai:    { api_key_env: OPENAI_API_KEY }
  anthropic: { api_key_env: ANTHROPIC_API_KEY }
  google:    { api_key_env: GEMINI_API_KEY }
models:
  gpt-4o:       { provider: openai }
  claude-haiku: { provider: anthropic, model: claude-3-5-haiku-latest, params: { max_tokens: 100 } }
  gemini-flash: { provider: google, model: gemini-2.0-flash }
primary_model: gpt-4o
fallback_models: [claude-haiku, gemini-flash]
strategy_type: sequential
max_attempts: 3
base_delay: 1ms
max_delay: 5ms
rules:
  - name: rate-limit-skips-to-gemini
    when: { all: [ { fact: error.kind, operator: equal, value: rate_limit } ] }
    then: { fallback: [gemini-flash], delay: 0s }
`;

const SCENARIOS = {
  healthy: 'models:\n  "*": { latency: 1ms }\n',
  'primary-rate-limited': 'models:\n  "*": { latency: 1ms }\n  gpt-4o:\n    faults: [ { type: rate_limit, retry_after: 1s } ]\n',
  'all-down': 'models:\n  "*":\n    latency: 1ms\n    faults: [ { type: service_unavailable } ]\n',
  // Every model accepts the request and never answers (the policy's 30 s timeout is far off).
  hang: 'models:\n  "*":\n    latency: 1ms\n    faults: [ { type: hang } ]\n',
};

let folder = '';
let policies = '';
let policy = '';
const scenario = (name: keyof typeof SCENARIOS): string => join(folder, `${name}.yaml`);

beforeAll(() => {
  folder = mkdtempSync(join(tmpdir(), 'detour-run-'));
  policies = join(folder, 'policies');
  mkdirSync(policies);
  policy = join(policies, 'policy.yaml');
  writeFileSync(policy, POLICY);
  for (const [name, text] of Object.entries(SCENARIOS)) writeFileSync(join(folder, `${name}.yaml`), text);
});

const noStack = (text: string): void => expect(text).not.toMatch(/^\s+at /m);

describe.concurrent('detour run --simulate (child process)', () => {
  it('answers on the first try: the answer, a one-row timeline, exit 0', async () => {
    const result = await runCli(['run', '--policy', policy, '--simulate', '--scenario', scenario('healthy'), 'hello there']);
    expect(result.stderr).toBe('');
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('[gpt-4o] reply to: hello there');
    expect(result.stdout).toMatch(/^\s+#\s+model\s+provider\s+start\s+took\s+outcome\s+error\s+chosen by$/m);
    const rows = timelineRows(result.stdout);
    expect(rows).toHaveLength(1);
    expect(rows[0]).toEqual(['1', 'gpt-4o', 'openai', expect.stringMatching(/^\+\d+ ms$/), expect.stringMatching(/ms|s$/), 'ok', '-', 'primary']);
    expect(result.stdout).toMatch(/^success: gpt-4o answered on attempt 1 \(first try\) in \d+/m);
  });

  it('falls back: the failed primary with its error kind and status, the rule that chose the next model', async () => {
    const result = await runCli(['run', '--policy', policy, '--simulate', '--scenario', scenario('primary-rate-limited'), 'hello']);
    expect(result.code).toBe(0);
    expect(result.stdout.split('\n')[0]).toBe('[gemini-2.0-flash] reply to: hello');
    const rows = timelineRows(result.stdout);
    expect(rows.map((row) => [row[0], row[1], row[2], row[5], row[6], row[7]])).toEqual([
      ['1', 'gpt-4o', 'openai', 'failed', 'rate_limit 429', 'primary'],
      ['2', 'gemini-flash', 'google', 'ok', '-', 'rate-limit-skips-to-gemini'],
    ]);
    expect(result.stdout).toMatch(/^success: gemini-flash answered on attempt 2 \(1 fallback\)/m);
  });

  it('exhausts the policy: every attempt failed, the reason, exit 1', async () => {
    const result = await runCli(['run', '--policy', policy, '--simulate', '--scenario', scenario('all-down'), 'hello']);
    expect(result.code).toBe(1);
    noStack(result.stdout + result.stderr);
    const rows = timelineRows(result.stdout);
    expect(rows.map((row) => [row[1], row[5], row[6], row[7]])).toEqual([
      ['gpt-4o', 'failed', 'service_unavailable 503', 'primary'],
      ['claude-haiku', 'failed', 'service_unavailable 503', 'strategy:sequential'],
      ['gemini-flash', 'failed', 'service_unavailable 503', 'strategy:sequential'],
    ]);
    expect(result.stdout).toMatch(/^exhausted: no model answered after 3 attempts in .*every model it could try failed; last error service_unavailable 503/m);
  });

  it('streams, reads the prompt from stdin, and prints the session record with --json', async () => {
    const result = await runCli(['run', '--policy', policy, '--simulate', '--scenario', scenario('primary-rate-limited'), '--stream', '--json'], { input: 'from stdin\n' });
    expect(result.code).toBe(0);
    const record = JSON.parse(result.stdout) as { outcome: string; stream: boolean; finalModel: string; responseText: string; attempts: { model: string; outcome: string; error: { kind: string } | null }[] };
    expect(record).toMatchObject({ outcome: 'success', stream: true, finalModel: 'gemini-flash', responseText: '[gemini-2.0-flash] reply to: from stdin' });
    expect(record.attempts.map((attempt) => [attempt.model, attempt.outcome, attempt.error?.kind ?? null])).toEqual([
      ['gpt-4o', 'failure', 'rate_limit'],
      ['gemini-flash', 'success', null],
    ]);
  });
});

describe('detour run: Ctrl-C', () => {
  it('aborts the session, prints the timeline so far with the aborted line, and exits 130', async () => {
    const child = spawn(process.execPath, ['dist/src/cli/main.js', 'run', '--policy', policy, '--simulate', '--scenario', scenario('hang'), '--debug', 'hello'], {
      env: cleanEnvironment(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (piece: string) => (stdout += piece));
    const exited = once(child, 'close') as Promise<[number | null, NodeJS.Signals | null]>;
    const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    try {
      // The --debug line says where the simulator listens...
      const url = await new Promise<string>((resolve, reject) => {
        child.stderr.setEncoding('utf8').on('data', (piece: string) => {
          stderr += piece;
          const match = /simulator listening on (http:\/\/\S+)/.exec(stderr);
          if (match) resolve(match[1]!);
        });
        child.once('close', () => reject(new Error(`the run ended before it said where the simulator listens: ${stderr}`)));
      });
      // ...and its counts say when the request has arrived (and hangs there).
      for (;;) {
        const counts = (await (await fetch(`${url}/_detour/counts`)).json()) as { models: Record<string, { outcomes: Record<string, number> }> };
        if ((counts.models['gpt-4o']?.outcomes.hang ?? 0) >= 1) break;
        await new Promise((resolve) => setImmediate(resolve));
      }
      expect(child.exitCode).toBeNull();
      child.kill('SIGINT');
      const [code, signal] = await exited;
      expect(signal).toBeNull();
      expect(code).toBe(130);
      noStack(stdout + stderr);
      expect(timelineRows(stdout).map((row) => [row[1], row[5], row[7]])).toEqual([['gpt-4o', 'aborted', 'primary']]);
      expect(stdout).toMatch(/^aborted: no model answered after 1 attempt in .*: the request was cancelled/m);
    } finally {
      clearTimeout(killer);
      child.kill('SIGKILL');
    }
  });

  it('--help gives the exit status, Ctrl-C included', async () => {
    const result = await runCli(['run', '--help']);
    expect(result.stdout).toContain('130 on Ctrl-C');
  });
});

describe.concurrent('detour run: problems are one line on stderr, exit 1, no stack trace', () => {
  it('a missing key names the variable and the model that needs it', async () => {
    const env = cleanEnvironment({ ANTHROPIC_API_KEY: 'sk-ant-test', GEMINI_API_KEY: 'test' });
    const result = await runCli(['run', '--policy', policy, 'hello'], { env });
    expect(result.code).toBe(1);
    expect(result.stdout).toBe('');
    expect(result.stderr).toBe('detour run: missing API key: OPENAI_API_KEY (for gpt-4o) not set; set it, or add --simulate to use the built-in simulator\n');
  });

  it('an empty key counts as missing', async () => {
    const env = cleanEnvironment({ OPENAI_API_KEY: '', ANTHROPIC_API_KEY: '', GEMINI_API_KEY: '' });
    const result = await runCli(['run', '--policy', policy, 'hello'], { env });
    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(/^detour run: missing API keys: OPENAI_API_KEY \(for gpt-4o\), ANTHROPIC_API_KEY \(for claude-haiku\), GEMINI_API_KEY/);
  });

  it('an invalid policy file points at file:line:col', async () => {
    const broken = join(folder, 'broken.yaml');
    writeFileSync(broken, POLICY.replace('primary_model: gpt-4o', 'primary_model: gpt-5'));
    const result = await runCli(['run', '--policy', broken, '--simulate', 'hello']);
    expect(result.code).toBe(1);
    expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(result.stderr).toMatch(new RegExp(`^detour run: ${broken.replace(/[.*+?^${}()|[\]\\]/g, '\\$&')}:\\d+:\\d+: .*gpt-5`));
    noStack(result.stderr);
  });

  it('an unknown policy name, an unknown model, a missing file', async () => {
    const [name, model, missing] = await Promise.all([
      runCli(['run', '--policy', policies, '--name', 'nope', '--simulate', 'hello']),
      runCli(['run', '--policy', policy, '--model', 'gpt-9', '--simulate', 'hello']),
      runCli(['run', '--policy', join(folder, 'absent.yaml'), '--simulate', 'hello']),
    ]);
    for (const result of [name, model, missing]) {
      expect(result.code).toBe(1);
      expect(result.stderr.trimEnd().split('\n')).toHaveLength(1);
    }
    expect(name.stderr).toMatch(/^detour run: unknown policy "nope" in .*; known: cli-run/);
    expect(model.stderr).toMatch(/^detour run: unknown model "gpt-9" in policy cli-run; known: gpt-4o, claude-haiku, gemini-flash/);
    expect(missing.stderr).toMatch(/^detour run: .*absent\.yaml: no such policy file or folder/);
  });
});
