/**
 * `/readyz` over the real Redis state store: Redis stopped → the gateway stays
 * ready but says `degraded` (requests are served from local state), or, with
 * `requireStateStore`, answers 503; Redis back → ready again.
 */
import { spawn } from 'node:child_process';
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';
import { afterAll, beforeAll, expect, it } from 'vitest';
import { createGateway } from '../../src/gateway/createGateway.js';
import { RedisStateStore } from '../../src/redis/index.js';
import { eventually, startRedis, uniquePrefix, type TestRedis } from '../redis/redisServer.js';
import { gatewayFixture } from './support.js';

let redis: TestRedis;
beforeAll(async () => {
  redis = await startRedis({ own: true });
});
afterAll(async () => {
  await redis.stop();
});

interface Ready {
  readonly status: number;
  readonly body: { status: string; ready: boolean; policies: number; stateStore: { store: string; state: string; detail: string | null } };
}

async function readyz(url: string): Promise<Ready> {
  const response = await fetch(`${url}/readyz`);
  return { status: response.status, body: (await response.json()) as Ready['body'] };
}

it('reports the shared store: ok, degraded but serving while Redis is down (503 when the store is required), ok again', async () => {
  const store = new RedisStateStore({ url: redis.url, prefix: uniquePrefix(), log: () => {}, slowMs: 200 });
  await store.ready();
  const fixture = await gatewayFixture({ executor: { stateStore: store } });
  const strict = createGateway({ executor: fixture.executor, requireStateStore: true });
  const strictUrl = (await strict.listen({ port: 0 })).url;
  try {
    expect(await readyz(fixture.url)).toEqual({
      status: 200,
      body: { status: 'ready', ready: true, policies: 1, version: expect.any(String), stateStore: { store: 'redis', state: 'ok', detail: null, since: null } },
    });
    expect((await readyz(strictUrl)).status).toBe(200);

    await redis.kill();
    await eventually(async () => (await readyz(fixture.url)).body.status === 'degraded', '/readyz to report the store down');
    const degraded = await readyz(fixture.url);
    expect(degraded).toMatchObject({ status: 200, body: { ready: true, stateStore: { store: 'redis', state: 'degraded', detail: expect.any(String) } } });
    expect(await readyz(strictUrl)).toMatchObject({ status: 503, body: { status: 'state store unreachable', ready: false } });
    // Degraded, and serving: the request is answered from the local state.
    const answer = await fixture.openai().chat.completions.create({ model: 'default', messages: [{ role: 'user', content: 'Hi' }] });
    expect(answer.choices[0]?.message.content).toContain('reply to: Hi');

    await redis.restart();
    await eventually(async () => (await readyz(strictUrl)).status === 200, '/readyz to be ready again', 10_000);
    expect((await readyz(fixture.url)).body).toMatchObject({ status: 'ready', stateStore: { state: 'ok' } });

    await strict.close({ drainTimeout: 0 });
    expect(await readyz(fixture.url)).toMatchObject({ status: 200 });
  } finally {
    await strict.close({ drainTimeout: 0 });
    await fixture.close();
    await store.close();
  }
}, 30_000);

it('fails while draining, whatever the store says (the gateway mounted in a server of its own)', async () => {
  const fixture = await gatewayFixture();
  const server = createServer(fixture.gateway.handle);
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  const url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  try {
    expect(await readyz(url)).toMatchObject({ status: 200, body: { status: 'ready', stateStore: { store: 'memory', state: 'ok' } } });
    await fixture.gateway.close({ drainTimeout: 0 });
    expect(await readyz(url)).toMatchObject({ status: 503, body: { status: 'draining', ready: false, stateStore: { state: 'ok' } } });
  } finally {
    server.closeAllConnections();
    await new Promise((resolve) => server.close(resolve));
    await fixture.close();
  }
});

it('detour serve --redis --require-redis: the CLI gateway shares state through Redis and /readyz follows it', async () => {
  const child = spawn(process.execPath, ['dist/src/cli/main.js', 'serve', 'policies/first.yaml', '--simulate', '--port', '0', '--no-access-log', '--redis', redis.url, '--require-redis'], {
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  try {
    const url = await new Promise<string>((resolve, reject) => {
      let output = '';
      const look = (data: Buffer): void => {
        output += data.toString();
        const found = /listening on (\S+) /.exec(output);
        if (found !== null) resolve(found[1]!);
      };
      child.stdout.on('data', look);
      child.stderr.on('data', look);
      child.once('exit', (code) => reject(new Error(`detour serve exited with ${String(code)}: ${output}`)));
    });
    await eventually(async () => (await readyz(url)).status === 200, 'the gateway to connect to Redis');
    expect((await readyz(url)).body).toMatchObject({ status: 'ready', stateStore: { store: 'redis', state: 'ok' } });
    await redis.kill();
    await eventually(async () => (await readyz(url)).status === 503, '/readyz to fail without Redis');
    expect((await readyz(url)).body).toMatchObject({ status: 'state store unreachable', ready: false, stateStore: { store: 'redis', state: 'degraded' } });
    await redis.restart();
    await eventually(async () => (await readyz(url)).status === 200, '/readyz to recover', 10_000);
  } finally {
    const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  }
}, 30_000);
