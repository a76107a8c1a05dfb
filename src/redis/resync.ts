/**
 * Bringing the local copy and Redis together after (re)connecting: what this
 * process decided while Redis was away goes up (cooldowns, opened circuits),
 * then what Redis holds comes down (cooldowns, circuits, sticky choices).
 */
import type { InMemoryStateStore } from '../executor/InMemoryStateStore.js';
import type { RedisLink } from './RedisLink.js';
import { COOL_DOWN, REPLAY_OPEN } from './scripts.js';

type KeyOf = (kind: string, key: string) => string;

/** Every key under `<prefix>:<kind>:`, without that part. */
async function scan(link: RedisLink, pattern: string, strip: number): Promise<string[]> {
  const keys: string[] = [];
  let cursor = '0';
  do {
    const reply = await link.command(['SCAN', cursor, 'MATCH', pattern, 'COUNT', '1000']);
    if (!Array.isArray(reply) || reply.length !== 2 || !Array.isArray(reply[1])) return keys;
    cursor = String(reply[0]);
    for (const key of reply[1] as unknown[]) if (typeof key === 'string') keys.push(key.slice(strip));
  } while (cursor !== '0');
  return keys;
}

/** Replay local decisions, then load Redis's state into the local copy. Never throws. */
export async function resync(link: RedisLink, local: InMemoryStateStore, keyOf: KeyOf, channel: string, origin: string): Promise<void> {
  const now = Date.now();
  const { cooldowns, breakers } = local.entries();
  const replays: Promise<unknown>[] = [];
  for (const [key, until] of cooldowns) {
    if (until > now) replays.push(link.run(COOL_DOWN, [keyOf('cd', key)], [until, now, channel, origin, key]));
  }
  for (const [key, breaker] of breakers) {
    const ttl = Math.max(1, breaker.until - now) + breaker.openForMs * 4;
    replays.push(link.run(REPLAY_OPEN, [keyOf('br', key)], [breaker.until, breaker.openForMs, breaker.probes, ttl, channel, origin, key]));
  }
  await Promise.all(replays);
  for (const kind of ['cd', 'kv'] as const) {
    const prefix = keyOf(kind, '');
    const keys = await scan(link, `${prefix}*`, prefix.length);
    for (let start = 0; start < keys.length; start += 500) {
      const batch = keys.slice(start, start + 500);
      const values = await Promise.all(batch.map((key) => link.command(['EVAL', "return {redis.call('GET', KEYS[1]), redis.call('PTTL', KEYS[1])}", '1', keyOf(kind, key)])));
      batch.forEach((key, index) => {
        const reply = values[index];
        if (!Array.isArray(reply) || typeof reply[0] !== 'string' || typeof reply[1] !== 'number' || reply[1] <= 0) return;
        if (kind === 'cd') local.setCooldown(key, Number(reply[0]));
        else local.putValue(key, reply[0], now + reply[1]);
      });
    }
  }
  const prefix = keyOf('br', '');
  for (const key of await scan(link, `${prefix}*`, prefix.length)) {
    const reply = await link.command(['HMGET', keyOf('br', key), 'until', 'open_for', 'probes']);
    if (!Array.isArray(reply) || typeof reply[0] !== 'string') continue;
    const until = Number(reply[0]);
    if (local.breaker(key)?.until !== until) local.setBreaker(key, { until, openForMs: Number(reply[1]), probes: Number(reply[2]) });
  }
}
