/**
 * `detour serve --models <module>`: policy models with `provider: ai_sdk`
 * call the AI SDK language models a module of the service's own exports — a
 * real @ai-sdk/openai-compatible model on the simulator, through the CLI
 * gateway; a module that exports something else stops the gateway with one
 * line saying what.
 */
import { spawn } from 'node:child_process';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { startSimulator, type Simulator } from '../../src/simulator/server.js';

let simulator: Simulator;
let folder: string;
let policy: string;

beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
  folder = await mkdtemp(path.join(tmpdir(), 'detour-serve-models-'));
  policy = path.join(folder, 'own.yaml');
  await writeFile(policy, 'version: 1\nname: own\nmodels:\n  sim: { provider: ai_sdk, model: sim-gpt }\nprimary_model: sim\n');
});
afterAll(async () => {
  await simulator.close();
  await rm(folder, { recursive: true, force: true });
});

function serve(models: string) {
  const child = spawn(process.execPath, ['dist/src/cli/main.js', 'serve', policy, '--port', '0', '--no-access-log', '--models', models], {
    stdio: ['ignore', 'pipe', 'pipe'],
    env: { ...process.env, DETOUR_TEST_SIMULATOR: simulator.url },
  });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  const listening = new Promise<string>((resolve, reject) => {
    child.stderr.on('data', (data: Buffer) => {
      stderr += data.toString();
      const found = /listening on (\S+) /.exec(stderr);
      if (found !== null) resolve(found[1]!);
    });
    child.once('exit', () => reject(new Error(stderr)));
  });
  return { child, exited, listening, stderr: () => stderr };
}

it('a policy model with provider: ai_sdk calls the model the --models module registers under its name', async () => {
  const gateway = serve('test/gateway/fixtures/ai-sdk-models.mjs');
  try {
    const url = await gateway.listening;
    const before = simulator.counts().models['gpt-a']?.requests ?? 0;
    const answer = await fetch(`${url}/v1/chat/completions`, {
      method: 'POST',
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ model: 'own', messages: [{ role: 'user', content: 'hello' }] }),
    });
    expect(answer.status).toBe(200);
    expect(answer.headers.get('x-detour-model')).toBe('sim');
    const body = (await answer.json()) as { choices: { message: { content: string } }[] };
    expect(body.choices[0]!.message.content.length).toBeGreaterThan(0);
    expect(simulator.counts().models['gpt-a']?.requests).toBe(before + 1);
  } finally {
    gateway.child.kill('SIGTERM');
    expect(await gateway.exited).toBe(0);
  }
}, 30_000);

it('a module that does not export language models stops the gateway with one line saying what it exports', async () => {
  const gateway = serve('test/gateway/fixtures/not-models.mjs');
  await expect(gateway.listening).rejects.toThrow();
  expect(await gateway.exited).not.toBe(0);
  expect(gateway.stderr()).toContain('--models test/gateway/fixtures/not-models.mjs: `sim-gpt` is not an AI SDK language model');
  const missing = serve('test/gateway/fixtures/no-such-module.mjs');
  await expect(missing.listening).rejects.toThrow();
  expect(missing.stderr()).toMatch(/--models test\/gateway\/fixtures\/no-such-module\.mjs: could not load it: /);
}, 30_000);
