/**
 * Redis failing never fails a request: killed mid-run, restarted, paused with
 * DEBUG SLEEP, the executor keeps answering from its local state, says so in
 * `health()`, and resyncs when Redis is back.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { RedisStateStore } from '../../src/redis/index.js';
import type { Simulator } from '../../src/simulator/index.js';
import { simulatedExecutor, simulator, yamlPolicy } from '../executor/simulated.js';
import { COOL_DOWN_A_ON_503, eventually, startRedis, uniquePrefix } from './redisServer.js';
import type { TestRedis } from './redisServer.js';

let redis: TestRedis;
let sim: Simulator;

beforeAll(async () => {
  redis = await startRedis({ own: true });
  sim = await simulator({ models: { 'gpt-a': { faults: [{ type: 'service_unavailable' }] } } });
});
afterAll(async () => {
  await sim.close();
  await redis.stop();
});

const POLICY = yamlPolicy(COOL_DOWN_A_ON_503);

/** An executor on a Redis store that logs (slow commands from 200 ms), and a second replica's store on the same keys. */
async function twoReplicas() {
  const prefix = uniquePrefix();
  const logs: string[] = [];
  const store = new RedisStateStore({ url: redis.url, prefix, log: (message) => logs.push(message), slowMs: 200 });
  const other = new RedisStateStore({ url: redis.url, prefix, log: () => {} });
  await Promise.all([store.ready(), other.ready()]);
  return { logs, store, other, executor: simulatedExecutor(sim, POLICY, { stateStore: store }) };
}

test('Redis killed, restarted and paused mid-run: no request fails, health says so, state resyncs', async () => {
  const { logs, store, other, executor } = await twoReplicas();
  const run = async (count: number): Promise<void> => {
    for (let index = 0; index < count; index++) {
      const result = await executor.generate({ policy: 'default', messages: [{ role: 'user', content: 'hi' }] });
      expect(result.model).toBe('b');
    }
  };
  await run(3);
  expect(executor.health().stateStore).toMatchObject({ store: 'redis', state: 'ok' });

  // Forget what was shared so far: the other replica can only learn of what follows through the resync.
  await redis.cli('FLUSHALL');
  other.clear();
  await redis.kill();
  await eventually(() => executor.health().stateStore.state === 'degraded', 'health to report the outage');
  await run(20);
  expect(logs.filter((line) => line.includes('unreachable'))).toHaveLength(1);
  // A cooldown decided while Redis is away…
  store.clear();
  await run(1);
  expect(store.cooldownUntil('default/a', Date.now())).not.toBeNull();

  await redis.restart();
  await eventually(() => executor.health().stateStore.state === 'ok', 'the store to reconnect', 10_000);
  // …reaches the other replica once Redis is back (it resynced from this one).
  await eventually(async () => {
    await other.flush();
    return other.cooldownUntil('default/a', Date.now()) !== null;
  }, 'the cooldown to be replayed to Redis and heard by the other replica', 10_000);
  await run(3);

  const sleeping = redis.cli('DEBUG', 'SLEEP', '1');
  store.setCooldown('default/c', Date.now() + 60_000);
  await eventually(() => executor.health().stateStore.state === 'degraded', 'health to report the pause');
  await run(10);
  await sleeping;
  await eventually(() => executor.health().stateStore.state === 'ok', 'the store to answer again');
  await run(3);
  expect(executor.stats().failedSessions).toBe(0);
  await executor.close();
  await store.close();
  await other.close();
}, 30_000);

test('a pause longer than the client\'s command timeout: degraded while it lasts, then back and resynced', async () => {
  const { store, other, executor } = await twoReplicas();
  const sleeping = redis.cli('DEBUG', 'SLEEP', '6');
  await eventually(() => executor.health().stateStore.state === 'degraded', 'health to report the pause');
  for (let index = 0; index < 5; index++) expect((await executor.generate({ policy: 'default', messages: [{ role: 'user', content: 'hi' }] })).model).toBe('b');
  await sleeping;
  await eventually(() => executor.health().stateStore.state === 'ok', 'the store to answer again', 15_000);
  // The cooldown the sessions set during the pause was replayed: the other replica has it.
  await eventually(() => other.cooldownUntil('default/a', Date.now()) !== null, 'the cooldown to reach the other replica', 15_000);
  expect(executor.stats().failedSessions).toBe(0);
  await executor.close();
  await store.close();
  await other.close();
}, 60_000);
