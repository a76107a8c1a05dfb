/**
 * Hot reload parses large policy files on a worker thread, so the serving
 * thread keeps answering while a 1 MiB file parses. The worker exists only
 * in the build, so this test drives `dist/` (`npm test` builds first).
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import type { Worker } from 'node:worker_threads';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { unknownKeysPolicy } from '../../bench/flood.bench.js';
import { loadPolicies } from '../../src/policy/load.js';

type OffThreadModule = typeof import('../../src/policy/loadOffThread.js');
const built = '../../dist/src/policy/loadOffThread.js';

let folder = '';
let small: string[] = [];
let large: string[] = [];
beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'detour-off-thread-'));
  const valid = path.join(folder, 'valid.yaml');
  await writeFile(valid, 'name: valid\nmodels:\n  gpt-4o: { provider: openai }\nprimary_model: gpt-4o\n');
  const flood = path.join(folder, 'flood.yaml');
  await writeFile(flood, unknownKeysPolicy(30_000));
  small = [valid];
  large = [valid, flood];
});
afterAll(() => rm(folder, { recursive: true, force: true }));

async function workersStartedBy(action: () => Promise<unknown>): Promise<number> {
  let started = 0;
  const count = (_worker: Worker) => void started++;
  process.on('worker', count);
  try {
    await action();
  } finally {
    process.off('worker', count);
  }
  return started;
}

describe('loadPoliciesOffThread (the watcher\'s loader)', () => {
  it('loads large files on a worker thread, with the same result as loading inline', async () => {
    const { loadPoliciesOffThread } = (await import(built)) as OffThreadModule;
    let result: Awaited<ReturnType<OffThreadModule['loadPoliciesOffThread']>> | undefined;
    expect(await workersStartedBy(async () => (result = await loadPoliciesOffThread(large)))).toBe(1);
    const inline = await loadPolicies(large);
    expect(result?.set).toBeNull();
    expect(result?.diagnostics).toEqual(inline.diagnostics);
    expect(result?.diagnostics.at(-1)?.message).toBe('… and 29,980 more problems in this file (the first 20 are shown)');
  }, 120_000);

  it('loads a small folder inline, into a frozen set', async () => {
    const { loadPoliciesOffThread } = (await import(built)) as OffThreadModule;
    let result: Awaited<ReturnType<OffThreadModule['loadPoliciesOffThread']>> | undefined;
    expect(await workersStartedBy(async () => (result = await loadPoliciesOffThread(small)))).toBe(0);
    expect(result?.set?.get('valid')?.primaryModel).toBe('gpt-4o');
  });

  it('returns frozen policies from the worker', async () => {
    const { loadPoliciesOffThread } = (await import(built)) as OffThreadModule;
    const padded = path.join(folder, 'padded.yaml');
    await writeFile(padded, `# ${'x'.repeat(300 * 1024)}\nname: padded\nmodels:\n  gpt-4o: { provider: openai }\nprimary_model: gpt-4o\n`);
    let result: Awaited<ReturnType<OffThreadModule['loadPoliciesOffThread']>> | undefined;
    expect(await workersStartedBy(async () => (result = await loadPoliciesOffThread([padded])))).toBe(1);
    const policy = result?.set?.get('padded');
    expect(policy?.primaryModel).toBe('gpt-4o');
    expect(Object.isFrozen(policy)).toBe(true);
    expect(Object.isFrozen(policy?.models)).toBe(true);
  }, 120_000);
});
