import { mkdir, mkdtemp, readFile, rm, symlink, writeFile } from 'node:fs/promises';
import os from 'node:os';
import path from 'node:path';
import { afterEach, describe, expect, it } from 'vitest';
import { loadPolicies } from '../../src/policy/load.js';

describe('loadPolicies on a Kubernetes ConfigMap volume', () => {
  let folder = '';
  afterEach(() => rm(folder, { recursive: true, force: true }));

  it('follows the `..data` symlinks and skips the dot folders and dot files', async () => {
    folder = await mkdtemp(path.join(os.tmpdir(), 'detour-configmap-'));
    const text = await readFile('policies/sequential.yaml', 'utf8');
    await mkdir(path.join(folder, '..2026_11_26_06_00_00.1'));
    await writeFile(path.join(folder, '..2026_11_26_06_00_00.1', 'sequential.yaml'), text);
    await symlink('..2026_11_26_06_00_00.1', path.join(folder, '..data'));
    await symlink(path.join('..data', 'sequential.yaml'), path.join(folder, 'sequential.yaml'));
    await writeFile(path.join(folder, '.sequential.yaml.swp'), 'not: [a policy');

    const result = await loadPolicies(folder);
    expect(result.diagnostics.filter((diagnostic) => diagnostic.severity === 'error')).toEqual([]);
    expect(result.files.map((file) => path.basename(file.file))).toEqual(['sequential.yaml']);
    expect([...(result.set?.policies.keys() ?? [])]).toHaveLength(1);
  });
});
