/**
 * The Lua scripts behind RedisStateStore: each runs atomically on the server,
 * so processes racing on one key (two breakers tripping, two claims of one
 * sticky key, a budget's last unit) see one winner. Times come from the
 * caller (`now`), so every process and the server agree on windows; TTLs keep
 * every key bounded. Changes are published as JSON arrays of strings:
 * `[origin, type, key, …]`.
 */
import { createHash } from 'node:crypto';

export interface Script {
  readonly source: string;
  readonly sha: string;
}

function script(source: string): Script {
  return { source, sha: createHash('sha1').update(source).digest('hex') };
}

/** Sum a bucket hash's live fields (`<tag><bucketStart>`), deleting stale ones; returns totals by tag. */
const SUM_BUCKETS = `
local function sum_buckets(key, now, window, bucket)
  local totals = {}
  local all = redis.call('HGETALL', key)
  for i = 1, #all, 2 do
    local field = all[i]
    local start = tonumber(string.sub(field, 2))
    if start + bucket <= now - window then
      redis.call('HDEL', key, field)
    else
      local tag = string.sub(field, 1, 1)
      totals[tag] = (totals[tag] or 0) + tonumber(all[i + 1])
    end
  end
  return totals
end
`;

/** KEYS: cooldown. ARGV: until, now, channel, origin, key. A later cooldown wins. */
export const COOL_DOWN = script(`
local current = tonumber(redis.call('GET', KEYS[1]) or '0')
local until_ = tonumber(ARGV[1])
if until_ <= current then return 0 end
redis.call('SET', KEYS[1], ARGV[1], 'PX', math.max(1, until_ - tonumber(ARGV[2])))
redis.call('PUBLISH', ARGV[3], cjson.encode({ARGV[4], 'cd', ARGV[5], ARGV[1]}))
return 1
`);

/**
 * KEYS: breaker hash, window hash. ARGV: now, windowMs, bucketMs, minRequests,
 * minFailures, failureRate, openForMs, probes, requests, failures, channel,
 * origin, key, coolKey (Redis key, or ''), coolKey (plain). Counts a batch of
 * results; returns 1 when it opened the circuit (or, with a coolKey, cooled
 * that key down and restarted the window).
 */
export const RECORD_RESULTS = script(`${SUM_BUCKETS}
local now = tonumber(ARGV[1])
local window, bucket = tonumber(ARGV[2]), tonumber(ARGV[3])
local open_for, probes = tonumber(ARGV[7]), tonumber(ARGV[8])
local requests, failures = tonumber(ARGV[9]), tonumber(ARGV[10])
local function open()
  local until_ = now + open_for
  redis.call('DEL', KEYS[1], KEYS[2])
  redis.call('HSET', KEYS[1], 'until', until_, 'open_for', open_for, 'probes', probes, 'ok', 0)
  redis.call('PEXPIRE', KEYS[1], open_for * 4 + window)
  redis.call('PUBLISH', ARGV[11], cjson.encode({ARGV[12], 'open', ARGV[13], tostring(until_), ARGV[7], ARGV[8]}))
  return 1
end
local state = redis.call('HGET', KEYS[1], 'until')
if state then
  if now < tonumber(state) then return 0 end
  local state_probes = tonumber(redis.call('HGET', KEYS[1], 'probes'))
  if state_probes > 0 and failures > 0 then return open() end
  redis.call('DEL', KEYS[1])
  redis.call('PUBLISH', ARGV[11], cjson.encode({ARGV[12], 'close', ARGV[13]}))
  if state_probes > 0 then return 0 end
end
local start = tostring(math.floor(now / bucket) * bucket)
redis.call('HINCRBY', KEYS[2], 'r' .. start, requests)
if failures > 0 then redis.call('HINCRBY', KEYS[2], 'f' .. start, failures) end
redis.call('PEXPIRE', KEYS[2], window + bucket)
if failures == 0 then return 0 end
local totals = sum_buckets(KEYS[2], now, window, bucket)
local r, f = totals['r'] or 0, totals['f'] or 0
if r >= tonumber(ARGV[4]) and f >= math.max(1, tonumber(ARGV[5])) and f / r >= tonumber(ARGV[6]) then
  if ARGV[14] == '' then return open() end
  redis.call('DEL', KEYS[2])
  local until_ = now + open_for
  if until_ > tonumber(redis.call('GET', ARGV[14]) or '0') then
    redis.call('SET', ARGV[14], tostring(until_), 'PX', math.max(1, open_for))
    redis.call('PUBLISH', ARGV[11], cjson.encode({ARGV[12], 'cd', ARGV[15], tostring(until_)}))
  end
  return 1
end
return 0
`);

/**
 * KEYS: breaker hash. ARGV: now. Takes one probe of the current half-open
 * round. Returns {granted, until, open_for, probes}, or {-1} when the circuit
 * is closed.
 */
export const LEASE_PROBE = script(`
local state = redis.call('HMGET', KEYS[1], 'until', 'open_for', 'probes')
if not state[1] then return {-1} end
local now, until_, open_for, probes = tonumber(ARGV[1]), tonumber(state[1]), tonumber(state[2]), tonumber(state[3])
if now < until_ or probes == 0 then return {0, state[1], state[2], state[3]} end
local field = 'taken' .. math.floor((now - until_) / math.max(1, open_for))
if redis.call('HINCRBY', KEYS[1], field, 1) > probes then
  redis.call('HINCRBY', KEYS[1], field, -1)
  return {0, state[1], state[2], state[3]}
end
return {1, state[1], state[2], state[3]}
`);

/**
 * KEYS: budget hash. ARGV: now, limit, windowMs, bucketMs, wanted. Grants up
 * to `wanted` units, and fewer as the budget runs out (an eighth of what is
 * left), so units leased but never used stay few; returns how many.
 */
export const TAKE_UNITS = script(`${SUM_BUCKETS}
local now, limit, window, bucket = tonumber(ARGV[1]), tonumber(ARGV[2]), tonumber(ARGV[3]), tonumber(ARGV[4])
local used = sum_buckets(KEYS[1], now, window, bucket)['u'] or 0
local granted = math.min(tonumber(ARGV[5]), math.max(1, math.floor((limit - used) / 8)), limit - used)
if granted <= 0 then return 0 end
redis.call('HINCRBY', KEYS[1], 'u' .. tostring(math.floor(now / bucket) * bucket), granted)
redis.call('PEXPIRE', KEYS[1], window + bucket)
return granted
`);

/** KEYS: tally hash. ARGV: now, amount, windowMs, bucketMs. Adds and returns the window's total. */
export const COUNT = script(`${SUM_BUCKETS}
local now, window, bucket = tonumber(ARGV[1]), tonumber(ARGV[3]), tonumber(ARGV[4])
if tonumber(ARGV[2]) ~= 0 then
  redis.call('HINCRBY', KEYS[1], 'c' .. tostring(math.floor(now / bucket) * bucket), ARGV[2])
  redis.call('PEXPIRE', KEYS[1], window + bucket)
end
return sum_buckets(KEYS[1], now, window, bucket)['c'] or 0
`);

/** KEYS: counter. ARGV: amount, ttlMs. Returns the new value. */
export const INCREMENT = script(`
local value = redis.call('INCRBY', KEYS[1], ARGV[1])
redis.call('PEXPIRE', KEYS[1], ARGV[2])
return value
`);

/**
 * KEYS: value. ARGV: value, expiresAt, now, channel, origin, key. Holds the
 * value unless one is held; returns {value held, expiresAt}.
 */
export const CLAIM = script(`
local ttl = math.max(1, tonumber(ARGV[2]) - tonumber(ARGV[3]))
if redis.call('SET', KEYS[1], ARGV[1], 'NX', 'PX', ttl) then
  redis.call('PUBLISH', ARGV[4], cjson.encode({ARGV[5], 'kv', ARGV[6], ARGV[1], ARGV[2]}))
  return {ARGV[1], ARGV[2]}
end
return {redis.call('GET', KEYS[1]), tostring(tonumber(ARGV[3]) + math.max(0, redis.call('PTTL', KEYS[1])))}
`);

/**
 * KEYS: snapshot hash. ARGV: origin, now, ttlMs, snapshot. Stores this
 * process's snapshot and returns the others' live ones.
 */
export const SHARE = script(`
local now, ttl = tonumber(ARGV[2]), tonumber(ARGV[3])
redis.call('HSET', KEYS[1], ARGV[1], ARGV[2] .. '|' .. ARGV[4])
redis.call('PEXPIRE', KEYS[1], ttl)
local others = {}
local all = redis.call('HGETALL', KEYS[1])
for i = 1, #all, 2 do
  if all[i] ~= ARGV[1] then
    local bar = string.find(all[i + 1], '|', 1, true)
    if tonumber(string.sub(all[i + 1], 1, bar - 1)) + ttl < now then
      redis.call('HDEL', KEYS[1], all[i])
    else
      table.insert(others, string.sub(all[i + 1], bar + 1))
    end
  end
end
return others
`);

/**
 * KEYS: breaker hash. ARGV: until, open_for, probes, ttlMs, channel, origin,
 * key. Replays a circuit this process opened while the server was away,
 * unless the server holds one already.
 */
export const REPLAY_OPEN = script(`
if redis.call('EXISTS', KEYS[1]) == 1 then return 0 end
redis.call('HSET', KEYS[1], 'until', ARGV[1], 'open_for', ARGV[2], 'probes', ARGV[3], 'ok', 0)
redis.call('PEXPIRE', KEYS[1], ARGV[4])
redis.call('PUBLISH', ARGV[5], cjson.encode({ARGV[6], 'open', ARGV[7], ARGV[1], ARGV[2], ARGV[3]}))
return 1
`);
