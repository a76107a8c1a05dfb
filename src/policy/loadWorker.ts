/**
 * Worker-thread entry of the parallel loader (`loadParallel.ts`): claims
 * files from the shared counter, loads each with `loadPolicyFile` and posts
 * every result back with its index. Started only from the build
 * (`dist/src/policy/loadWorker.js`); it is not part of the public API.
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadPolicyFile } from './load.js';
import { namePosition } from './parse.js';
import type { WorkerData, WorkerMessage } from './loadParallel.js';

/** Files one worker reads at once: enough to hide a stat and a read behind the parse of another. */
const WORKER_READ_CONCURRENCY = 4;

async function claimAndLoad(port: NonNullable<typeof parentPort>, data: WorkerData): Promise<void> {
  const claims = new Int32Array(data.claims);
  for (;;) {
    const index = Atomics.add(claims, 0, 1);
    const file = data.files[index];
    if (file === undefined) return;
    const result = await loadPolicyFile(file);
    // The name's position lives in a WeakMap that cloning cannot carry: send it along.
    const message: WorkerMessage = {
      type: 'result',
      index,
      result,
      namePosition: result.policy ? namePosition(result.policy) : null,
    };
    port.postMessage(message);
  }
}

async function main(): Promise<void> {
  const port = parentPort;
  if (!port) return;
  const data = workerData as WorkerData;
  await Promise.all(Array.from({ length: WORKER_READ_CONCURRENCY }, () => claimAndLoad(port, data)));
  const done: WorkerMessage = { type: 'done' };
  port.postMessage(done);
}

await main();
