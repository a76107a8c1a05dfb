/**
 * The one call behind `createExecutor({ policies: folder, watch: true })`.
 */
import type { PolicyRejectedEvent, PolicyReloadedEvent } from './events.js';
import { PolicyWatchError } from './PolicyWatchError.js';
import { watchPolicies, type PolicyWatcher, type PolicyWatcherOptions } from './PolicyWatcher.js';

/**
 * What the watcher reports to an executor's logger. The executor's
 * `FallbackLogger` fits as it is (only `logInternalError` is used then);
 * the two optional policy methods receive every reload and rejection.
 */
export interface PolicyReloadLogger {
  logPolicyReloaded?(event: PolicyReloadedEvent): void;
  logPolicyRejected?(event: PolicyRejectedEvent): void;
  logInternalError?(message: string, error: unknown): void;
}

/** Options of {@link watchPolicySource}: the watcher's, with an executor-style logger. */
export interface PolicySourceWatchOptions extends Omit<PolicyWatcherOptions, 'logger'> {
  readonly logger?: PolicyReloadLogger | undefined;
}

/**
 * Watches the folder an executor was given and reports reloads, rejections
 * and watch errors through the executor's logger. Rejects with a
 * {@link PolicyWatchError} when the folder's initial set is invalid, or when
 * `paths` is not exactly one folder.
 *
 * @example
 * // inside createExecutor, for { policies: './policies', watch: true }:
 * const source = await watchPolicySource(options.policies, { logger: options.logger });
 * return new Executor({ ...options, policies: source }, true); // executor.close() closes the watcher
 */
export async function watchPolicySource(paths: string | readonly string[], options: PolicySourceWatchOptions = {}): Promise<PolicyWatcher> {
  const list = typeof paths === 'string' ? [paths] : paths;
  const folder = list[0];
  if (list.length !== 1 || folder === undefined) {
    throw new PolicyWatchError({
      folder: list.join(', '),
      message: `watch: true takes exactly one policy folder, got ${list.length} paths (${list.join(', ') || 'none'})`,
    });
  }
  const { logger, ...watcherOptions } = options;
  const watcher = await watchPolicies(folder, watcherOptions);
  if (logger) attachLogger(watcher, logger);
  return watcher;
}

function attachLogger(watcher: PolicyWatcher, logger: PolicyReloadLogger): void {
  watcher.on('policy-reloaded', (event) => logger.logPolicyReloaded?.(event));
  watcher.on('policy-rejected', (event) => {
    if (logger.logPolicyRejected) {
      logger.logPolicyRejected(event);
      return;
    }
    logger.logInternalError?.(
      `policy change in ${watcher.folder} rejected, still serving ${event.runningVersion}`,
      new PolicyWatchError({ folder: watcher.folder, message: 'policy change rejected', diagnostics: event.diagnostics }),
    );
  });
  watcher.on('watch-error', ({ error }) => logger.logInternalError?.(`policy watcher: ${error.message}`, error));
}
