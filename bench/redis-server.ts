/**
 * A hermetic redis-server for the tests and benchmarks: its own free port and
 * temp folder, no persistence, killed afterwards. `REDIS_URL` set: use that
 * server instead (tests that stop or pause Redis always start their own).
 */
import { spawn, spawnSync } from 'node:child_process';
import type { ChildProcess } from 'node:child_process';
import { mkdtempSync, rmSync } from 'node:fs';
import { freePort } from './free-port.js';
import { tmpdir } from 'node:os';
import { join } from 'node:path';
import { randomUUID } from 'node:crypto';

export interface TestRedis {
  readonly url: string;
  /** Kill the server (SIGKILL), as a crash would. */
  kill(): Promise<void>;
  /** Start it again on the same port, empty. */
  restart(): Promise<void>;
  /** Run a raw command through redis-cli (e.g. DEBUG SLEEP). */
  cli(...args: string[]): Promise<string>;
  stop(): Promise<void>;
}

const MISSING =
  'redis-server is not installed and REDIS_URL is not set: the Redis tests need one of them (Debian: apt-get install -y redis-server; or REDIS_URL=redis://host:port)';

/** A prefix no other test run shares. */
export function uniquePrefix(): string {
  return `detour-test-${randomUUID().slice(0, 8)}`;
}


function hasRedisServer(): boolean {
  return spawnSync('redis-server', ['--version'], { stdio: 'ignore' }).status === 0;
}

async function waitForPing(port: number): Promise<void> {
  for (let attempt = 0; attempt < 200; attempt++) {
    const result = spawnSync('redis-cli', ['-p', String(port), 'PING'], { encoding: 'utf8' });
    if (result.stdout?.trim() === 'PONG') return;
    await new Promise((resolve) => setTimeout(resolve, 25));
  }
  throw new Error(`redis-server on port ${port} did not answer PING`);
}

/** Start a server of our own (`own: true`), or use REDIS_URL when set. Fails loudly when neither is possible. */
export async function startRedis(options: { readonly own?: boolean } = {}): Promise<TestRedis> {
  const external = process.env['REDIS_URL'];
  if (external !== undefined && external !== '' && options.own !== true) {
    return {
      url: external,
      kill: () => Promise.reject(new Error('cannot kill the REDIS_URL server')),
      restart: () => Promise.reject(new Error('cannot restart the REDIS_URL server')),
      cli: () => Promise.reject(new Error('no redis-cli for the REDIS_URL server')),
      stop: async () => {},
    };
  }
  if (!hasRedisServer()) throw new Error(MISSING);
  const port = await freePort();
  const dir = mkdtempSync(join(tmpdir(), 'detour-redis-'));
  let child: ChildProcess | null = null;
  const start = async (): Promise<void> => {
    child = spawn('redis-server', ['--port', String(port), '--bind', '127.0.0.1', '--save', '', '--appendonly', 'no', '--enable-debug-command', 'yes', '--dir', dir], { stdio: 'ignore' });
    await waitForPing(port);
  };
  const kill = async (): Promise<void> => {
    const running = child;
    child = null;
    if (running === null || running.exitCode !== null) return;
    await new Promise<void>((resolve) => {
      running.once('exit', () => resolve());
      running.kill('SIGKILL');
    });
  };
  await start();
  return {
    url: `redis://127.0.0.1:${port}`,
    kill,
    restart: start,
    cli: (...args) =>
      new Promise((resolve) => {
        const cli = spawn('redis-cli', ['-p', String(port), ...args], { stdio: ['ignore', 'pipe', 'ignore'] });
        let out = '';
        cli.stdout.on('data', (chunk: Buffer) => (out += chunk.toString()));
        cli.on('close', () => resolve(out.trim()));
      }),
    stop: async () => {
      await kill();
      rmSync(dir, { recursive: true, force: true });
    },
  };
}

