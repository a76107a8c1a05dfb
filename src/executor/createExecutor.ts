/**
 * `createExecutor`: the executor from a folder, file, PolicySet or
 * PolicySource, loading (and, with `watch: true`, watching) files first.
 */
import { loadPolicies } from '../policy/load.js';
import type { PolicySet } from '../policy/types.js';
import { PolicyWatchError } from '../watch/PolicyWatchError.js';
import type { PolicyWatcher } from '../watch/PolicyWatcher.js';
import { Executor, WATCH_NEEDS_FOLDER } from './Executor.js';
import { PolicyLoadError } from './PolicyLoadError.js';
import type { ExecutorOptions, PolicySource } from './types.js';

/** The watcher behind `watch: true`, refused at start on the same terms as a plain load. */
async function watchedSource(paths: string | readonly string[], logger: ExecutorOptions['logger']): Promise<PolicyWatcher> {
  let watcher: PolicyWatcher;
  try {
    // Loaded only here: an executor that does not watch never loads the file watcher.
    const { watchPolicySource } = await import('../watch/watchPolicySource.js');
    watcher = await watchPolicySource(paths, { logger });
  } catch (error) {
    if (PolicyWatchError.isInstance(error) && error.diagnostics.length > 0) throw new PolicyLoadError(String(paths), error.diagnostics);
    throw error;
  }
  if (watcher.current().policies.size === 0) {
    await watcher.close();
    throw emptySourceError(paths);
  }
  return watcher;
}

/** An executor with no policy fails every request later: refuse it at start, where the mistake is. */
function emptySourceError(paths: string | readonly string[]): PolicyLoadError {
  const list = typeof paths === 'string' ? [paths] : [...paths];
  const source = list.join(', ') || '(no paths)';
  const message = `no policy files in ${source} (a policy file is a *.yaml or *.yml file directly in the folder)`;
  const diagnostics = list.map((file) => ({ severity: 'error' as const, file, line: 1, column: 1, pointer: '', check: 'empty', message }));
  return new PolicyLoadError(source, diagnostics, `could not load policies: ${message}`);
}

/**
 * Build an executor. `policies` may be a folder or file path (loaded with
 * `loadPolicies`; any error rejects with `PolicyLoadError` listing every
 * problem with file:line:col), a PolicySet, or a PolicySource such as a
 * watcher. Async because loading is; everything else is ready when it resolves.
 *
 * @example
 * const executor = await createExecutor({ policies: './policies' })
 * const { text } = await executor.generate({ policy: 'default', messages: [{ role: 'user', content: 'Hi' }] })
 * await executor.close()
 */
export async function createExecutor(options: ExecutorOptions): Promise<Executor> {
  const policies = options.policies;
  if (options.watch === true) {
    if (typeof policies !== 'string' && !Array.isArray(policies)) {
      throw new TypeError(WATCH_NEEDS_FOLDER);
    }
    return new Executor({ ...options, policies: await watchedSource(policies as string | readonly string[], options.logger) }, true);
  }
  if (typeof policies === 'string' || Array.isArray(policies)) {
    const paths = policies as string | readonly string[];
    const loaded = await loadPolicies(paths);
    if (loaded.set === null) throw new PolicyLoadError(String(paths), loaded.diagnostics);
    if (loaded.set.policies.size === 0) throw emptySourceError(paths);
    for (const diagnostic of loaded.diagnostics) {
      if (diagnostic.severity === 'warning') {
        options.logger?.logInternalError?.(`policy warning ${diagnostic.file}:${diagnostic.line}:${diagnostic.column} ${diagnostic.message}`, null);
      }
    }
    return new Executor({ ...options, policies: loaded.set });
  }
  return new Executor({ ...options, policies: policies as PolicySet | PolicySource });
}

