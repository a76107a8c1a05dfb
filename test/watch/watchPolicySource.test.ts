/**
 * The executor seam: `watchPolicySource` is what `createExecutor({ policies, watch: true })` calls.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { Executor } from '../../src/executor/Executor.js';
import type { FallbackLogger } from '../../src/executor/types.js';
import { PolicyWatchError } from '../../src/watch/PolicyWatchError.js';
import type { PolicyWatcher } from '../../src/watch/PolicyWatcher.js';
import { watchPolicySource } from '../../src/watch/watchPolicySource.js';
import { nextRejection, nextReload, policyText, temporaryFolder } from './helpers.js';

let folder: string;
let cleanupFolder: () => Promise<void>;
let watcher: PolicyWatcher | null = null;

beforeEach(async () => {
  ({ folder, cleanup: cleanupFolder } = await temporaryFolder());
  await writeFile(path.join(folder, 'default.yaml'), policyText());
});

afterEach(async () => {
  await watcher?.close();
  watcher = null;
  await cleanupFolder();
});

describe('watchPolicySource', () => {
  it("reports rejections and reloads through an executor's FallbackLogger", async () => {
    const internal: { message: string; error: unknown }[] = [];
    const reloads: string[] = [];
    const logger: FallbackLogger & { logPolicyReloaded(event: { version: string }): void } = {
      logInternalError: (message, error) => void internal.push({ message, error }),
      logPolicyReloaded: (event) => void reloads.push(event.version),
    };
    watcher = await watchPolicySource(folder, { logger });
    const rejected = nextRejection(watcher);
    await writeFile(path.join(folder, 'default.yaml'), policyText({ maxAttempts: '"three"' }));
    await rejected;
    expect(internal).toHaveLength(1);
    expect(internal[0]?.message).toContain('rejected, still serving');
    const error = internal[0]?.error;
    expect(PolicyWatchError.isInstance(error) && error.message).toContain(`${path.join(folder, 'default.yaml')}:14:15`);

    const reloaded = nextReload(watcher);
    await writeFile(path.join(folder, 'default.yaml'), policyText({ maxAttempts: '4' }));
    const event = await reloaded;
    expect(reloads).toEqual([event.version]);
  });

  it('is closed by the executor that owns it', async () => {
    watcher = await watchPolicySource([folder]);
    const executor = new Executor({ policies: watcher }, true);
    expect(executor.policies.current().get('default')?.name).toBe('default');
    await executor.close();
    expect(watcher.closed).toBe(true);
  });

  it('takes exactly one folder', async () => {
    await expect(watchPolicySource([folder, folder])).rejects.toThrow(/exactly one policy folder, got 2 paths/);
    await expect(watchPolicySource([])).rejects.toThrow(PolicyWatchError);
  });
});
