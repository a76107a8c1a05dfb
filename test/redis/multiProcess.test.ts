/**
 * Three executor processes sharing one Redis, against one simulator: what one
 * learns, the others act on.
 */
import { afterAll, beforeAll, expect, test } from 'vitest';
import { createClient } from 'redis';
import type { Simulator } from '../../src/simulator/index.js';
import { requestsTo, simulator, yamlPolicy } from '../executor/simulated.js';
import { COOL_DOWN_A_ON_503, eventually, startRedis, uniquePrefix } from './redisServer.js';
import type { TestRedis } from './redisServer.js';
import { startReplicas } from './replicas.js';
import type { Replica } from './replicas.js';

function named(name: string, body: string): string {
  return yamlPolicy(body).replace('name: default', `name: ${name}`);
}

const POLICIES = [
  named('cooldown', COOL_DOWN_A_ON_503),
  named(
    'breaker',
    `
primary_model: a
fallback_models: [b]
circuit_breaker: { failure_rate: 0.5, min_requests: 6, window: 30s, open_for: 2s, half_open_probes: 2, on: [service_unavailable] }
`,
  ),
  named(
    'sticky',
    `
groups:
  pool:
    members: [a2, b, c]
    strategy: random
    sticky: { key: request.metadata.user_id, ttl: 1h }
primary_model: pool
fallback_models: []
`,
  ),
  `version: 1
name: usage
base_delay: 0
jitter: false
models:
  u1: { provider: openai, model: gpt-u1, rpm: 60 }
  u2: { provider: openai, model: gpt-u2, rpm: 120 }
  b: { provider: anthropic, model: claude-b }
groups:
  pool: { members: [u1, u2], strategy: usage_based }
primary_model: pool
fallback_models: [b]
`,
];

let redis: TestRedis;
let sim: Simulator;
let replicas: Replica[] = [];
const prefix = uniquePrefix();

beforeAll(async () => {
  redis = await startRedis();
  // gpt-a answers its 503s after 300 ms, so a half-open round's probes are all
  // leased before the first of them fails and opens the circuit again.
  sim = await simulator({ models: { 'gpt-a': { latency: '300ms', faults: [{ type: 'service_unavailable' }] } } });
  replicas = await startReplicas(3, { redisUrl: redis.url, prefix, simulatorUrl: sim.url, policies: POLICIES });
}, 60_000);
afterAll(async () => {
  await Promise.all(replicas.map((replica) => replica.close()));
  await sim?.close();
  await redis?.stop();
});

test('a cooldown one process sets is honoured by the other two', async () => {
  const [first, second, third] = replicas;
  const before = requestsTo(sim, 'gpt-a');
  const sessions = await first!.run({ policy: 'cooldown', count: 1 });
  expect(sessions[0]!.attempts.map((attempt) => attempt.model)).toEqual(['a', 'b']);
  expect(requestsTo(sim, 'gpt-a')).toBe(before + 1);
  const heard = async (): Promise<boolean> => (await Promise.all([second!, third!].map((replica) => replica.cooldownUntil('cooldown/a')))).every((until) => until !== null);
  await eventually(heard, 'the other two to hear of the cooldown');
  const others = [...(await second!.run({ policy: 'cooldown', count: 10, concurrency: 2 })), ...(await third!.run({ policy: 'cooldown', count: 10, concurrency: 2 }))];
  expect(others.every((session) => session.model === 'b' && session.attempts[0]!.outcome === 'skipped')).toBe(true);
  expect(requestsTo(sim, 'gpt-a')).toBe(before + 1);
});

test("a breaker opened by the processes' combined failures opens once, and half-open lets exactly the configured probes through", async () => {
  const listener = createClient({ url: redis.url });
  listener.on('error', () => {});
  await listener.connect();
  const opened: number[] = [];
  await listener.subscribe(`${prefix}:events`, (message) => {
    const parts = JSON.parse(message) as string[];
    if (parts[1] === 'open' && parts[2] === 'breaker/a') opened.push(Number(parts[3]));
  });
  try {
    await breakerRounds(opened);
  } finally {
    await listener.close();
  }
});

/** `opened`: the times the breaker on `a` opens until, as Redis publishes them. */
async function breakerRounds(opened: readonly number[]): Promise<void> {
  const before = requestsTo(sim, 'gpt-a');
  const first = (await Promise.all(replicas.map((replica) => replica.run({ policy: 'breaker', count: 8, concurrency: 2 })))).flat();
  expect(first.every((session) => session.model === 'b')).toBe(true);
  expect(opened).toHaveLength(1);
  // Far fewer than the 24 sessions reached gpt-a: it was skipped everywhere once open.
  expect(requestsTo(sim, 'gpt-a') - before).toBeLessThan(24);
  const afterOpen = requestsTo(sim, 'gpt-a');
  await new Promise((resolve) => setTimeout(resolve, Math.max(0, opened[0]! - Date.now() + 20)));
  // Half-open: traffic on all three for under one round; the two probes fail and open the circuit again.
  const probing = (await Promise.all(replicas.map((replica) => replica.run({ policy: 'breaker', durationMs: 600, concurrency: 2 })))).flat();
  expect(probing.every((session) => session.model === 'b')).toBe(true);
  expect(requestsTo(sim, 'gpt-a') - afterOpen).toBe(2);
  await eventually(() => opened.length === 2, 'the failed probes to open the circuit again');
}

test('sticky assignment is the same on every process', async () => {
  const users = Array.from({ length: 30 }, (_, index) => `user-${index}`);
  const assigned = async (replica: Replica): Promise<string[]> => (await replica.run({ policy: 'sticky', count: users.length, users })).map((session) => session.model ?? 'failed');
  const first = await assigned(replicas[0]!);
  expect(new Set(first).size).toBeGreaterThan(1);
  const key = (user: string): string => `sticky/sticky\u0000pool\u0000${user}`;
  const known = async (replica: Replica): Promise<boolean> => (await Promise.all(users.map((user) => replica.storedValue(key(user))))).every((value, index) => value === first[index]);
  await eventually(async () => (await known(replicas[1]!)) && (await known(replicas[2]!)), 'the other two to hear of every sticky choice');
  expect(await assigned(replicas[1]!)).toEqual(first);
  expect(await assigned(replicas[2]!)).toEqual(first);
});

test("usage_based keeps the processes' combined request rate within each model's rpm (±10%)", async () => {
  // 360 sessions in a few seconds, twice what the two budgets allow in a minute.
  const sessions = (await Promise.all(replicas.map((replica) => replica.run({ policy: 'usage', count: 120, concurrency: 4 })))).flat();
  expect(sessions.every((session) => session.model !== null)).toBe(true);
  const u1 = requestsTo(sim, 'gpt-u1');
  const u2 = requestsTo(sim, 'gpt-u2');
  expect(u1).toBeLessThanOrEqual(60);
  expect(u1).toBeGreaterThanOrEqual(54);
  expect(u2).toBeLessThanOrEqual(120);
  expect(u2).toBeGreaterThanOrEqual(108);
  // Both were used side by side (usage_based), not one after the other.
  expect(new Set(sessions.slice(0, 40).map((session) => session.model))).toContain('u2');
});
