// One replica for the multi-process tests: an executor on the built package
// (dist/), sharing a RedisStateStore, against the parent's simulator. The
// parent sends { id, type: 'run', policy, count | durationMs, concurrency, users };
// the replica answers { id, sessions: [{ model, attempts: [{ model, startedAt, outcome }] }] }.
// { id, type: 'cooldown', key } and { id, type: 'value', key } ask what its
// store knows: { id, until } and { id, value } (null: nothing).
import { createExecutor, createPolicySet, parsePolicy, SelfManagingFallbackFactory } from '../../dist/src/index.js';
import { RedisStateStore } from '../../dist/src/redis/index.js';

const { REDIS_URL_FOR_REPLICA: url, PREFIX: prefix, SIMULATOR_URL: simulatorUrl, POLICIES: yamls } = process.env;
const policies = JSON.parse(yamls).map((yaml) => {
  const parsed = parsePolicy(yaml, 'replica.yaml');
  if (parsed.policy === null) throw new Error(JSON.stringify(parsed.diagnostics));
  return parsed.policy;
});
const stateStore = new RedisStateStore({ url, prefix, log: (message) => process.stderr.write(`${message}\n`) });
await stateStore.ready();
const executor = await createExecutor({
  policies: createPolicySet(policies),
  stateStore,
  factory: new SelfManagingFallbackFactory({ baseUrlOverride: simulatorUrl, apiKeyOverride: 'test-key' }),
});

async function one(policy, metadata, results) {
  try {
    const result = await executor.generate({ policy, messages: [{ role: 'user', content: 'hi' }], metadata });
    results.push({ model: result.model, attempts: result.session.attempts.map((a) => ({ model: a.model, startedAt: a.startTime, outcome: a.outcome })) });
  } catch (error) {
    results.push({ model: null, error: String(error?.message ?? error), attempts: (error?.attempts ?? []).map((a) => ({ model: a.model, outcome: 'failure' })) });
  }
}

process.on('message', async (message) => {
  if (message.type === 'close') {
    await executor.close();
    await stateStore.close();
    process.exit(0);
  }
  if (message.type === 'cooldown') {
    process.send({ id: message.id, until: stateStore.cooldownUntil(message.key, Date.now()) });
    return;
  }
  if (message.type === 'value') {
    process.send({ id: message.id, value: stateStore.get(message.key, Date.now())?.value ?? null });
    return;
  }
  const results = [];
  const started = Date.now();
  const more = (index) => (message.durationMs !== undefined ? Date.now() - started < message.durationMs : index < message.count);
  let next = 0;
  const worker = async () => {
    while (more(next)) {
      const index = next++;
      const metadata = message.users !== undefined ? { user_id: message.users[index % message.users.length] } : undefined;
      await one(message.policy, metadata, results);
    }
  };
  await Promise.all(Array.from({ length: message.concurrency ?? 1 }, worker));
  await stateStore.flush();
  process.send({ id: message.id, sessions: results, health: executor.health() });
});
process.send({ ready: true });
