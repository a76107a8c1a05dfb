/**
 * Which entries of a watched folder are policy files, and which events matter.
 */
import { readdir } from 'node:fs/promises';
import path from 'node:path';

/**
 * The Kubernetes ConfigMap volume layout: files are symlinks through `..data`,
 * itself a symlink to a timestamped folder that the kubelet swaps atomically.
 */
export const CONFIG_MAP_DATA_LINK = '..data';

/**
 * A policy file is a `*.yaml` / `*.yml` whose name does not start with a dot.
 * Dot files are editor swap files, rename-save temporaries (`.default.yaml.tmp`)
 * and the ConfigMap's own `..2026_…` folders.
 *
 * @example
 * isPolicyFileName('default.yaml') // true
 * isPolicyFileName('.default.yaml.swp') // false
 */
export function isPolicyFileName(name: string): boolean {
  return !name.startsWith('.') && /\.ya?ml$/.test(name);
}

/**
 * The policy files directly inside `folder` (no recursion), sorted, as paths
 * through `folder` (so diagnostics name the path the user configured).
 * Symlinks are listed even when dangling: the loader then reports the file
 * as unreadable instead of the policy silently disappearing.
 *
 * @example
 * await listPolicyFiles('/etc/detour/policies') // ['/etc/detour/policies/default.yaml']
 */
export async function listPolicyFiles(folder: string): Promise<string[]> {
  const entries = await readdir(folder, { withFileTypes: true });
  return entries
    .filter((entry) => (entry.isFile() || entry.isSymbolicLink()) && isPolicyFileName(entry.name))
    .map((entry) => path.join(folder, entry.name))
    .sort();
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
