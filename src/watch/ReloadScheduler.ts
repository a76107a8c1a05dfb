/**
 * Turns a stream of "something on disk may have changed" signals into as few
 * reloads as possible, without ever running two at once.
 *
 * - A burst of signals (an editor's save, `git checkout`, a ConfigMap swap)
 *   runs the task once, `quietMs` after the last signal of the burst.
 * - A stream of signals that never goes quiet still runs the task every
 *   `maxWaitMs`, so a busy folder cannot starve reloads.
 * - A signal that arrives while the task runs schedules exactly one more run,
 *   however many signals arrive.
 */

/** Timing of a {@link ReloadScheduler}. */
export interface ReloadSchedulerOptions {
  /**
   * How long the folder must stay quiet before the task runs, in ms.
   * @default 30
   */
  readonly quietMs?: number;
  /**
   * The longest a signal waits for its run while signals keep coming, in ms.
   * @default 300
   */
  readonly maxWaitMs?: number;
}

export const DEFAULT_QUIET_MS = 30;
export const DEFAULT_MAX_WAIT_MS = 300;

/**
 * Debounces and serialises one asynchronous task.
 *
 * @example
 * const scheduler = new ReloadScheduler(() => reloadEverything(), { quietMs: 30 });
 * watcher.on('all', () => scheduler.signal());
 * // later
 * scheduler.stop();
 */
export class ReloadScheduler {
  readonly #task: () => Promise<void>;
  readonly #quietMs: number;
  readonly #maxWaitMs: number;
  #timer: ReturnType<typeof setTimeout> | null = null;
  #firstSignalAt: number | null = null;
  #running: Promise<void> | null = null;
  #runAgain = false;
  #stopped = false;
  /** Signals seen since the current run started; the task reads it to know its snapshot may be stale. */
  #signalsDuringRun = 0;

  constructor(task: () => Promise<void>, options: ReloadSchedulerOptions = {}) {
    this.#task = task;
    this.#quietMs = Math.max(0, options.quietMs ?? DEFAULT_QUIET_MS);
    this.#maxWaitMs = Math.max(this.#quietMs, options.maxWaitMs ?? DEFAULT_MAX_WAIT_MS);
  }

  /** True while the task runs. */
  get running(): boolean {
    return this.#running !== null;
  }

  /** How many signals arrived since the running task started (0 when idle). */
  get signalsDuringRun(): number {
    return this.#signalsDuringRun;
  }

  /** Something changed: run the task once things go quiet. */
  signal(): void {
    if (this.#stopped) return;
    if (this.#running) this.#signalsDuringRun += 1;
    const now = Date.now();
    this.#firstSignalAt ??= now;
    if (this.#timer) clearTimeout(this.#timer);
    const waited = now - this.#firstSignalAt;
    const delay = Math.max(0, Math.min(this.#quietMs, this.#maxWaitMs - waited));
    this.#timer = setTimeout(() => this.#fire(), delay);
  }

  /**
   * Run the task now (or right after the running one), skipping the quiet
   * period. Resolves when that run has finished.
   */
  async flush(): Promise<void> {
    if (this.#stopped) return;
    if (this.#timer) {
      clearTimeout(this.#timer);
      this.#timer = null;
    }
    this.#firstSignalAt = null;
    if (this.#running) {
      this.#runAgain = true;
      await this.#running;
      // The rerun started synchronously when the previous run ended.
      const rerun = this.#running as Promise<void> | null;
      if (rerun) await rerun;
      return;
    }
    await this.#start();
  }

  /** Cancels the pending run; a running task finishes, and nothing starts after it. */
  stop(): void {
    this.#stopped = true;
    if (this.#timer) clearTimeout(this.#timer);
    this.#timer = null;
  }

  /** Resolves once no task is running. */
  async idle(): Promise<void> {
    while (this.#running) await this.#running;
  }

  #fire(): void {
    this.#timer = null;
    this.#firstSignalAt = null;
    if (this.#stopped) return;
    if (this.#running) {
      this.#runAgain = true;
      return;
    }
    void this.#start();
  }

  #start(): Promise<void> {
    this.#signalsDuringRun = 0;
    const run = (async () => {
      try {
        await this.#task();
      } catch {
        // The task reports its own failures; a throw must not stop later reloads.
      }
    })();
    this.#running = run.finally(() => {
      this.#running = null;
      if (this.#runAgain && !this.#stopped) {
        this.#runAgain = false;
        void this.#start();
      }
    });
    return this.#running;
  }
}
