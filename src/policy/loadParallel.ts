/**
 * Loading many policy files on several threads. Parsing YAML is CPU-bound
 * (about 1.4 ms per 4 KB policy), so a large set loads faster when worker
 * threads take a share. This thread and the workers claim files one at a
 * time from a shared counter, so a slow starter (a fresh worker compiles the
 * schema first) simply takes fewer files. Anything a worker fails to deliver
 * — it did not start, crashed, sent something unexpected or went silent — is
 * loaded here afterwards, so the result is always complete and identical to
 * loading in this thread.
 */
import { existsSync } from 'node:fs';
import { availableParallelism } from 'node:os';
import { fileURLToPath } from 'node:url';
import { Worker } from 'node:worker_threads';
import { deepFreeze } from './freeze.js';
import type { PolicyLoadResult } from './parse.js';
import type { Policy } from './types.js';

/** What a worker receives. */
export interface WorkerData {
  readonly files: readonly string[];
  /** One Int32: the index of the next unclaimed file, shared by every thread. */
  readonly claims: SharedArrayBuffer;
}

/** What a worker posts: one result per file it claimed, then `done`. */
export type WorkerMessage =
  | {
      readonly type: 'result';
      readonly index: number;
      readonly result: PolicyLoadResult;
      readonly namePosition: { readonly line: number; readonly column: number } | null;
    }
  | { readonly type: 'done' };

/** How a parallel load went; on `PolicySetLoadResult.threads`. */
export interface PolicyLoadThreads {
  /** Worker threads that delivered every file they claimed (0: everything loaded in this thread). */
  readonly workers: number;
  /** Why workers were wanted but some or all did not help (their files were loaded in this thread), else null. */
  readonly fallback: string | null;
}

/** Options of {@link loadInParallel}. */
export interface ParallelLoadOptions {
  /** Worker threads to start. */
  readonly workers: number;
  /** The worker module. @default `./loadWorker.js` next to this module (exists only in the build). */
  readonly workerModule?: URL;
  /**
   * How long to wait for a silent worker once this thread has run out of files
   * before its files are loaded here instead. @default 30 000 ms
   */
  readonly idleTimeoutMs?: number;
}

/** Worker threads used by default for a large set: one per spare core, at most four. */
export function defaultWorkerCount(): number {
  return Math.max(0, Math.min(4, availableParallelism() - 1));
}

/** Files loaded at once in this thread while workers run. */
const MAIN_READ_CONCURRENCY = 8;

const DEFAULT_IDLE_TIMEOUT_MS = 30_000;

interface Position {
  readonly line: number;
  readonly column: number;
}

function isPosition(value: unknown): value is Position {
  const candidate = value as Position | null;
  return typeof candidate === 'object' && candidate !== null && Number.isInteger(candidate.line) && Number.isInteger(candidate.column);
}

/** A worker's result message, checked field by field: a worker is trusted no further than its messages. */
function resultMessage(value: unknown, fileCount: number): Extract<WorkerMessage, { type: 'result' }> | undefined {
  const message = value as Partial<Extract<WorkerMessage, { type: 'result' }>> | null;
  if (typeof message !== 'object' || message === null || message.type !== 'result') return undefined;
  const { index, result, namePosition } = message;
  if (typeof index !== 'number' || !Number.isInteger(index) || index < 0 || index >= fileCount) return undefined;
  if (typeof result !== 'object' || result === null || !Array.isArray(result.diagnostics)) return undefined;
  if (result.policy === null ? namePosition !== null : typeof result.policy !== 'object' || !isPosition(namePosition)) return undefined;
  return message as Extract<WorkerMessage, { type: 'result' }>;
}

interface WorkerOutcome {
  readonly delivered: boolean;
  readonly failure: string | null;
}

/**
 * Load `files` with `load` in this thread and `options.workers` worker
 * threads. Results are in `files` order. Workers are always terminated
 * before this resolves; it never rejects because of a worker.
 *
 * @example
 * const { results, threads } = await loadInParallel(files, loadPolicyFile, rememberNamePosition, { workers: 1 });
 */
export async function loadInParallel(
  files: readonly string[],
  load: (file: string) => Promise<PolicyLoadResult>,
  rememberNamePosition: (policy: Policy, position: Position) => void,
  options: ParallelLoadOptions,
): Promise<{ results: PolicyLoadResult[]; threads: PolicyLoadThreads }> {
  const results = new Array<PolicyLoadResult | undefined>(files.length);
  const workerModule = options.workerModule ?? new URL('./loadWorker.js', import.meta.url);
  const failures: string[] = [];
  const workers: Worker[] = [];
  const outcomes: Promise<WorkerOutcome>[] = [];
  const claims = new SharedArrayBuffer(Int32Array.BYTES_PER_ELEMENT);
  const counter = new Int32Array(claims);
  let lastProgress = Date.now();
  // Set once the wait is over: a late message from a worker being terminated changes nothing.
  let closed = false;

  if (options.workers > 0 && !existsSync(fileURLToPath(workerModule))) {
    // Running from TypeScript sources (tests): there is no compiled worker to start.
    failures.push(`the worker module ${fileURLToPath(workerModule)} does not exist (not built): loaded in this thread`);
  } else {
    for (let count = 0; count < options.workers; count++) {
      let worker: Worker;
      try {
        const data: WorkerData = { files, claims };
        worker = new Worker(workerModule, { workerData: data, stdout: false, stderr: false });
      } catch (error) {
        failures.push(`a worker could not start (${error instanceof Error ? error.message : String(error)})`);
        break;
      }
      workers.push(worker);
      outcomes.push(
        new Promise<WorkerOutcome>((resolve) => {
          const finish = (outcome: WorkerOutcome) => {
            worker.removeAllListeners('message');
            resolve(outcome);
          };
          worker.on('message', (value: unknown) => {
            if (closed) return undefined;
            lastProgress = Date.now();
            if ((value as WorkerMessage | null)?.type === 'done') return finish({ delivered: true, failure: null });
            const message = resultMessage(value, files.length);
            if (!message) return finish({ delivered: false, failure: 'a worker sent an unexpected message' });
            const { result, namePosition } = message;
            if (result.policy && namePosition) {
              // Cloning drops the freeze and the name position the duplicate check points at.
              deepFreeze(result.policy);
              rememberNamePosition(result.policy, namePosition);
            }
            results[message.index] = result;
            return undefined;
          });
          worker.on('messageerror', () => finish({ delivered: false, failure: 'a worker message could not be read' }));
          worker.on('error', (error) => finish({ delivered: false, failure: `a worker failed (${error.message})` }));
          worker.on('exit', (code) => finish({ delivered: false, failure: `a worker exited early (code ${code})` }));
        }),
      );
    }
  }

  // This thread claims files from the same counter as the workers.
  const claimAndLoad = async () => {
    for (;;) {
      const index = Atomics.add(counter, 0, 1);
      const file = files[index];
      if (file === undefined) return;
      results[index] = await load(file);
    }
  };
  await Promise.all(Array.from({ length: Math.min(MAIN_READ_CONCURRENCY, files.length) }, claimAndLoad));

  const settled = await settleOrGiveUp(outcomes, () => lastProgress, options.idleTimeoutMs ?? DEFAULT_IDLE_TIMEOUT_MS);
  closed = true;
  await Promise.all(workers.map((worker) => worker.terminate().catch(() => undefined)));
  for (const outcome of settled) if (outcome.failure !== null) failures.push(outcome.failure);

  // Files a failed worker claimed but never delivered.
  for (let index = 0; index < files.length; index++) {
    if (results[index] === undefined) results[index] = await load(files[index] as string);
  }
  const delivered = settled.filter((outcome) => outcome.delivered).length;
  return {
    results: results as PolicyLoadResult[],
    threads: { workers: delivered, fallback: failures.length > 0 ? [...new Set(failures)].join('; ') : null },
  };
}

/** Every outcome, or a failure for those still pending after `idleTimeoutMs` without any worker message. */
async function settleOrGiveUp(
  outcomes: readonly Promise<WorkerOutcome>[],
  lastProgress: () => number,
  idleTimeoutMs: number,
): Promise<WorkerOutcome[]> {
  const settled: (WorkerOutcome | undefined)[] = outcomes.map(() => undefined);
  const all = Promise.all(outcomes.map(async (outcome, index) => (settled[index] = await outcome)));
  let timer: NodeJS.Timeout | undefined;
  const silent = new Promise<'silent'>((resolve) => {
    const check = () => {
      const idle = Date.now() - lastProgress();
      if (idle >= idleTimeoutMs) resolve('silent');
      else timer = setTimeout(check, idleTimeoutMs - idle);
    };
    check();
  });
  try {
    await Promise.race([all, silent]);
  } finally {
    clearTimeout(timer);
  }
  const timedOut: WorkerOutcome = { delivered: false, failure: `a worker sent nothing for ${idleTimeoutMs} ms` };
  return settled.map((outcome) => outcome ?? timedOut);
}
