/** The tests' Redis: a hermetic redis-server (see bench/redis-server.ts), and waiting on other processes. */
export { startRedis, uniquePrefix } from '../../bench/redis-server.js';
export type { TestRedis } from '../../bench/redis-server.js';

/** Poll `check` until it returns true (real time: processes and Redis run on their own clocks). */
export async function eventually(check: () => boolean | Promise<boolean>, what: string, timeoutMs = 5000): Promise<void> {
  const end = Date.now() + timeoutMs;
  while (!(await check())) {
    if (Date.now() > end) throw new Error(`timed out after ${timeoutMs} ms waiting for ${what}`);
    await new Promise((resolve) => setTimeout(resolve, 5));
  }
}

/** A policy body (for yamlPolicy) whose rule cools model `a` down for a minute after a 503. */
export const COOL_DOWN_A_ON_503 = `
primary_model: a
fallback_models: [b]
rules:
  - name: cool-a
    when: { all: [ { fact: error.kind, operator: equal, value: service_unavailable } ] }
    then: { fallback: [b], cooldown: 60s }
`;
