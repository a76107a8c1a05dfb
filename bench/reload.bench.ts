/**
 * Hot reload latency: from a policy file's write to the new version serving
 * (`watcher.current().version` polled every event-loop turn), over 100 edits,
 * with the coalescing settings `watchPolicies` ships. Compared, in the same
 * run, with what the reload is made of: the file system's notification
 * (write → fs.watch event) and loading the set (`loadPolicies`).
 *
 * `npm run bench -- reload`
 */
import { watch as watchFolder } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { loadPolicies } from '../src/policy/load.js';
import { watchPolicies } from '../src/watch/PolicyWatcher.js';
import { DEFAULT_MAX_WAIT_MS, DEFAULT_QUIET_MS } from '../src/watch/ReloadScheduler.js';
import { percentile, type BenchResult } from './types.js';

export const title = 'hot reload';

const EDITS = 100;

function policy(edit: number): string {
  return [
    'version: 1',
    'name: default',
    `description: "edit ${edit}"`,
    'provider_config:',
    '  openai: { api_key_env: OPENAI_API_KEY }',
    '  anthropic: { api_key_env: ANTHROPIC_API_KEY }',
    'models:',
    '  gpt-4o: { provider: openai }',
    '  claude-instant: { provider: anthropic, model: claude-3-5-haiku-latest }',
    `primary_model: ${edit % 2 === 0 ? 'gpt-4o' : 'claude-instant'}`,
    `fallback_models: [${edit % 2 === 0 ? 'claude-instant' : 'gpt-4o'}]`,
    'strategy_type: sequential',
    'max_attempts: 3',
    '',
  ].join('\n');
}

const nextTurn = () => new Promise<void>((resolve) => setImmediate(resolve));

async function writeToServing(folder: string): Promise<number[]> {
  const file = path.join(folder, 'default.yaml');
  const watcher = await watchPolicies(folder);
  const samples: number[] = [];
  try {
    for (let edit = 1; edit <= EDITS; edit += 1) {
      const before = watcher.current().version;
      const started = performance.now();
      await writeFile(file, policy(edit));
      const deadline = started + 5_000;
      while (watcher.current().version === before) {
        if (performance.now() > deadline) throw new Error(`edit ${edit} was not served within 5 s`);
        await nextTurn();
      }
      samples.push(performance.now() - started);
    }
  } finally {
    await watcher.close();
  }
  return samples;
}

async function writeToNotification(folder: string): Promise<number[]> {
  const file = path.join(folder, 'default.yaml');
  const samples: number[] = [];
  let notify: (() => void) | null = null;
  const watcher = watchFolder(folder, () => notify?.());
  try {
    for (let edit = 1; edit <= EDITS; edit += 1) {
      const heard = new Promise<void>((resolve) => (notify = resolve));
      const started = performance.now();
      await writeFile(file, policy(edit));
      await heard;
      samples.push(performance.now() - started);
      notify = null;
    }
  } finally {
    watcher.close();
  }
  return samples;
}

async function loadTimes(folder: string): Promise<number[]> {
  const file = path.join(folder, 'default.yaml');
  const samples: number[] = [];
  for (let edit = 1; edit <= EDITS; edit += 1) {
    const started = performance.now();
    const result = await loadPolicies([file]);
    samples.push(performance.now() - started);
    if (!result.set) throw new Error('bench policy is invalid');
  }
  return samples;
}

export async function run(): Promise<BenchResult[]> {
  const folder = await mkdtemp(path.join(os.tmpdir(), 'detour-reload-bench-'));
  try {
    await writeFile(path.join(folder, 'default.yaml'), policy(0));
    const notification = await writeToNotification(folder);
    const load = await loadTimes(folder);
    const serving = await writeToServing(folder);
    const settings = `quietMs ${DEFAULT_QUIET_MS}, maxWaitMs ${DEFAULT_MAX_WAIT_MS}; ${EDITS} edits`;
    const notificationMedian = percentile(notification, 50);
    const loadMedian = percentile(load, 50);
    return [
      {
        name: 'write → new version serving, median',
        value: percentile(serving, 50),
        unit: 'ms',
        baseline: { name: 'fs.watch notification + loadPolicies, medians', value: notificationMedian + loadMedian },
        note: settings,
      },
      {
        name: 'write → new version serving, p99',
        value: percentile(serving, 99),
        unit: 'ms',
        baseline: { name: 'fs.watch notification, p99', value: percentile(notification, 99) },
        aim: '< 100 ms',
        note: settings,
      },
      {
        name: 'write → new version serving, max',
        value: Math.max(...serving),
        unit: 'ms',
        baseline: { name: 'coalescing quiet period', value: DEFAULT_QUIET_MS },
      },
      {
        name: 'loadPolicies (1 file), median',
        value: loadMedian,
        unit: 'ms',
        baseline: { name: 'loadPolicies, p99', value: percentile(load, 99) },
      },
    ];
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
