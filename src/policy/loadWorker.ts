/**
 * The worker side of {@link loadPoliciesOffThread}: loads the files it is
 * given and posts the result back (policies are plain data, so they survive
 * the structured clone).
 */
import { parentPort, workerData } from 'node:worker_threads';
import { loadPolicies } from './load.js';

const { files } = workerData as { readonly files: readonly string[] };
const result = await loadPolicies(files);
parentPort?.postMessage({ files: result.files, diagnostics: result.diagnostics });
