/**
 * A child process of the Redis benchmarks (not a benchmark itself): either
 * watches for cooldowns another process sets (`watch`), or runs sessions for
 * a while and reports how many (`load`). Talks to its parent over IPC.
 */
import { InMemoryStateStore } from '../src/executor/InMemoryStateStore.js';
import type { StateStore } from '../src/executor/StateStore.js';
import { RedisStateStore } from '../src/redis/index.js';
import { benchExecutor, benchSession } from './redis-workload.js';

const env = process.env;
const send = (message: unknown): void => void process.send?.(message);

async function watch(store: StateStore): Promise<void> {
  let index = 0;
  const poll = (): void => {
    if (store.cooldownUntil(`bench/m${index}`, Date.now()) !== null) {
      send({ index, at: performance.timeOrigin + performance.now() });
      index++;
    }
    setImmediate(poll);
  };
  poll();
}

async function load(store: StateStore): Promise<void> {
  const executor = benchExecutor(store);
  const durationMs = Number(env['DURATION_MS'] ?? 3000);
  const concurrency = Number(env['CONCURRENCY'] ?? 20);
  let sessions = 0;
  const end = Date.now() + durationMs;
  const worker = async (offset: number): Promise<void> => {
    for (let user = offset; Date.now() < end; user += concurrency) {
      await benchSession(executor, user);
      sessions++;
    }
  };
  await Promise.all(Array.from({ length: concurrency }, (_, offset) => worker(offset)));
  await executor.close();
  send({ sessions, seconds: durationMs / 1000 });
}

const store: StateStore =
  env['STORE'] === 'memory' ? new InMemoryStateStore() : new RedisStateStore({ url: env['BENCH_REDIS_URL'] ?? '', prefix: env['PREFIX'] ?? 'bench', log: () => {} });
if (store instanceof RedisStateStore) await store.ready();
process.on('message', (message: { type: string }) => {
  if (message.type === 'start') void (env['MODE'] === 'watch' ? watch(store) : load(store));
  if (message.type === 'stop') void Promise.resolve(store.close?.()).finally(() => process.exit(0));
});
send({ ready: true });
