/**
 * Hot reload on real files in a temp folder, with real chokidar events.
 * Every wait is for an event (with a safety timeout), never a fixed sleep.
 */
import { appendFile, mkdir, open, rename, rm, symlink, unlink, writeFile } from 'node:fs/promises';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { PolicyWatchError } from '../../src/watch/PolicyWatchError.js';
import { watchPolicies, type PolicyWatcher, type PolicyWatcherOptions } from '../../src/watch/PolicyWatcher.js';
import type { PolicyReloadedEvent } from '../../src/watch/events.js';
import { nextEvent, nextRejection, nextReload, policyText, temporaryFolder } from './helpers.js';

let folder: string;
let cleanupFolder: () => Promise<void>;
const opened: PolicyWatcher[] = [];

async function start(options: PolicyWatcherOptions = {}, watchedFolder = folder): Promise<PolicyWatcher> {
  const watcher = await watchPolicies(watchedFolder, options);
  opened.push(watcher);
  return watcher;
}

beforeEach(async () => {
  ({ folder, cleanup: cleanupFolder } = await temporaryFolder());
  await writeFile(path.join(folder, 'default.yaml'), policyText());
});

afterEach(async () => {
  await Promise.all(opened.splice(0).map((watcher) => watcher.close()));
  await cleanupFolder();
});

describe('watchPolicies: start', () => {
  it('serves the folder it found', async () => {
    const watcher = await start();
    expect(watcher.current().get('default')?.primaryModel).toBe('gpt-4o');
    expect(watcher.version).toBe(watcher.current().version);
  });

  it('refuses to start on an invalid set, naming file:line:col', async () => {
    await writeFile(path.join(folder, 'broken.yaml'), policyText({ name: 'broken', maxAttempts: '"three"' }));
    const failure = await watchPolicies(folder).then(
      () => null,
      (error: unknown) => error,
    );
    expect(PolicyWatchError.isInstance(failure)).toBe(true);
    const error = failure as PolicyWatchError;
    const diagnostic = error.diagnostics.find((item) => item.file.endsWith('broken.yaml'));
    expect(diagnostic?.line).toBe(14);
    expect(error.message).toContain(`${path.join(folder, 'broken.yaml')}:14:`);
  });

  it('refuses a folder that does not exist, or a file', async () => {
    await expect(watchPolicies(path.join(folder, 'missing'))).rejects.toThrow(/cannot watch policy folder .*missing/);
    await expect(watchPolicies(path.join(folder, 'default.yaml'))).rejects.toThrow(/not a folder/);
  });

  it('starts on an empty folder and picks up the first policy', async () => {
    const empty = path.join(folder, 'empty');
    await mkdir(empty);
    const watcher = await start({}, empty);
    expect(watcher.current().policies.size).toBe(0);
    const reloaded = nextReload(watcher);
    await writeFile(path.join(empty, 'default.yaml'), policyText());
    expect((await reloaded).changes.added).toEqual(['default']);
  });

  it('keeps serving, and says so, when the folder disappears', async () => {
    const watcher = await start();
    const running = watcher.version;
    const next = nextEvent(watcher);
    // Moved away in one step, so the reload cannot catch it half-deleted.
    await rename(folder, `${folder}-gone`);
    try {
      const event = await next;
      expect(event.type).toBe('watch-error');
      expect(event.type === 'watch-error' && event.event.error.message).toMatch(/cannot reload policy folder .*ENOENT.*still serving/);
      expect(watcher.version).toBe(running);
      expect(watcher.current().get('default')?.name).toBe('default');
    } finally {
      await rm(`${folder}-gone`, { recursive: true, force: true });
    }
  });
});

describe('watchPolicies: edits', () => {
  it('applies a valid edit and reports what changed', async () => {
    const watcher = await start();
    const before = watcher.version;
    const reloaded = nextReload(watcher);
    await writeFile(path.join(folder, 'default.yaml'), policyText({ primary: 'claude-instant' }));
    const event = await reloaded;
    expect(event.previousVersion).toBe(before);
    expect(event.version).not.toBe(before);
    expect(event.version).toBe(watcher.version);
    expect(event.names).toEqual(['default']);
    expect(event.changes).toEqual({ added: [], removed: [], changed: ['default'] });
    expect(event.files).toEqual([path.join(folder, 'default.yaml')]);
    expect(watcher.current().get('default')?.primaryModel).toBe('claude-instant');
  });

  it.each([
    ['a syntax error', policyText({ maxAttempts: '3: 4' }), 14, 15, 'syntax'],
    ['a schema error', policyText({ maxAttempts: '"three"' }), 14, 15, 'schema'],
    ['a dangling model reference', policyText({ fallback: 'claude-instant, gpt-5' }), 12, 35, 'reference'],
  ])('rejects %s and keeps the old version serving', async (_label, text, line, column, check) => {
    const watcher = await start();
    const running = watcher.version;
    const rejected = nextRejection(watcher);
    await writeFile(path.join(folder, 'default.yaml'), text);
    const event = await rejected;
    expect(event.runningVersion).toBe(running);
    expect(watcher.version).toBe(running);
    expect(watcher.current().get('default')?.primaryModel).toBe('gpt-4o');
    const diagnostic = event.diagnostics.find((item) => item.check === check);
    expect(diagnostic, JSON.stringify(event.diagnostics)).toBeDefined();
    expect(diagnostic?.file).toBe(path.join(folder, 'default.yaml'));
    expect(diagnostic?.line).toBe(line);
    expect(diagnostic?.column).toBe(column);
    expect(event.message).toContain(`${path.join(folder, 'default.yaml')}:${line}:${column}: error [${check}]`);
  });

  it('recovers after a rejection when the file is fixed', async () => {
    const watcher = await start();
    const rejected = nextRejection(watcher);
    await writeFile(path.join(folder, 'default.yaml'), policyText({ maxAttempts: '"three"' }));
    await rejected;
    const reloaded = nextReload(watcher);
    await writeFile(path.join(folder, 'default.yaml'), policyText({ maxAttempts: '5' }));
    await reloaded;
    expect(watcher.current().get('default')?.maxAttempts).toBe(5);
  });

  it('never serves a file written in two parts (each part waited for)', async () => {
    const watcher = await start();
    const file = path.join(folder, 'default.yaml');
    const full = policyText({ description: 'the second half arrives later' });
    const cut = full.indexOf('second half');
    const served = recordServedDescriptions(watcher);
    const rejected = nextRejection(watcher);
    await writeFile(file, full.slice(0, cut));
    const event = await rejected;
    expect(event.diagnostics[0]?.file).toBe(file);
    expect(watcher.current().get('default')?.description).toBe('chat traffic');
    await appendFile(file, full.slice(cut));
    await untilReloaded(watcher);
    expect(watcher.current().get('default')?.description).toBe('the second half arrives later');
    expect(served).toEqual(['the second half arrives later']);
  });

  it('never serves a file written in two parts back to back', async () => {
    const watcher = await start();
    const full = policyText({ description: 'written in two parts' });
    const cut = full.indexOf('two parts');
    const served = recordServedDescriptions(watcher);
    const handle = await open(path.join(folder, 'default.yaml'), 'w');
    const event = nextEvent(watcher);
    try {
      await handle.write(full.slice(0, cut));
      await handle.write(full.slice(cut));
    } finally {
      await handle.close();
    }
    // A rejection of the first part is allowed; serving it is not.
    if ((await event).type !== 'policy-reloaded') await untilReloaded(watcher);
    expect(served).toEqual(['written in two parts']);
  });

  it('turns ten writes in 50 ms into exactly one reload', async () => {
    const watcher = await start();
    const first = nextEvent(watcher);
    for (let write = 1; write <= 10; write += 1) {
      await writeFile(path.join(folder, 'default.yaml'), policyText({ description: `write ${write}`, primary: write % 2 === 0 ? 'gpt-4o' : 'claude-instant' }));
    }
    const burst = await first;
    expect(burst.type).toBe('policy-reloaded');
    // The one reload served the last write: no intermediate state was swapped in.
    expect(watcher.current().get('default')?.description).toBe('write 10');
    // Had the burst caused a second reload, its event would arrive before the sentinel's.
    const next = nextReload(watcher);
    await writeFile(path.join(folder, 'default.yaml'), policyText({ description: 'sentinel' }));
    const sentinel = await next;
    expect(sentinel.previousVersion).toBe((burst.event as PolicyReloadedEvent).version);
    expect(watcher.current().get('default')?.description).toBe('sentinel');
  });

  it('hears saves made right after a reload (chokidar alone drops a repeat change within 50 ms)', async () => {
    const watcher = await start();
    for (let save = 1; save <= 5; save += 1) {
      const next = nextReload(watcher);
      await writeFile(path.join(folder, 'default.yaml'), policyText({ description: `save ${save}` }));
      await next;
      expect(watcher.current().get('default')?.description).toBe(`save ${save}`);
    }
  });

  it('says nothing when the content did not change', async () => {
    const watcher = await start();
    const running = watcher.version;
    const next = nextReload(watcher);
    await writeFile(path.join(folder, 'default.yaml'), policyText());
    // Runs a load of the unchanged folder to its end before the sentinel is written.
    await watcher.reload();
    await writeFile(path.join(folder, 'default.yaml'), policyText({ description: 'sentinel' }));
    const event = await next;
    expect(event.previousVersion).toBe(running);
    expect(watcher.current().get('default')?.description).toBe('sentinel');
  });

  it('adds and deletes policies; a deleted one is gone from current()', async () => {
    const watcher = await start();
    const added = nextReload(watcher);
    await writeFile(path.join(folder, 'other.yml'), policyText({ name: 'other' }));
    expect((await added).changes).toEqual({ added: ['other'], removed: [], changed: [] });
    const pinned = watcher.current();
    const removed = nextReload(watcher);
    await unlink(path.join(folder, 'other.yml'));
    const event = await removed;
    expect(event.changes).toEqual({ added: [], removed: ['other'], changed: [] });
    expect(event.names).toEqual(['default']);
    expect(watcher.current().get('other')).toBeUndefined();
    // A session that pinned the earlier set still has it.
    expect(pinned.get('other')?.name).toBe('other');
  });

  it('applies a rename-save (write a dot temp file, rename it over the policy)', async () => {
    const watcher = await start();
    const next = nextEvent(watcher);
    const temporary = path.join(folder, '.default.yaml.tmp');
    await writeFile(temporary, policyText({ primary: 'claude-instant' }));
    await rename(temporary, path.join(folder, 'default.yaml'));
    const event = await next;
    expect(event.type).toBe('policy-reloaded');
    expect(watcher.current().get('default')?.primaryModel).toBe('claude-instant');
  });

  it('keeps serving when a listener throws', async () => {
    const watcher = await start();
    watcher.on('policy-reloaded', () => {
      throw new Error('listener bug');
    });
    const first = nextReload(watcher);
    await writeFile(path.join(folder, 'default.yaml'), policyText({ description: 'one' }));
    await first;
    const second = nextReload(watcher);
    await writeFile(path.join(folder, 'default.yaml'), policyText({ description: 'two' }));
    await second;
    expect(watcher.current().get('default')?.description).toBe('two');
  });

  it('logs reloads and rejections through the logger', async () => {
    const lines: string[] = [];
    const logger = {
      info: (message: string) => void lines.push(`info ${message}`),
      warn: (message: string) => void lines.push(`warn ${message}`),
      error: (message: string) => void lines.push(`error ${message}`),
    };
    const watcher = await start({ logger });
    const reloaded = nextReload(watcher);
    await writeFile(path.join(folder, 'default.yaml'), policyText({ description: 'logged' }));
    await reloaded;
    const rejected = nextRejection(watcher);
    await writeFile(path.join(folder, 'default.yaml'), policyText({ maxAttempts: '"three"' }));
    await rejected;
    expect(lines.some((line) => line.startsWith('info policies reloaded'))).toBe(true);
    expect(lines.some((line) => line.startsWith('warn policy change rejected') && line.includes(':14:'))).toBe(true);
  });
});

describe('watchPolicies: symlinked folders', () => {
  it('follows a swap of the folder symlink (write a new link, rename it over the old)', async () => {
    const v1 = path.join(folder, 'v1');
    const v2 = path.join(folder, 'v2');
    await mkdir(v1);
    await mkdir(v2);
    await writeFile(path.join(v1, 'default.yaml'), policyText({ description: 'v1' }));
    await writeFile(path.join(v2, 'default.yaml'), policyText({ description: 'v2' }));
    const link = path.join(folder, 'current');
    await symlink(v1, link);
    const watcher = await start({}, link);
    expect(watcher.current().get('default')?.description).toBe('v1');

    const edit = nextReload(watcher);
    await writeFile(path.join(v1, 'default.yaml'), policyText({ description: 'v1 edited' }));
    await edit;
    expect(watcher.current().get('default')?.description).toBe('v1 edited');

    const swap = nextReload(watcher);
    await symlink(v2, `${link}.tmp`);
    await rename(`${link}.tmp`, link);
    await swap;
    expect(watcher.current().get('default')?.description).toBe('v2');

    // The new target is watched; an edit to the old one serves nothing new: the next event is v2's edit.
    const afterSwap = nextReload(watcher);
    await writeFile(path.join(v1, 'default.yaml'), policyText({ description: 'stale v1 edit' }));
    await writeFile(path.join(v2, 'default.yaml'), policyText({ description: 'v2 edited' }));
    await afterSwap;
    expect(watcher.current().get('default')?.description).toBe('v2 edited');
  });

  it('follows a Kubernetes ConfigMap update (..data swapped, files linked through it)', async () => {
    const volume = path.join(folder, 'volume');
    await mkdir(path.join(volume, '..2026_01_01_00_00_00.1'), { recursive: true });
    await writeFile(path.join(volume, '..2026_01_01_00_00_00.1', 'default.yaml'), policyText({ description: 'configmap 1' }));
    await symlink('..2026_01_01_00_00_00.1', path.join(volume, '..data'));
    await symlink('..data/default.yaml', path.join(volume, 'default.yaml'));
    const watcher = await start({}, volume);
    expect(watcher.current().get('default')?.description).toBe('configmap 1');

    // What the kubelet does: write the new timestamped folder, swap ..data atomically, remove the old one.
    const next = nextReload(watcher);
    await mkdir(path.join(volume, '..2026_01_01_00_05_00.2'));
    await writeFile(path.join(volume, '..2026_01_01_00_05_00.2', 'default.yaml'), policyText({ description: 'configmap 2', primary: 'claude-instant' }));
    await writeFile(path.join(volume, '..2026_01_01_00_05_00.2', 'extra.yaml'), policyText({ name: 'extra' }));
    await symlink('..2026_01_01_00_05_00.2', path.join(volume, '..data_tmp'));
    await rename(path.join(volume, '..data_tmp'), path.join(volume, '..data'));
    await symlink('..data/extra.yaml', path.join(volume, 'extra.yaml'));
    await rm(path.join(volume, '..2026_01_01_00_00_00.1'), { recursive: true });
    const event = await next;
    expect(watcher.current().get('default')?.description).toBe('configmap 2');
    expect(watcher.current().get('default')?.primaryModel).toBe('claude-instant');
    // The new link may land in the same reload or the next one.
    if (!event.names.includes('extra')) await nextReload(watcher);
    expect(watcher.current().get('extra')?.name).toBe('extra');
  });
});

/** Waits through rejections (of a partial write) until the next reload. */
async function untilReloaded(watcher: PolicyWatcher): Promise<PolicyReloadedEvent> {
  for (;;) {
    const next = await nextEvent(watcher);
    if (next.type === 'policy-reloaded') return next.event;
    if (next.type === 'watch-error') throw next.event.error;
  }
}

/** Every description `current()` served after a reload, in order. */
function recordServedDescriptions(watcher: PolicyWatcher): string[] {
  const served: string[] = [];
  watcher.on('policy-reloaded', () => served.push(watcher.current().get('default')?.description ?? '<none>'));
  return served;
}
