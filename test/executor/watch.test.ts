/**
 * createExecutor({ policies: folder, watch: true }) on real files: edits are
 * served by new sessions once the logger hears `policy-reloaded`, broken
 * edits never are, and close() leaves no watcher behind.
 */
import { writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { createExecutor } from '../../src/executor/createExecutor.js';
import { type Executor } from '../../src/executor/Executor.js';
import { PolicyLoadError } from '../../src/executor/PolicyLoadError.js';
import type { FallbackLogger } from '../../src/executor/types.js';
import type { PolicyWatcher } from '../../src/watch/PolicyWatcher.js';
import type { PolicyRejectedEvent, PolicyReloadedEvent } from '../../src/watch/events.js';
import { EVENT_TIMEOUT_MS, policyText, temporaryFolder } from '../watch/helpers.js';
import { FakeFactory, policyFrom, setOf } from './support.js';

type Logged = { readonly type: 'reloaded'; readonly event: PolicyReloadedEvent } | { readonly type: 'rejected'; readonly event: PolicyRejectedEvent };

/** A FallbackLogger whose policy events can be awaited (never slept for). */
class RecordingLogger implements FallbackLogger {
  readonly logged: Logged[] = [];
  private waiters: ((entry: Logged) => void)[] = [];

  logPolicyReloaded(event: PolicyReloadedEvent): void {
    this.record({ type: 'reloaded', event });
  }

  logPolicyRejected(event: PolicyRejectedEvent): void {
    this.record({ type: 'rejected', event });
  }

  next(): Promise<Logged> {
    return new Promise((resolve, reject) => {
      const timer = setTimeout(() => reject(new Error(`no policy event logged within ${EVENT_TIMEOUT_MS} ms`)), EVENT_TIMEOUT_MS);
      this.waiters.push((entry) => {
        clearTimeout(timer);
        resolve(entry);
      });
    });
  }

  private record(entry: Logged): void {
    this.logged.push(entry);
    const waiters = this.waiters;
    this.waiters = [];
    for (const waiter of waiters) waiter(entry);
  }
}

/** Open file-watch handles (chokidar's fs.watch). */
function watchHandles(): number {
  return process.getActiveResourcesInfo().filter((name) => name === 'FSEventWrap' || name === 'StatWatcher').length;
}

const messages = [{ role: 'user', content: 'hi' }] as const;
let folder: string;
let cleanupFolder: () => Promise<void>;
let executor: Executor | null = null;

beforeEach(async () => {
  ({ folder, cleanup: cleanupFolder } = await temporaryFolder());
});

afterEach(async () => {
  await executor?.close();
  executor = null;
  await cleanupFolder();
});

describe('createExecutor({ watch: true })', () => {
  it('serves an edit to new sessions after policy-reloaded, never a broken one, and close() stops the watcher', async () => {
    const file = path.join(folder, 'default.yaml');
    await writeFile(file, policyText({ primary: 'gpt-4o' }));
    const handlesBefore = watchHandles();
    const logger = new RecordingLogger();
    executor = await createExecutor({ policies: folder, watch: true, logger, factory: new FakeFactory({}) });
    expect(watchHandles()).toBeGreaterThan(handlesBefore);
    expect((await executor.generate({ policy: 'default', messages })).model).toBe('gpt-4o');

    const reloaded = logger.next();
    await writeFile(file, policyText({ primary: 'claude-instant' }));
    const reload = await reloaded;
    if (reload.type !== 'reloaded') throw new Error(`expected a reload, got ${reload.type}: ${reload.event.message}`);
    expect(reload.event.changes.changed).toEqual(['default']);
    const after = await executor.generate({ policy: 'default', messages });
    expect(after.model).toBe('claude-instant');
    expect(executor.policies.current().version).toBe(reload.event.version);

    const rejected = logger.next();
    await writeFile(file, policyText({ primary: 'gpt-4o', maxAttempts: '"three"' }));
    const rejection = await rejected;
    expect(rejection.type).toBe('rejected');
    if (rejection.type === 'rejected') expect(rejection.event.message).toContain(`${file}:14:15`);
    expect((await executor.generate({ policy: 'default', messages })).model).toBe('claude-instant');

    const watcher = executor.policies as PolicyWatcher;
    await executor.close();
    expect(watcher.closed).toBe(true);
    // fs.watch handles are released by their close callbacks, a turn of the loop later.
    await vi.waitFor(() => expect(watchHandles()).toBe(handlesBefore));
  });

  it('rejections go to logInternalError when the logger has no logPolicyRejected', async () => {
    const file = path.join(folder, 'default.yaml');
    await writeFile(file, policyText());
    let resolveLogged: (message: string) => void = () => {};
    const logged = new Promise<string>((resolve) => (resolveLogged = resolve));
    executor = await createExecutor({ policies: folder, watch: true, factory: new FakeFactory({}), logger: { logInternalError: (message) => resolveLogged(message) } });
    await writeFile(file, 'version: 1\nname: [unclosed\n');
    expect(await logged).toContain('rejected, still serving');
  });

  it('a broken folder at start is a PolicyLoadError with file:line:col; an empty one too; nothing keeps watching', async () => {
    const handlesBefore = watchHandles();
    const empty = await createExecutor({ policies: folder, watch: true }).catch((error: unknown) => error);
    expect(PolicyLoadError.isInstance(empty) && empty.message).toContain(`no policy files in ${folder}`);
    const file = path.join(folder, 'default.yaml');
    await writeFile(file, policyText({ maxAttempts: '"three"' }));
    const broken = await createExecutor({ policies: folder, watch: true }).catch((error: unknown) => error);
    expect(PolicyLoadError.isInstance(broken) && broken.message).toContain(`${file}:14:15`);
    await vi.waitFor(() => expect(watchHandles()).toBe(handlesBefore));
  });

  it('watch: true with a PolicySet or PolicySource is a clear error', async () => {
    const set = setOf(policyFrom(policyText()));
    await expect(createExecutor({ policies: set, watch: true })).rejects.toThrow(/watch: true needs policies to be one folder path/);
    await expect(createExecutor({ policies: { current: () => set }, watch: true })).rejects.toThrow(TypeError);
  });
});
