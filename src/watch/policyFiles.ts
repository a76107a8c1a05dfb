/**
 * Which entries of a watched folder are policy files, and which events matter.
 */
import path from 'node:path';
import { isPolicyFileName, listPolicyFiles } from '../policy/load.js';

export { isPolicyFileName };

/**
 * The Kubernetes ConfigMap volume layout: files are symlinks through `..data`,
 * itself a symlink to a timestamped folder that the kubelet swaps atomically.
 */
export const CONFIG_MAP_DATA_LINK = '..data';

/**
 * The policy files directly inside `folder` (no recursion), sorted, as paths
 * through `folder` (so diagnostics name the path the user configured) —
 * the loader's own listing, so the watcher and `detour validate` agree.
 *
 * @example
 * await listPolicyFolder('/etc/detour/policies') // ['/etc/detour/policies/default.yaml']
 */
export async function listPolicyFolder(folder: string): Promise<string[]> {
  const { files, missing } = await listPolicyFiles([folder]);
  if (missing.length > 0) throw new Error(`ENOENT: no such folder, ${folder}`);
  return files;
}

/**
 * The `ignored` matcher for chokidar: inside a watched folder, only policy
 * files and the ConfigMap `..data` link produce events; the folders
 * themselves (and their parents, which chokidar watches for symlinked
 * folders) are never ignored.
 */
export function createIgnoreMatcher(roots: ReadonlySet<string>): (candidate: string) => boolean {
  return (candidate) => {
    const resolved = path.resolve(candidate);
    if (!roots.has(path.dirname(resolved))) return false;
    if (roots.has(resolved)) return false;
    const name = path.basename(resolved);
    return !(isPolicyFileName(name) || name === CONFIG_MAP_DATA_LINK);
  };
}
