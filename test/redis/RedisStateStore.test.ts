import { afterAll, beforeAll, expect, test } from 'vitest';
import { createClient } from 'redis';
import { RedisStateStore } from '../../src/redis/index.js';
import type { TripRule } from '../../src/executor/StateStore.js';
import { eventually, startRedis, uniquePrefix } from './redisServer.js';
import type { TestRedis } from './redisServer.js';

let redis: TestRedis;
const stores: RedisStateStore[] = [];

beforeAll(async () => {
  redis = await startRedis();
});
afterAll(async () => {
  await Promise.all(stores.map((store) => store.close()));
  await redis.stop();
});

async function replicas(count: number, prefix = uniquePrefix()): Promise<RedisStateStore[]> {
  const made = Array.from({ length: count }, () => new RedisStateStore({ url: redis.url, prefix, log: () => {} }));
  stores.push(...made);
  await Promise.all(made.map((store) => store.ready()));
  return made;
}

const BREAKER: TripRule = { windowMs: 10_000, minRequests: 4, minFailures: 1, failureRate: 0.5, openForMs: 1000, probes: 2 };

test('a cooldown set by one replica is honoured by the others, and a later one wins', async () => {
  const [a, b, c] = await replicas(3);
  const now = Date.now();
  a!.setCooldown('p/m', now + 60_000);
  await eventually(() => b!.cooldownUntil('p/m', now) === now + 60_000 && c!.cooldownUntil('p/m', now) === now + 60_000, 'the cooldown to reach b and c');
  b!.setCooldown('p/m', now + 30_000);
  await b!.flush();
  expect(a!.cooldownUntil('p/m', now)).toBe(now + 60_000);
});

test('failures from several replicas open the breaker once, and half-open lets exactly `probes` calls through', async () => {
  const prefix = uniquePrefix();
  const listener = createClient({ url: redis.url });
  await listener.connect();
  const opened: number[] = [];
  await listener.subscribe(`${prefix}:events`, (message) => {
    const parts = JSON.parse(message) as string[];
    if (parts[1] === 'open') opened.push(Number(parts[3]));
  });
  const group = await replicas(3, prefix);
  const now = 1_000_000;
  for (let round = 0; round < 4; round++) for (const store of group) store.recordResult('p/m', true, now + round, BREAKER);
  await Promise.all(group.map((store) => store.flush()));
  await eventually(() => opened.length > 0 && group.every((store) => store.cooldownUntil('p/m', now + 10) === opened[0]), 'every replica to see the breaker open');
  expect(opened).toHaveLength(1);
  const until = opened[0]!;
  // Half-open: replicas lease probes from Redis; together they get exactly two.
  let admitted = 0;
  await eventually(async () => {
    for (const store of group) {
      if (store.cooldownUntil('p/m', until + 5) === null) {
        store.admit('p/m', until + 5);
        admitted++;
      }
    }
    await Promise.all(group.map((store) => store.flush()));
    return admitted >= 2;
  }, 'two probes');
  for (let index = 0; index < 20; index++) {
    for (const store of group) if (store.cooldownUntil('p/m', until + 5) === null) admitted++;
    await Promise.all(group.map((store) => store.flush()));
  }
  expect(admitted).toBe(2);
  // Both probes succeed: the circuit closes everywhere.
  group[0]!.recordResult('p/m', false, until + 6, BREAKER);
  group[1]!.recordResult('p/m', false, until + 7, BREAKER);
  await Promise.all(group.map((store) => store.flush()));
  await eventually(() => group.every((store) => store.cooldownUntil('p/m', until + 8) === null), 'the circuit to close everywhere');
  await listener.close();
});

test('sticky claims: the first replica to claim a key wins everywhere', async () => {
  const [a, b] = await replicas(2);
  const now = Date.now();
  expect(a!.claim('sticky/u1', 'gpt', now + 60_000, now)).toBe('gpt');
  await a!.flush();
  await eventually(() => b!.get('sticky/u1', now)?.value === 'gpt', 'the claim to reach b');
  expect(b!.claim('sticky/u1', 'claude', now + 60_000, now)).toBe('gpt');
  // Two claims racing before either is heard: the loser adopts the winner's value.
  expect(a!.claim('sticky/u2', 'gpt', now + 60_000, now)).toBe('gpt');
  expect(b!.claim('sticky/u2', 'claude', now + 60_000, now)).toBe('claude');
  await a!.flush();
  await b!.flush();
  await eventually(() => b!.get('sticky/u2', now)?.value === 'gpt' && a!.get('sticky/u2', now)?.value === 'gpt', 'both to agree');
});

test('a budget is never overspent by the replicas together', async () => {
  const group = await replicas(3);
  const now = Date.now();
  let granted = 0;
  for (let round = 0; round < 40; round++) {
    for (const store of group) if (store.take('p/m/rpm', 10, now, 60_000)) granted++;
    await Promise.all(group.map((store) => store.flush()));
  }
  expect(granted).toBeLessThanOrEqual(10);
  expect(granted).toBeGreaterThanOrEqual(10 - group.length);
});

test('counts, counters and snapshots add up across replicas', async () => {
  const [a, b] = await replicas(2);
  const now = Date.now();
  a!.count('p/m/tpm', 500, now, 60_000);
  b!.count('p/m/tpm', 300, now, 60_000);
  await a!.flush();
  await b!.flush();
  b!.count('p/m/tpm', 0, now + 10_000, 60_000);
  await b!.flush();
  expect(b!.count('p/m/tpm', 0, now + 10_000, 60_000)).toBe(800);
  a!.share('p/m/stats', 'from-a', now, 5000);
  b!.share('p/m/stats', 'from-b', now, 5000);
  await a!.flush();
  await b!.flush();
  a!.share('p/m/stats', 'from-a', now, 5000);
  await a!.flush();
  expect(a!.shared('p/m/stats', now)).toEqual(['from-b']);
});

test('every key the store writes expires', async () => {
  const [a] = await replicas(1);
  const now = Date.now();
  a!.setCooldown('p/m', now + 5000);
  a!.recordResult('p/m', true, now, BREAKER);
  a!.claim('sticky/u', 'x', now + 5000, now);
  a!.count('p/m/tpm', 5, now, 60_000);
  a!.take('p/m/rpm', 5, now, 60_000);
  a!.increment('p/rr', now, 5000);
  a!.share('p/m/stats', 's', now, 5000);
  await a!.flush();
  await a!.flush();
  const client = createClient({ url: redis.url });
  await client.connect();
  const keys = await client.keys(`${a!.prefix}:*`);
  expect(keys.length).toBeGreaterThanOrEqual(6);
  for (const key of keys) expect(await client.pTTL(key), key).toBeGreaterThan(0);
  await client.close();
});
