/**
 * The shared state store on Redis (`detour-llm/redis`), against a hermetic
 * redis-server of its own (redis-server on the PATH; REDIS_URL is not used so
 * the figures never depend on a remote server):
 * (a) success-path cost: executor.generate with RedisStateStore vs the
 *     in-memory store, interleaved session by session, in one process; the
 *     workload touches a sticky group, a circuit breaker and the live
 *     statistics on every session;
 * (b) propagation: a cooldown set in this process, seen by a child process
 *     polling its local copy: p50 / p99 of the delay;
 * (c) throughput: sessions per second of three processes sharing one Redis
 *     vs one process alone (on Redis, and in memory).
 *
 * `npm run bench -- redis` (BENCH_REDIS_SESSIONS: sessions per store in (a),
 * default 20000; BENCH_REDIS_COOLDOWNS: cooldowns in (b), default 300).
 */
import { fork } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { fileURLToPath } from 'node:url';
import { InMemoryStateStore } from '../src/executor/InMemoryStateStore.js';
import { RedisStateStore } from '../src/redis/index.js';
import { startRedis, uniquePrefix } from './redis-server.js';
import { benchExecutor, benchSession } from './redis-workload.js';
import { percentile } from './types.js';
import type { BenchResult } from './types.js';

export const title = 'redis state store';

const SESSIONS = Number(process.env['BENCH_REDIS_SESSIONS'] ?? 20_000);
const COOLDOWNS = Number(process.env['BENCH_REDIS_COOLDOWNS'] ?? 300);
const replicaScript = fileURLToPath(new URL('./redis-replica.js', import.meta.url));

interface Replica {
  readonly child: ChildProcess;
  start(): void;
  next(): Promise<Record<string, number>>;
  stop(): Promise<void>;
}

async function replica(env: Record<string, string>): Promise<Replica> {
  const child = fork(replicaScript, [], { env: { ...process.env, ...env }, stdio: ['ignore', 'inherit', 'inherit', 'ipc'] });
  const queue: Record<string, number>[] = [];
  const waiting: ((message: Record<string, number>) => void)[] = [];
  child.on('message', (message: Record<string, number>) => {
    const wake = waiting.shift();
    if (wake !== undefined) wake(message);
    else queue.push(message);
  });
  const next = (): Promise<Record<string, number>> => {
    const ready = queue.shift();
    return ready !== undefined ? Promise.resolve(ready) : new Promise((resolve) => waiting.push(resolve));
  };
  await next();
  return {
    child,
    start: () => child.send({ type: 'start' }),
    next,
    stop: () =>
      new Promise((resolve) => {
        child.once('exit', () => resolve());
        child.send({ type: 'stop' });
      }),
  };
}

async function successPath(url: string): Promise<BenchResult[]> {
  const redisStore = new RedisStateStore({ url, prefix: uniquePrefix(), log: () => {} });
  await redisStore.ready();
  const memory = benchExecutor(new InMemoryStateStore());
  const shared = benchExecutor(redisStore);
  const times = { memory: [] as number[], redis: [] as number[] };
  const warmup = Math.min(2000, SESSIONS / 5);
  for (let index = 0; index < SESSIONS + warmup; index++) {
    const order = index % 2 === 0 ? (['memory', 'redis'] as const) : (['redis', 'memory'] as const);
    for (const which of order) {
      const started = performance.now();
      await benchSession(which === 'memory' ? memory : shared, index);
      if (index >= warmup) times[which].push((performance.now() - started) * 1000);
    }
  }
  await memory.close();
  await shared.close();
  await redisStore.close();
  const memoryMedian = percentile(times.memory, 50);
  const redisMedian = percentile(times.redis, 50);
  return [
    { name: 'session, RedisStateStore, median', value: redisMedian, unit: 'µs', baseline: { name: 'InMemoryStateStore', value: memoryMedian } },
    { name: 'added by RedisStateStore, median', value: redisMedian - memoryMedian, unit: 'µs', aim: '< 5 µs' },
    { name: 'session, RedisStateStore, p99', value: percentile(times.redis, 99), unit: 'µs', baseline: { name: 'InMemoryStateStore', value: percentile(times.memory, 99) } },
  ];
}

async function propagation(url: string): Promise<BenchResult[]> {
  const prefix = uniquePrefix();
  const watcher = await replica({ MODE: 'watch', BENCH_REDIS_URL: url, PREFIX: prefix });
  const store = new RedisStateStore({ url, prefix, log: () => {} });
  await store.ready();
  watcher.start();
  const delays: number[] = [];
  for (let index = 0; index < COOLDOWNS; index++) {
    const sent = performance.timeOrigin + performance.now();
    store.setCooldown(`bench/m${index}`, Date.now() + 60_000);
    const seen = await watcher.next();
    delays.push((seen['at'] ?? sent) - sent);
    await new Promise((resolve) => setTimeout(resolve, 2));
  }
  await watcher.stop();
  await store.close();
  return [
    { name: 'cooldown seen by another process, p50', value: percentile(delays, 50), unit: 'ms' },
    { name: 'cooldown seen by another process, p99', value: percentile(delays, 99), unit: 'ms', aim: '< 50 ms' },
  ];
}

async function throughput(url: string): Promise<BenchResult[]> {
  const run = async (count: number, store: 'redis' | 'memory'): Promise<number> => {
    const prefix = uniquePrefix();
    const replicas = await Promise.all(Array.from({ length: count }, () => replica({ MODE: 'load', STORE: store, BENCH_REDIS_URL: url, PREFIX: prefix, DURATION_MS: '3000' })));
    for (const each of replicas) each.start();
    const reports = await Promise.all(replicas.map((each) => each.next()));
    await Promise.all(replicas.map((each) => each.stop()));
    return reports.reduce((sum, report) => sum + (report['sessions'] ?? 0) / (report['seconds'] ?? 1), 0);
  };
  const one = await run(1, 'redis');
  const three = await run(3, 'redis');
  const alone = await run(1, 'memory');
  return [
    { name: 'sessions/s, three processes on one Redis', value: three, unit: '/s', baseline: { name: 'one process on Redis', value: one } },
    { name: 'sessions/s, one process in memory', value: alone, unit: '/s', note: 'the machine has few cores: three processes share them' },
  ];
}

export async function run(): Promise<BenchResult[]> {
  const redis = await startRedis({ own: true });
  try {
    return [...(await successPath(redis.url)), ...(await propagation(redis.url)), ...(await throughput(redis.url))];
  } finally {
    await redis.stop();
  }
}
