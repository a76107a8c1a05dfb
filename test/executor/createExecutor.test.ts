/**
 * createExecutor on real folders: what it refuses at start.
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, beforeEach, describe, expect, it } from 'vitest';
import { createExecutor } from '../../src/executor/createExecutor.js';
import { PolicyLoadError } from '../../src/executor/PolicyLoadError.js';

let folder: string;

beforeEach(async () => {
  folder = await mkdtemp(path.join(os.tmpdir(), 'detour-executor-'));
});

afterEach(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function rejection(promise: Promise<unknown>): Promise<unknown> {
  try {
    await promise;
  } catch (error) {
    return error;
  }
  throw new Error('expected a rejection');
}

describe('createExecutor with a folder', () => {
  it('an empty folder is a PolicyLoadError naming the folder, not an executor that fails every request', async () => {
    const error = await rejection(createExecutor({ policies: folder }));
    expect(PolicyLoadError.isInstance(error)).toBe(true);
    if (!PolicyLoadError.isInstance(error)) return;
    expect(error.message).toBe(`could not load policies: no policy files in ${folder} (a policy file is a *.yaml or *.yml file directly in the folder)`);
    expect(error.diagnostics).toMatchObject([{ severity: 'error', file: folder, check: 'empty' }]);
  });

  it('a folder holding only other files is empty too', async () => {
    await writeFile(path.join(folder, 'README.md'), '# policies\n');
    const error = await rejection(createExecutor({ policies: [folder] }));
    expect(PolicyLoadError.isInstance(error) && error.message).toContain(`no policy files in ${folder}`);
  });
});
