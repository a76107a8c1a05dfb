/**
 * Loading policy files on a worker thread, for hot reload. The loader is
 * linear in its input, but a file near the 1 MiB cap still costs its YAML
 * parse (hundreds of milliseconds), and on the serving thread that would
 * stall every request in flight. Folders smaller than
 * {@link OFF_THREAD_BYTES} load inline: a worker costs more than it saves.
 */
import { existsSync } from 'node:fs';
import { stat } from 'node:fs/promises';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { deepFreeze } from './freeze.js';
import { loadPolicies, type PolicyLoadResult, type PolicySetLoadResult } from './load.js';
import { createPolicySet } from './set.js';
import type { Diagnostic, Policy } from './types.js';

/** Folders holding at least this many bytes of policy files load on a worker thread. @default 256 KiB */
export const OFF_THREAD_BYTES = 256 * 1024;

interface WorkerResult {
  readonly files: readonly { readonly file: string; readonly result: PolicyLoadResult }[];
  readonly diagnostics: readonly Diagnostic[];
}

/** The compiled worker next to this file; absent when running from the TypeScript sources. */
function workerFile(): URL | null {
  const url = new URL('./loadWorker.js', import.meta.url);
  return url.protocol === 'file:' && existsSync(fileURLToPath(url)) ? url : null;
}

async function totalBytes(files: readonly string[]): Promise<number> {
  const sizes = await Promise.all(files.map((file) => stat(file).then((info) => info.size, () => 0)));
  return sizes.reduce((sum, size) => sum + size, 0);
}

function runWorker(url: URL, files: readonly string[]): Promise<WorkerResult> {
  return new Promise((resolve, reject) => {
    const worker = new Worker(url, { workerData: { files: [...files] } });
    worker.once('message', (result: WorkerResult) => {
      resolve(result);
      void worker.terminate();
    });
    worker.once('error', reject);
    worker.once('exit', (code) => reject(new Error(`policy loader worker exited with code ${code}`)));
  });
}

/** The worker's plain result as the loader's own: policies frozen again, the set rebuilt. */
function fromWorker(result: WorkerResult): PolicySetLoadResult {
  const files = result.files.map(({ file, result: loaded }) => ({
    file,
    result: { policy: loaded.policy === null ? null : deepFreeze(loaded.policy), diagnostics: deepFreeze(loaded.diagnostics) },
  }));
  const ok = files.every(({ result: loaded }) => loaded.policy !== null);
  const set = ok ? createPolicySet(files.map(({ result: loaded }) => loaded.policy as Policy)) : null;
  return { set, files, diagnostics: deepFreeze(result.diagnostics) };
}

/**
 * `loadPolicies`, run on a worker thread when the files are large, so the
 * calling thread keeps serving while they parse. Same result as
 * `loadPolicies`; if the worker cannot run, the files load inline.
 *
 * @example
 * const watcher = await watchPolicies('./policies', { load: loadPoliciesOffThread }); // the default
 */
export async function loadPoliciesOffThread(files: readonly string[]): Promise<PolicySetLoadResult> {
  const url = workerFile();
  if (url === null || (await totalBytes(files)) < OFF_THREAD_BYTES) return loadPolicies(files);
  try {
    return fromWorker(await runWorker(url, files));
  } catch {
    return loadPolicies(files);
  }
}
