/**
 * Hot reload under traffic: the executor reads a watcher, real SDKs call the
 * simulator on 127.0.0.1, and the policy file is rewritten while sessions run.
 * Every session must finish on the version it pinned when it started.
 */
import { unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterAll, afterEach, beforeAll, beforeEach, describe, expect, it } from 'vitest';
import { createExecutor } from '../../src/executor/createExecutor.js';
import type { ExecutorResult } from '../../src/executor/types.js';
import { SelfManagingFallbackFactory } from '../../src/providers/factory.js';
import { startSimulator, type Simulator } from '../../src/simulator/index.js';
import { watchPolicies, type PolicyWatcher } from '../../src/watch/PolicyWatcher.js';
import { nextRejection, nextReload, temporaryFolder } from './helpers.js';

/**
 * Revision `n` of the policy. Even revisions start on `a` (which always
 * fails, so the session falls back to `b`); odd ones start on `c`.
 */
function revision(n: number, name = 'default'): string {
  const [primary, fallback] = n % 2 === 0 ? ['a', '[b, c]'] : ['c', '[a, b]'];
  return [
    'version: 1',
    `name: ${name}`,
    `description: "revision ${n}"`,
    'models:',
    '  a: { provider: openai, model: gpt-a }',
    '  b: { provider: anthropic, model: claude-b }',
    '  c: { provider: google, model: gemini-c }',
    'base_delay: 0',
    'jitter: false',
    `primary_model: ${primary}`,
    `fallback_models: ${fallback}`,
    'max_attempts: 3',
    '',
  ].join('\n');
}

const INVALID = [
  (n: number) => revision(n).replace('max_attempts: 3', 'max_attempts: 3: 4'),
  (n: number) => revision(n).replace('max_attempts: 3', 'max_attempts: "three"'),
  (n: number) => revision(n).replace(/fallback_models: \[.*\]/, 'fallback_models: [b, gpt-9]'),
];

const messages = [{ role: 'user' as const, content: 'ping' }];

let simulator: Simulator;
let folder: string;
let cleanupFolder: () => Promise<void>;
let watcher: PolicyWatcher | null = null;

beforeAll(async () => {
  simulator = await startSimulator({ port: 0 });
});

afterAll(async () => {
  await simulator.close();
});

beforeEach(async () => {
  ({ folder, cleanup: cleanupFolder } = await temporaryFolder());
  simulator.reset();
});

afterEach(async () => {
  await watcher?.close();
  watcher = null;
  await cleanupFolder();
});

function factory(): SelfManagingFallbackFactory {
  return new SelfManagingFallbackFactory({ baseUrlOverride: simulator.url, apiKeyOverride: 'test-key' });
}

describe('hot reload under traffic', () => {
  it('1,000 concurrent sessions across 50 rewrites (every other one invalid) each follow the version they pinned', async () => {
    await simulator.setScenario({
      models: {
        // Sessions stay in flight through most of the 50 rewrites, so most of the 1,000 run at once.
        '*': { latency: { min: '2500ms', max: '3500ms' } },
        'gpt-a': { latency: '5ms', faults: [{ type: 'rate_limit' }] },
      },
    });
    const file = path.join(folder, 'default.yaml');
    await writeFile(file, revision(0));
    watcher = await watchPolicies(folder);
    const executor = await createExecutor({ policies: watcher, factory: factory() });

    /** Policy version → the chain that version runs. */
    const chains = new Map<string, readonly string[]>();
    const remember = () => {
      const policy = watcher?.current().get('default');
      if (policy) chains.set(policy.version, [policy.primaryModel, ...policy.fallbackModels]);
    };
    remember();

    const sessions: { pinned: string; result: Promise<ExecutorResult> }[] = [];
    let valid = 0;
    for (let write = 1; write <= 50; write += 1) {
      for (let index = 0; index < 20; index += 1) {
        const pinned = watcher.current().get('default')?.version ?? '';
        const result = executor.generate({ policy: 'default', messages });
        // Settled later, all together; a handler now keeps a failure from being "unhandled" meanwhile.
        result.catch(() => undefined);
        sessions.push({ pinned, result });
      }
      const running = watcher.version;
      if (write % 2 === 1) {
        valid += 1;
        const reloaded = nextReload(watcher);
        await writeFile(file, revision(valid));
        const event = await reloaded;
        expect(event.previousVersion).toBe(running);
        remember();
      } else {
        const rejected = nextRejection(watcher);
        await writeFile(file, INVALID[(write / 2) % INVALID.length]?.(write) ?? '');
        const event = await rejected;
        expect(event.runningVersion).toBe(running);
        expect(watcher.version).toBe(running);
      }
    }

    const outcomes = await Promise.allSettled(sessions.map((session) => session.result));
    const failures = outcomes.flatMap((outcome) => (outcome.status === 'rejected' ? [String(outcome.reason)] : []));
    expect(failures).toEqual([]);
    expect(sessions).toHaveLength(1_000);
    expect(chains.size).toBe(26);

    const pinnedVersions = new Set<string>();
    for (const [index, outcome] of outcomes.entries()) {
      if (outcome.status !== 'fulfilled') continue;
      const session = outcome.value.session;
      const pinned = sessions[index]?.pinned;
      expect(session.policyVersion).toBe(pinned);
      const chain = chains.get(session.policyVersion);
      expect(chain, `unknown version ${session.policyVersion}`).toBeDefined();
      const tried = session.attempts.map((attempt) => attempt.model);
      // a always fails: even revisions answer on their second model, odd ones on their first.
      expect(tried).toEqual(chain?.[0] === 'a' ? ['a', 'b'] : ['c']);
      expect(tried).toEqual(chain?.slice(0, tried.length));
      pinnedVersions.add(session.policyVersion);
    }
    // Wave w started on revision floor(w / 2): revisions 0 to 25 each served new sessions.
    expect(pinnedVersions.size).toBe(26);
    await executor.close();
  });

  it('a deleted policy stops serving new sessions, while its sessions in flight finish on their pinned set', async () => {
    // Long enough for the sessions to outlive the reload that removes their policy.
    await simulator.setScenario({ models: { '*': { latency: { min: '300ms', max: '500ms' } } } });
    await writeFile(path.join(folder, 'default.yaml'), revision(1));
    await writeFile(path.join(folder, 'doomed.yaml'), revision(1, 'doomed'));
    watcher = await watchPolicies(folder);
    const executor = await createExecutor({ policies: watcher, factory: factory() });
    const pinned = watcher.current().get('doomed')?.version;

    const inFlight = Array.from({ length: 20 }, () => executor.generate({ policy: 'doomed', messages }));
    for (const session of inFlight) session.catch(() => undefined);
    const removed = nextReload(watcher);
    await unlink(path.join(folder, 'doomed.yaml'));
    expect((await removed).changes.removed).toEqual(['doomed']);

    await expect(executor.generate({ policy: 'doomed', messages })).rejects.toThrow(/unknown policy "doomed"/);
    const results = await Promise.all(inFlight);
    for (const result of results) {
      expect(result.session.policy).toBe('doomed');
      expect(result.session.policyVersion).toBe(pinned);
      expect(result.model).toBe('c');
    }
    expect((await executor.generate({ policy: 'default', messages })).model).toBe('c');
    await executor.close();
  });
});
