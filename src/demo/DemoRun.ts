/**
 * The demo's traffic: a few hundred requests, evenly spaced over the run,
 * at most `concurrency` in flight, through one executor whose providers all
 * point at the in-process simulator. Every finished session is kept for the
 * summary.
 */
import { setTimeout as sleep } from 'node:timers/promises';
import { createExecutor } from '../executor/createExecutor.js';
import { type Executor } from '../executor/Executor.js';
import type { PolicySet } from '../policy/types.js';
import type { AdapterSource } from '../providers/factory.js';
import { mulberry32 } from '../rules/random.js';
import type { FallbackSession } from '../stats/FallbackSession.js';
import type { FallbackStatsSnapshot } from '../stats/FallbackStats.js';
import type { TelemetryHooks } from '../telemetry/hooks.js';

/** Counters the progress display reads while the run goes on. */
export interface DemoProgress {
  readonly total: number;
  readonly sent: number;
  readonly answered: number;
  readonly failed: number;
  readonly elapsedMs: number;
}

export interface DemoTrafficOptions {
  readonly policies: PolicySet;
  readonly policy: string;
  readonly factory: AdapterSource;
  /** @default 300 */
  readonly requests?: number;
  /** Over how long the requests are spread, in ms. @default 15000 */
  readonly durationMs?: number;
  /** Most requests in flight at once; a request due while all slots are busy waits. @default 32 */
  readonly concurrency?: number;
  /** Seeds the executor's jitter and random choices. @default 7 */
  readonly seed?: number;
  readonly telemetry?: TelemetryHooks;
  /** Called after every request is sent and every session ends. */
  readonly onProgress?: (progress: DemoProgress) => void;
  /** Stops sending; sessions in flight are aborted. */
  readonly signal?: AbortSignal;
}

/** What the run produced. */
export interface DemoTraffic {
  /** Every session that ended, in the order they ended. */
  readonly sessions: readonly FallbackSession[];
  readonly stats: FallbackStatsSnapshot;
  /** Epoch ms when the first request was due. */
  readonly startedAt: number;
  readonly durationMs: number;
  readonly elapsedMs: number;
  readonly interrupted: boolean;
  /** Sessions cut short by the interruption: neither answered nor failed. */
  readonly interruptedRequests: number;
}

const PROMPTS = [
  'Summarise the incident report in two sentences',
  'Translate "the build is green" into French',
  'Suggest a name for a fallback engine',
  'Write a haiku about retries',
  'List three causes of HTTP 429',
];

/**
 * Send the requests and wait for every session to end. Never rejects for a
 * failed session: failures are part of the picture.
 *
 * @example
 * const traffic = await driveDemoTraffic({ policies: set, policy: 'demo', factory, requests: 60, durationMs: 3000 });
 * traffic.stats.successRate; // e.g. 1
 */
export async function driveDemoTraffic(options: DemoTrafficOptions): Promise<DemoTraffic> {
  const total = options.requests ?? 300;
  const durationMs = options.durationMs ?? 15_000;
  const concurrency = Math.max(1, options.concurrency ?? 32);
  const sessions: FallbackSession[] = [];
  const executor: Executor = await createExecutor({
    policies: options.policies,
    factory: options.factory,
    random: mulberry32(options.seed ?? 7),
    historySize: 1,
    ...(options.telemetry === undefined ? {} : { telemetry: options.telemetry }),
    logger: {
      logSessionSucceeded: (session) => void sessions.push(session),
      logSessionFailed: (session) => void sessions.push(session),
    },
  });
  const startedAt = Date.now();
  let sent = 0;
  let answered = 0;
  let failed = 0;
  let interruptedRequests = 0;
  const report = (): void => options.onProgress?.({ total, sent, answered, failed, elapsedMs: Date.now() - startedAt });
  const inFlight = new Set<Promise<void>>();
  const signal = options.signal;
  const aborted = (): boolean => signal?.aborted === true;
  const stop = (): void => void executor.close();
  signal?.addEventListener('abort', stop, { once: true });
  try {
    for (let index = 0; index < total && !aborted(); index++) {
      const due = startedAt + (index * durationMs) / total;
      const wait = due - Date.now();
      if (wait > 0) await sleep(wait, undefined, signal === undefined ? {} : { signal }).catch(() => undefined);
      while (inFlight.size >= concurrency && !aborted()) await Promise.race(inFlight);
      if (aborted()) break;
      const request = executor
        .generate({
          policy: options.policy,
          messages: [{ role: 'user', content: `${PROMPTS[index % PROMPTS.length]} (#${index + 1})` }],
          metadata: { demo_request: index + 1 },
        })
        .then(
          () => void answered++,
          () => {
            if (aborted()) interruptedRequests++;
            else failed++;
          },
        )
        .finally(() => {
          inFlight.delete(request);
          report();
        });
      inFlight.add(request);
      sent++;
      report();
    }
    await Promise.all(inFlight);
  } finally {
    signal?.removeEventListener('abort', stop);
    await executor.close();
  }
  return {
    sessions,
    stats: executor.stats(),
    startedAt,
    durationMs,
    elapsedMs: Date.now() - startedAt,
    interrupted: aborted(),
    interruptedRequests,
  };
}
