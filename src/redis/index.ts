/**
 * `detour-llm/redis`: shared state for several replicas on one Redis. A
 * subpath of its own, so services without Redis never load a Redis client.
 * Needs the `redis` package (an optional peer dependency): `npm install redis`.
 */
export { RedisStateStore } from './RedisStateStore.js';
export type { RedisStateStoreOptions } from './RedisStateStore.js';
