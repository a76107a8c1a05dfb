/**
 * Replica processes for the multi-process tests (test/redis/replica.mjs, on
 * the built package: `npm test` builds first).
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';

export interface ReplicaSession {
  readonly model: string | null;
  readonly error?: string;
  readonly attempts: readonly { readonly model: string; readonly startedAt: number; readonly outcome: string }[];
}

export interface RunRequest {
  readonly policy: string;
  readonly count?: number;
  readonly durationMs?: number;
  readonly concurrency?: number;
  readonly users?: readonly string[];
}

export interface Replica {
  run(request: RunRequest): Promise<ReplicaSession[]>;
  /** Until when the replica's store has `key` (`policy/model`) cooling down, as its sessions would see it now; null: not cooling. */
  cooldownUntil(key: string): Promise<number | null>;
  /** The value the replica's store holds under `key` (e.g. a sticky choice), as its sessions would read it now; null: none. */
  storedValue(key: string): Promise<string | null>;
  close(): Promise<void>;
}

/** A replica's answer: the sessions of a run, or what its store holds. */
interface Answer {
  readonly sessions: ReplicaSession[];
  readonly until: number | null;
  readonly value: string | null;
}

const SCRIPT = fileURLToPath(new URL('./replica.mjs', import.meta.url));

export async function startReplica(env: { redisUrl: string; prefix: string; simulatorUrl: string; policies: readonly string[] }): Promise<Replica> {
  const child: ChildProcess = fork(SCRIPT, [], {
    env: { ...process.env, REDIS_URL_FOR_REPLICA: env.redisUrl, PREFIX: env.prefix, SIMULATOR_URL: env.simulatorUrl, POLICIES: JSON.stringify(env.policies) },
    stdio: ['ignore', 'inherit', 'inherit', 'ipc'],
  });
  await new Promise<void>((resolve, reject) => {
    child.once('exit', (code) => reject(new Error(`replica exited with ${code} before it was ready`)));
    child.once('message', () => resolve());
  });
  child.removeAllListeners('exit');
  let nextId = 0;
  const waiting = new Map<number, (answer: Answer) => void>();
  child.on('message', (message: Answer & { id: number }) => waiting.get(message.id)?.(message));
  const ask = (request: Record<string, unknown>): Promise<Answer> =>
    new Promise((resolve) => {
      const id = ++nextId;
      waiting.set(id, resolve);
      child.send({ id, ...request });
    });
  return {
    run: async (request) => (await ask({ type: 'run', ...request })).sessions,
    cooldownUntil: async (key) => (await ask({ type: 'cooldown', key })).until,
    storedValue: async (key) => (await ask({ type: 'value', key })).value,
    close: () =>
      new Promise((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.send({ type: 'close' });
      }),
  };
}

export async function startReplicas(count: number, env: Parameters<typeof startReplica>[0]): Promise<Replica[]> {
  return Promise.all(Array.from({ length: count }, () => startReplica(env)));
}
