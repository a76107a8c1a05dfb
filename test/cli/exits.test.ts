/**
 * How commands end when the world around them does: a reader that closes
 * the pipe early, a collector that never answers, Ctrl-C while starting or
 * while the demo's requests are in flight.
 */
import { spawn } from 'node:child_process';
import { createServer, type Server, type Socket } from 'node:net';
import type { AddressInfo } from 'node:net';
import { PassThrough } from 'node:stream';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { interruptWhileStarting } from '../../src/cli/processGuards.js';
import { formatDemoSummary } from '../../src/demo/summary.js';
import { startSimulator } from '../../src/simulator/index.js';
import { TRAFFIC_POLICY, trafficThrough } from '../demo/traffic.js';
import { cleanEnvironment, runCli } from './support.js';

describe('a reader that closes the pipe: detour run … | head -1', () => {
  it('ends quietly, exit 0, no EPIPE stack', async () => {
    const child = spawn(process.execPath, ['dist/src/cli/main.js', 'run', '--policy', 'policies/first.yaml', '--simulate', '--stream', 'hi'], {
      env: cleanEnvironment(),
      stdio: ['ignore', 'pipe', 'pipe'],
    });
    // `head -1` reads one line and exits: the pipe's reading end closes under the writer.
    child.stdout.once('data', () => child.stdout.destroy());
    let stderr = '';
    child.stderr.setEncoding('utf8').on('data', (piece: string) => (stderr += piece));
    const killer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    const [code, signal] = await new Promise<[number | null, NodeJS.Signals | null]>((resolve) => child.once('close', (...result) => resolve(result)));
    clearTimeout(killer);
    expect(signal).toBeNull();
    expect(stderr).not.toMatch(/EPIPE|Error/);
    expect(code).toBe(0);
  }, 120_000);
});

describe('an OTLP endpoint that never answers', () => {
  let server: Server;
  const sockets = new Set<Socket>();
  let endpoint = '';
  beforeAll(async () => {
    // Accepts connections and never says a word: a firewall that drops, a collector that hangs.
    server = createServer((socket) => {
      sockets.add(socket);
      socket.on('error', () => undefined);
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    endpoint = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
  });
  afterAll(() => {
    for (const socket of sockets) socket.destroy();
    return new Promise<void>((resolve) => server.close(() => resolve()));
  });

  it('detour run answers, then says it could not export spans and where to', async () => {
    const result = await runCli(['run', '--policy', 'policies/first.yaml', '--simulate', 'hi'], {
      env: cleanEnvironment({ OTEL_EXPORTER_OTLP_ENDPOINT: endpoint }),
    });
    expect(result.code).toBe(0);
    expect(result.stderr).toContain(`detour: could not export spans to ${endpoint}/v1/traces (`);
  }, 120_000);
});

describe('Ctrl-C', () => {
  it('while a command is starting: one line, exit 130', () => {
    const stream = new PassThrough();
    let written = '';
    stream.on('data', (piece: Buffer) => (written += piece.toString()));
    const exits: number[] = [];
    const before = process.listenerCount('SIGINT');
    const release = interruptWhileStarting('demo', stream, (code) => exits.push(code));
    expect(process.listenerCount('SIGINT')).toBe(before + 1);
    process.emit('SIGINT');
    expect(written).toBe('detour demo: interrupted while starting; nothing was sent\n');
    expect(exits).toEqual([130]);
    release();
    expect(process.listenerCount('SIGINT')).toBe(before);
  });

  it('during the demo: requests in flight are counted as interrupted, not failed', async () => {
    const sim = await startSimulator({ port: 0, scenario: { models: { '*': { faults: [{ type: 'hang' }] } } } });
    try {
      const controller = new AbortController();
      const traffic = await trafficThrough(sim, {
        requests: 4,
        durationMs: 100,
        signal: controller.signal,
        // Ctrl-C once every request is out and hanging.
        onProgress: (progress) => {
          if (progress.sent === progress.total && !controller.signal.aborted) controller.abort();
        },
      });
      expect(traffic.interrupted).toBe(true);
      expect(traffic.interruptedRequests).toBe(4);
      const summary = formatDemoSummary(traffic, { policy: TRAFFIC_POLICY.name, scenario: 'hang' }).join('\n');
      expect(summary).toMatch(/success rate\s+0\.0%\s+0 of 0 answered \(interrupted requests not counted\)/);
      expect(summary).toMatch(/interrupted\s+4\s+requests in flight at Ctrl-C: neither answered nor failed/);
      expect(summary).not.toMatch(/errors in failed requests|aborted/);
    } finally {
      await sim.close();
    }
  });
});
