/**
 * Hot reload: a folder of policy files, watched; the whole set is reloaded on
 * every change and swapped in only when every file passed.
 */
import { EventEmitter } from 'node:events';
import path from 'node:path';
import type { PolicySource } from '../policy/types.js';
import type { PolicySetLoadResult } from '../policy/load.js';
import { loadPoliciesOffThread } from '../policy/loadOffThread.js';
import type { Diagnostic, PolicySet } from '../policy/types.js';
import { diffPolicySets } from './changes.js';
import type { PolicyWatcherEvents } from './events.js';
import { FolderWatch } from './FolderWatch.js';
import { formatDiagnostics } from './formatDiagnostics.js';
import { listPolicyFolder } from './policyFiles.js';
import { PolicyWatchError } from './PolicyWatchError.js';
import { ReloadScheduler, type ReloadSchedulerOptions } from './ReloadScheduler.js';

/** Where reloads and rejections are logged; `console` fits, so does the executor's logger. */
export interface WatchLogger {
  info(message: string, fields?: Readonly<Record<string, unknown>>): void;
  warn(message: string, fields?: Readonly<Record<string, unknown>>): void;
  error(message: string, fields?: Readonly<Record<string, unknown>>): void;
}

/** Options of {@link watchPolicies}. */
export interface PolicyWatcherOptions extends ReloadSchedulerOptions {
  /** Receives one line per reload, rejection and watch error. @default no logging */
  readonly logger?: WatchLogger;
  /**
   * Loads the listed files into a set. Override to add checks of your own;
   * keep the loader's contract (a null `set` whenever any file has an error).
   * @default loadPoliciesOffThread (`loadPolicies`, on a worker thread for large files)
   */
  readonly load?: (files: readonly string[]) => Promise<PolicySetLoadResult>;
}

/**
 * A load whose folder changed while it ran may mix old and new files; it is
 * dropped in favour of the reload already scheduled. Past this many drops in
 * a row (a folder that never goes quiet) the result is used anyway.
 */
const MAX_STALE_DISCARDS = 5;

type LoadOutcome =
  | { readonly kind: 'loaded'; readonly result: PolicySetLoadResult; readonly loadMs: number }
  | { readonly kind: 'failed'; readonly error: Error };

/**
 * Serves the last good policy set of a folder and follows its changes. Create
 * it with {@link watchPolicies}; hand it to `createExecutor({ policies: watcher })`.
 *
 * @example
 * const watcher = await watchPolicies('./policies', { logger: console });
 * watcher.on('policy-reloaded', ({ version, changes }) => console.log('now serving', version, changes));
 * watcher.on('policy-rejected', ({ message }) => console.error(message));
 * const policy = watcher.current().get('default');
 * await watcher.close();
 */
export class PolicyWatcher extends EventEmitter<PolicyWatcherEvents> implements PolicySource {
  /** The folder as configured (absolute). */
  readonly folder: string;
  readonly #logger: WatchLogger | null;
  readonly #load: (files: readonly string[]) => Promise<PolicySetLoadResult>;
  readonly #scheduler: ReloadScheduler;
  readonly #pendingFiles = new Set<string>();
  #set: PolicySet | null = null;
  #initialFailure: PolicyWatchError | null = null;
  #folderWatch: FolderWatch | null = null;
  #staleDiscards = 0;
  #closed = false;

  private constructor(folder: string, options: PolicyWatcherOptions) {
    super();
    this.folder = folder;
    this.#logger = options.logger ?? null;
    this.#load = options.load ?? ((files) => loadPoliciesOffThread(files));
    this.#scheduler = new ReloadScheduler(() => this.#reload(), options);
  }

  /** Use {@link watchPolicies}. */
  static async open(folder: string, options: PolicyWatcherOptions = {}): Promise<PolicyWatcher> {
    const absolute = path.resolve(folder);
    const watcher = new PolicyWatcher(absolute, options);
    try {
      watcher.#folderWatch = await FolderWatch.open(absolute, {
        change: (policyFile) => watcher.#onChange(policyFile),
        error: (error) => watcher.#reportWatchError(error),
        retargeted: (previous, target) => watcher.#log('info', `policy folder ${absolute} now points to ${target}`, { previous, target }),
      });
      await watcher.#scheduler.flush();
    } catch (error) {
      await watcher.close();
      throw new PolicyWatchError({ folder: absolute, message: `cannot watch policy folder ${absolute}: ${describe(error)}`, cause: error });
    }
    if (watcher.#set === null) {
      await watcher.close();
      throw watcher.#initialFailure ?? new PolicyWatchError({ folder: absolute, message: `policy folder ${absolute} did not load` });
    }
    return watcher;
  }

  /** The set new sessions pin: always the last one that passed every check. */
  current(): PolicySet {
    if (this.#set === null) throw new PolicyWatchError({ folder: this.folder, message: 'policy watcher has no policy set' });
    return this.#set;
  }

  /** True once `close()` was called. */
  get closed(): boolean {
    return this.#closed;
  }

  /** The running set's version. */
  get version(): string {
    return this.current().version;
  }

  /**
   * Reloads now, skipping the quiet period (e.g. on SIGHUP). Resolves once the
   * reload has run; its outcome arrives as the usual event.
   *
   * @example
   * process.on('SIGHUP', () => void watcher.reload());
   */
  async reload(): Promise<void> {
    await this.#scheduler.flush();
  }

  /** Stops watching. The last good set stays readable through `current()`. Idempotent. */
  async close(): Promise<void> {
    if (this.#closed) return;
    this.#closed = true;
    this.#scheduler.stop();
    const folderWatch = this.#folderWatch;
    this.#folderWatch = null;
    await folderWatch?.close();
    await this.#scheduler.idle();
  }

  #onChange(policyFile: string | null): void {
    if (this.#closed) return;
    if (policyFile !== null) this.#pendingFiles.add(policyFile);
    this.#scheduler.signal();
  }

  async #loadFolder(): Promise<LoadOutcome> {
    const started = performance.now();
    try {
      const files = await listPolicyFolder(this.folder);
      const result = await this.#load(files);
      return { kind: 'loaded', result, loadMs: performance.now() - started };
    } catch (error) {
      return { kind: 'failed', error: error instanceof Error ? error : new Error(String(error)) };
    }
  }

  async #reload(): Promise<void> {
    const files = [...this.#pendingFiles].sort();
    this.#pendingFiles.clear();
    const outcome = await this.#loadFolder();
    if (this.#closed) return;
    const initial = this.#set === null;

    if (!initial && this.#scheduler.signalsDuringRun > 0 && this.#staleDiscards < MAX_STALE_DISCARDS) {
      // Files changed while they were read: the next reload is already scheduled.
      this.#staleDiscards += 1;
      for (const file of files) this.#pendingFiles.add(file);
      return;
    }
    this.#staleDiscards = 0;

    if (outcome.kind === 'failed') {
      if (initial) {
        this.#initialFailure = new PolicyWatchError({
          folder: this.folder,
          message: `cannot load policy folder ${this.folder}: ${outcome.error.message}`,
          cause: outcome.error,
        });
        return;
      }
      this.#reportWatchError(new Error(`cannot reload policy folder ${this.folder}: ${outcome.error.message}; still serving ${this.#set?.version}`, { cause: outcome.error }));
      return;
    }

    const { result, loadMs } = outcome;
    const errors = result.diagnostics.filter((diagnostic) => diagnostic.severity === 'error');
    if (result.set === null || errors.length > 0) {
      this.#reject(errors.length > 0 ? errors : result.diagnostics, files, initial);
      return;
    }
    const previous = this.#set;
    if (previous !== null && previous.version === result.set.version) return;
    this.#set = result.set;
    const warnings = result.diagnostics.filter((diagnostic) => diagnostic.severity === 'warning');
    if (warnings.length > 0) {
      this.#log('warn', `policy warnings in ${this.folder} (version ${result.set.version} serves anyway):\n${formatDiagnostics(warnings, true)}`, { warnings: warnings.length });
    }
    if (previous === null) {
      this.#log('info', `policies loaded from ${this.folder}: version ${result.set.version}`, {
        version: result.set.version,
        names: [...result.set.policies.keys()].sort(),
      });
      return;
    }
    const changes = diffPolicySets(previous, result.set);
    const event = {
      names: [...result.set.policies.keys()].sort(),
      previousVersion: previous.version,
      version: result.set.version,
      changes,
      warnings,
      files,
      loadMs,
    };
    this.#log('info', `policies reloaded from ${this.folder}: ${previous.version} -> ${result.set.version}`, {
      previousVersion: previous.version,
      version: result.set.version,
      added: changes.added,
      removed: changes.removed,
      changed: changes.changed,
    });
    this.#emitSafely('policy-reloaded', event);
  }

  #reject(diagnostics: readonly Diagnostic[], files: readonly string[], initial: boolean): void {
    const message = formatDiagnostics(diagnostics) || `policy folder ${this.folder} failed to load`;
    if (initial) {
      this.#initialFailure = new PolicyWatchError({
        folder: this.folder,
        message: `policy folder ${this.folder} is invalid (${diagnostics.length} problem${diagnostics.length === 1 ? '' : 's'})`,
        diagnostics,
      });
      return;
    }
    const runningVersion = this.#set?.version ?? '';
    this.#log('warn', `policy change rejected, still serving ${runningVersion}:\n${message}`, { runningVersion, problems: diagnostics.length });
    this.#emitSafely('policy-rejected', { diagnostics, runningVersion, message, files });
  }

  #reportWatchError(error: Error): void {
    if (this.#closed) return;
    this.#log('error', `policy watcher error: ${error.message}`, { folder: this.folder });
    this.#emitSafely('watch-error', { error });
  }

  #emitSafely<Name extends keyof PolicyWatcherEvents>(name: Name, ...payload: PolicyWatcherEvents[Name]): void {
    // Each listener is called on its own: one that throws must neither stop the
    // watcher nor keep the listeners after it from hearing the event.
    for (const listener of this.rawListeners(name) as ((...args: PolicyWatcherEvents[Name]) => void)[]) {
      try {
        listener.apply(this, payload);
      } catch (error) {
        this.#log('error', `a '${name}' listener threw: ${describe(error)}`, {});
      }
    }
  }

  #log(level: keyof WatchLogger, message: string, fields: Readonly<Record<string, unknown>>): void {
    try {
      this.#logger?.[level](message, fields);
    } catch {
      // Logging never breaks a reload.
    }
  }
}

function describe(error: unknown): string {
  return error instanceof Error ? error.message : String(error);
}

/**
 * Watches a folder of policy files and serves its last good set. Resolves once
 * the initial set has loaded; rejects with a {@link PolicyWatchError} listing
 * every `file:line:col` when the folder's initial set is invalid (a service
 * should not start on a broken policy), or when the folder cannot be watched.
 *
 * Only `*.yaml` / `*.yml` files directly in the folder count; names starting
 * with a dot (editor swap files, rename-save temporaries) are ignored.
 *
 * @example
 * const watcher = await watchPolicies('./policies', { logger: console });
 * const executor = createExecutor({ policies: watcher });
 * // …
 * await executor.close(); // or watcher.close()
 */
export function watchPolicies(folder: string, options: PolicyWatcherOptions = {}): Promise<PolicyWatcher> {
  return PolicyWatcher.open(folder, options);
}
