/**
 * The file-system side of hot reload: chokidar on one folder (and, when the
 * folder is a symlink, on its target), reduced to "a policy file may have
 * changed" callbacks. chokidar is imported when a watch starts.
 */
import { lstat, realpath } from 'node:fs/promises';
import path from 'node:path';
import type { FSWatcher } from 'chokidar';
import { CONFIG_MAP_DATA_LINK, createIgnoreMatcher, isPolicyFileName } from './policyFiles.js';

/** What a {@link FolderWatch} reports. */
export interface FolderWatchListener {
  /** Something relevant changed; `policyFile` is the policy file's path through the folder, when one was named. */
  change(policyFile: string | null): void;
  error(error: Error): void;
  /** The folder is a symlink and now points somewhere else. */
  retargeted(previous: string, target: string): void;
}

function isRelevantName(name: string): boolean {
  return isPolicyFileName(name) || name === CONFIG_MAP_DATA_LINK;
}

function asError(error: unknown): Error {
  return error instanceof Error ? error : new Error(String(error));
}

/**
 * Watches a policy folder. Create it with {@link FolderWatch.open}; it is
 * ready (initial scan done) when that resolves.
 *
 * @example
 * const folderWatch = await FolderWatch.open('/etc/detour/policies', {
 *   change: () => scheduler.signal(), error: console.error, retargeted: () => {},
 * });
 * await folderWatch.close();
 */
export class FolderWatch {
  readonly folder: string;
  readonly #listener: FolderWatchListener;
  /** The folders whose entries matter: the folder, and its target when it is a symlink. */
  readonly #roots = new Set<string>();
  #realFolder: string;
  /** Watches the folder's own entry in its parent, when the folder is a symlink. */
  #linkWatcher: FSWatcher | null = null;
  /** Watches the entries of the real folder. */
  #targetWatcher: FSWatcher | null = null;
  #retargeting: Promise<void> = Promise.resolve();
  #closed = false;

  private constructor(folder: string, listener: FolderWatchListener) {
    this.folder = folder;
    this.#realFolder = folder;
    this.#listener = listener;
  }

  /** Starts watching `folder` (absolute). Rejects when it is missing or not a folder. */
  static async open(folder: string, listener: FolderWatchListener): Promise<FolderWatch> {
    const folderWatch = new FolderWatch(folder, listener);
    try {
      await folderWatch.#start();
    } catch (error) {
      await folderWatch.close();
      throw error;
    }
    return folderWatch;
  }

  async close(): Promise<void> {
    this.#closed = true;
    const watchers = [this.#linkWatcher, this.#targetWatcher];
    this.#linkWatcher = null;
    this.#targetWatcher = null;
    await Promise.all(watchers.map((watcher) => watcher?.close()));
    await this.#retargeting;
  }

  async #start(): Promise<void> {
    const folderStats = await lstat(this.folder);
    this.#roots.add(this.folder);
    if (folderStats.isSymbolicLink()) {
      // chokidar, not following links, watches the link itself (so it sees the
      // link swapped) but not what is inside: the target is watched beside it.
      this.#realFolder = await realpath(this.folder);
      this.#roots.add(this.#realFolder);
      this.#linkWatcher = await this.#watch(this.folder);
    } else if (!folderStats.isDirectory()) {
      throw new Error('not a folder');
    }
    this.#targetWatcher = await this.#watch(this.#realFolder);
  }

  /** A chokidar watcher on one path, resolved once its initial scan is done. */
  async #watch(watchedPath: string): Promise<FSWatcher> {
    // Imported here, not with detour: only a watching process needs it.
    const { watch } = await import('chokidar');
    const chokidar = watch(watchedPath, {
      ignoreInitial: true,
      followSymlinks: false,
      depth: 0,
      // Every event means "reload the whole set", so chokidar's own
      // unlink-then-add grouping only adds latency.
      atomic: false,
      ignored: createIgnoreMatcher(this.#roots),
    });
    chokidar.on('all', (_event, changedPath) => this.#onEvent(path.resolve(changedPath)));
    // chokidar drops a second 'change' of a path within 50 ms of the first,
    // with no trailing event: a save right after a reload would be lost. The
    // raw fs.watch events are never throttled, so they are heard too.
    chokidar.on('raw', (_event, changedName, details) => this.#onRawEvent(changedName, details));
    chokidar.on('error', (error) => {
      if (!this.#closed) this.#listener.error(asError(error));
    });
    await new Promise<void>((resolve) => chokidar.once('ready', resolve));
    return chokidar;
  }

  #onRawEvent(changedName: string | null, details: unknown): void {
    const watchedPath = (details as { watchedPath?: unknown } | null)?.watchedPath;
    if (typeof watchedPath !== 'string' || !changedName) return;
    // A file's own watcher names the file; a folder's names the entry inside it.
    const candidate = path.basename(watchedPath) === changedName ? path.resolve(watchedPath) : path.resolve(watchedPath, changedName);
    if (this.#roots.has(candidate) || (this.#roots.has(path.dirname(candidate)) && isRelevantName(path.basename(candidate)))) {
      this.#onEvent(candidate);
    }
  }

  #onEvent(changed: string): void {
    if (this.#closed) return;
    if (changed === this.folder && this.#linkWatcher !== null) {
      this.#retargeting = this.#retargeting.then(() => this.#followFolderLink());
    }
    const name = path.basename(changed);
    this.#listener.change(isPolicyFileName(name) ? path.join(this.folder, name) : null);
  }

  /**
   * The folder is a symlink that may have been swapped: watch its new target,
   * and only once that watch is live stop watching the old one and ask for a
   * reload, so no edit made after that reload can go unheard.
   */
  async #followFolderLink(): Promise<void> {
    let target: string;
    try {
      target = await realpath(this.folder);
    } catch (error) {
      if (!this.#closed) this.#listener.error(new Error(`policy folder link ${this.folder} does not resolve: ${asError(error).message}`, { cause: error }));
      return;
    }
    const previous = this.#realFolder;
    if (target === previous || this.#closed) return;
    this.#roots.add(target);
    let next: FSWatcher;
    try {
      next = await this.#watch(target);
    } catch (error) {
      this.#roots.delete(target);
      if (!this.#closed) this.#listener.error(new Error(`cannot watch ${target}, the new target of ${this.folder}: ${asError(error).message}`, { cause: error }));
      return;
    }
    if (this.#closed) {
      await next.close();
      return;
    }
    const old = this.#targetWatcher;
    this.#targetWatcher = next;
    this.#realFolder = target;
    if (previous !== this.folder) this.#roots.delete(previous);
    await old?.close();
    this.#listener.retargeted(previous, target);
    this.#listener.change(null);
  }
}
