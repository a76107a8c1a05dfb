/**
 * Loading policy files and folders: reading files (never throwing on bad
 * input: unreadable files are diagnostics), listing folders, and building a
 * PolicySet in which each policy name appears once.
 */
import { readFile, readdir, stat } from 'node:fs/promises';
import path from 'node:path';
import { createDiagnostic, sortDiagnostics } from './diagnostics.js';
import { FILE_START, MAX_POLICY_BYTES, failed, namePosition, parsePolicy, tooLarge, type PolicyLoadResult } from './parse.js';
import { createPolicySet } from './set.js';
import type { Diagnostic, Policy, PolicySet } from './types.js';

export { MAX_ALIAS_COUNT, MAX_POLICY_BYTES, parsePolicy } from './parse.js';
export type { ParsePolicyOptions, PolicyLoadResult } from './parse.js';

export interface PolicySetLoadResult {
  /** Null when any file had an error. */
  readonly set: PolicySet | null;
  readonly files: readonly { readonly file: string; readonly result: PolicyLoadResult }[];
  /** All diagnostics, including set-level ones (duplicate policy names). */
  readonly diagnostics: readonly Diagnostic[];
}

function ioFailure(file: string, message: string): PolicyLoadResult {
  return failed(file, [{ pointer: '', check: 'io', position: FILE_START, message }]);
}

/**
 * Read and parse one file. Never throws on bad input (unreadable files are a diagnostic).
 *
 * @example
 * const { policy } = await loadPolicyFile('policies/default.yaml');
 */
export async function loadPolicyFile(file: string): Promise<PolicyLoadResult> {
  let text: string;
  try {
    const info = await stat(file);
    if (!info.isFile()) return ioFailure(file, 'not a file: give a policy file or a folder of them');
    if (info.size > MAX_POLICY_BYTES) return failed(file, [tooLarge(info.size)]);
    text = await readFile(file, 'utf8');
  } catch (error) {
    const code = (error as NodeJS.ErrnoException).code;
    return ioFailure(file, code === 'ENOENT' ? 'no such file' : `cannot read the file (${code ?? String(error)})`);
  }
  // Outside the try: a parser bug must not be reported as an unreadable file.
  return parsePolicy(text, file);
}

/** Files read at once: enough to keep the disk busy, well under any open-file limit. */
const READ_CONCURRENCY = 32;

async function mapBounded<T, R>(items: readonly T[], limit: number, map: (item: T) => Promise<R>): Promise<R[]> {
  const results = new Array<R>(items.length);
  let nextIndex = 0;
  const worker = async () => {
    while (nextIndex < items.length) {
      const index = nextIndex++;
      results[index] = await map(items[index] as T);
    }
  };
  await Promise.all(Array.from({ length: Math.min(limit, items.length) }, worker));
  return results;
}

/**
 * True for the file names `loadPolicies` picks from a folder: `*.yaml` /
 * `*.yml` whose name does not start with a dot. Dot files are editor swap
 * files, rename-save temporaries (`.default.yaml.tmp`) and a Kubernetes
 * ConfigMap's own `..2026_…` folders.
 *
 * @example
 * isPolicyFileName('default.yaml') // true
 * isPolicyFileName('.default.yaml.swp') // false
 */
export function isPolicyFileName(name: string): boolean {
  return !name.startsWith('.') && /\.ya?ml$/.test(name);
}

/**
 * The policy files named by `paths`: folders contribute their `*.yaml` /
 * `*.yml` files (not recursively, sorted by name, symlinks included, dot
 * files skipped); files are taken as given.
 * Paths that do not exist are returned in `missing`.
 */
export async function listPolicyFiles(paths: readonly string[]): Promise<{ files: string[]; missing: string[] }> {
  const files: string[] = [];
  const missing: string[] = [];
  for (const entry of paths) {
    try {
      const info = await stat(entry);
      if (info.isDirectory()) {
        const names = (await readdir(entry, { withFileTypes: true }))
          // Symlinks count (a ConfigMap's files are links through `..data`); a dangling one
          // is then reported as unreadable instead of the policy silently disappearing.
          .filter((item) => (item.isFile() || item.isSymbolicLink()) && isPolicyFileName(item.name))
          .map((item) => item.name)
          .sort();
        files.push(...names.map((name) => path.join(entry, name)));
      } else {
        files.push(entry);
      }
    } catch {
      missing.push(entry);
    }
  }
  // The same file named twice (as a file and through its folder) is loaded once.
  const seen = new Set<string>();
  const unique = files.filter((file) => {
    const key = path.resolve(file);
    if (seen.has(key)) return false;
    seen.add(key);
    return true;
  });
  return { files: unique, missing };
}

/**
 * Load every `*.yaml` / `*.yml` in the given folders (not recursively) and
 * the given files into a PolicySet. Two files with the same policy `name`
 * are an error naming both files.
 *
 * @example
 * const { set, diagnostics } = await loadPolicies('policies');
 * set?.get('default')
 */
export async function loadPolicies(paths: string | readonly string[]): Promise<PolicySetLoadResult> {
  const list = typeof paths === 'string' ? [paths] : paths;
  const { files, missing } = await listPolicyFiles(list);
  const loaded = await mapBounded(files, READ_CONCURRENCY, async (file) => ({ file, result: await loadPolicyFile(file) }));
  const results = [...missing.map((file) => ({ file, result: ioFailure(file, 'no such file or folder') })), ...loaded];
  const owners = new Map<string, string>();
  const checked = results.map(({ file, result }) => {
    const policy = result.policy;
    if (!policy) return { file, result };
    const owner = owners.get(policy.name);
    if (owner === undefined) {
      owners.set(policy.name, file);
      return { file, result };
    }
    const duplicate = createDiagnostic(file, {
      pointer: '/name',
      check: 'duplicate',
      position: namePosition(policy),
      message: `policy name \`${policy.name}\` is also used by ${owner}: policy names must be unique in a set (rename one)`,
    });
    return { file, result: { policy: null, diagnostics: sortDiagnostics([...result.diagnostics, duplicate]) } };
  });
  const diagnostics = checked.flatMap(({ result }) => result.diagnostics);
  const ok = checked.every(({ result }) => result.policy !== null);
  const set = ok ? createPolicySet(checked.map(({ result }) => result.policy as Policy)) : null;
  return { set, files: checked, diagnostics };
}
