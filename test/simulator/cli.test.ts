import { spawn, type ChildProcess } from 'node:child_process';
import { mkdtempSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { anthropicClient, googleClient, openAIClient } from './clients.js';

const children: ChildProcess[] = [];

afterEach(() => {
  for (const child of children.splice(0)) if (child.exitCode === null && child.signalCode === null) child.kill('SIGKILL');
});

function simulate(...args: string[]): ChildProcess {
  const child = spawn(process.execPath, ['dist/src/cli/main.js', 'simulate', ...args], { stdio: ['ignore', 'pipe', 'pipe'] });
  children.push(child);
  return child;
}

function firstLine(child: ChildProcess): Promise<string> {
  return new Promise((resolve, reject) => {
    let output = '';
    child.stdout?.setEncoding('utf8');
    child.stdout?.on('data', (piece: string) => {
      output += piece;
      const end = output.indexOf('\n');
      if (end >= 0) resolve(output.slice(0, end));
    });
    child.once('exit', (code) => reject(new Error(`exited with ${code} before printing a line`)));
  });
}

function exited(child: ChildProcess): Promise<{ code: number | null; stderr: string }> {
  let stderr = '';
  child.stderr?.setEncoding('utf8');
  child.stderr?.on('data', (piece: string) => {
    stderr += piece;
  });
  return new Promise((resolve) => child.once('close', (code) => resolve({ code, stderr })));
}

describe('detour simulate (child process)', () => {
  it('serves a scenario the real SDKs parse, and exits 0 on SIGTERM', async () => {
    const child = simulate('--port', '0', '--scenario', 'scenarios/healthy.yaml');
    const done = exited(child);
    const line = await firstLine(child);
    const match = /^detour simulator listening on (http:\/\/127\.0\.0\.1:(\d+))$/.exec(line);
    expect(match).not.toBeNull();
    const url = match?.[1] ?? '';
    expect(Number(match?.[2])).toBeGreaterThan(0);

    const completion = await openAIClient(url).chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hello' }] });
    expect(completion.choices[0]?.message.content).toBe('[gpt-4o] reply to: hello');
    const message = await anthropicClient(url).messages.create({ model: 'claude-3-5-haiku-latest', max_tokens: 100, messages: [{ role: 'user', content: 'hello' }] });
    expect(message.stop_reason).toBe('end_turn');
    let streamed = '';
    for await (const chunk of await googleClient(url).models.generateContentStream({ model: 'gemini-2.0-flash', contents: 'hello' })) streamed += chunk.text ?? '';
    expect(streamed).toBe('[gemini-2.0-flash] reply to: hello');
    const counts = (await (await fetch(`${url}/_detour/counts`)).json()) as { requests: number };
    expect(counts.requests).toBe(3);

    child.kill('SIGTERM');
    const { code, stderr } = await done;
    expect(stderr).toBe('');
    expect(code).toBe(0);
  });

  it('refuses an invalid scenario with one line naming file:line:col, exit 1', async () => {
    const folder = mkdtempSync(join(tmpdir(), 'detour-simulate-'));
    const file = join(folder, 'broken.yaml');
    writeFileSync(file, 'models:\n  gpt-4o:\n    faults:\n      - { type: explode }\n');
    const { code, stderr } = await exited(simulate('--port', '0', '--scenario', file));
    expect(code).toBe(1);
    expect(stderr.trimEnd().split('\n')).toHaveLength(1);
    expect(stderr).toContain(`detour simulate: ${file}:4:17: models.gpt-4o.faults.0.type: unknown fault type "explode"`);
  });
});
