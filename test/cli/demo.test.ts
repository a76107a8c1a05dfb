import { mkdtempSync, rmSync, writeFileSync } from 'node:fs';
import { connect } from 'node:net';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { afterAll, describe, expect, it } from 'vitest';
import { runCli } from './support.js';

/** Resolves with the connect error's code, or 'connected' when something still listens. */
function tryConnect(port: number): Promise<string> {
  return new Promise((resolve) => {
    const socket = connect({ host: '127.0.0.1', port });
    socket.once('connect', () => {
      socket.destroy();
      resolve('connected');
    });
    socket.once('error', (error: NodeJS.ErrnoException) => resolve(error.code ?? error.message));
  });
}

const folder = mkdtempSync(path.join(tmpdir(), 'detour-demo-test-'));
afterAll(() => rmSync(folder, { recursive: true, force: true }));

describe('detour demo (child process)', () => {
  it('runs to completion on its own: exit 0, the summary, and the simulator port closed afterwards', async () => {
    const result = await runCli(['demo', '--requests', '40', '--duration', '2s', '--concurrency', '16'], { timeoutMs: 90_000 });
    // Killed children have a signal; this one must have exited by itself.
    expect(result.signal).toBeNull();
    expect(result.code).toBe(0);

    const port = Number(/simulator http:\/\/127\.0\.0\.1:(\d+)/.exec(result.stderr)?.[1]);
    expect(port).toBeGreaterThan(0);
    expect(await tryConnect(port)).toBe('ECONNREFUSED');

    // Not a terminal: plain progress lines, the last one with everything done.
    expect(result.stderr).toMatch(/^demo: 40\/40 sent, 40 done \(\d+ answered, \d+ failed\), [\d.]+ s$/m);
    expect(result.stderr).not.toContain('\r');

    const out = result.stdout;
    expect(out).toMatch(/^detour demo: 40 requests in .* through policy demo, scenario outage$/m);
    expect(out).toMatch(/^\s+success rate\s+\d+\.\d%\s+\d+ of 40 answered$/m);
    expect(out).toMatch(/^\s+fallback rate\s+\d+\.\d%/m);
    expect(out).toMatch(/^\s+average attempts\s+\d\.\d\d/m);
    expect(out).toMatch(/^\s+latency\s+p50 \d+.*p99 \d+/m);
    expect(out).toMatch(/^\s+errors absorbed: \w+ \d+/m);
    // The compressed outage still happens: the primary answers first, then the others take over.
    const chart = out.split('\n').filter((line) => /^\s{2}\S+\s+[·▁▂▃▄▅▆▇█]{15}\s+\d+$/.test(line));
    const served: Record<string, number> = Object.fromEntries(
      chart.map((line) => {
        const [model, , total] = line.trim().split(/\s+/);
        return [model ?? '', Number(total)];
      }),
    );
    expect(Object.keys(served)).toEqual(expect.arrayContaining(['gpt-4o', 'claude-haiku', 'gemini-flash']));
    expect(Object.values(served).reduce((sum, count) => sum + count, 0)).toBe(40);
    expect(out).toContain('rules that fired');
    // The primary's failures were routed by the policy's own rules (rate-limited early, down later;
    // which of the two a request meets depends on when it arrives, so either will do).
    expect(out).toMatch(/^\s+(primary-rate-limited|primary-down)\s+\d+$/m);
  });

  it('fails (exit 1) when fewer than half the requests are answered, and does not call the errors absorbed', async () => {
    const scenario = path.join(folder, 'all-down.yaml');
    writeFileSync(scenario, 'name: all-down\nmodels:\n  "*":\n    latency: { p50: 5ms, p99: 10ms }\n    faults:\n      - { type: service_unavailable }\n');
    const result = await runCli(['demo', '--scenario', scenario, '--requests', '4', '--duration', '200ms'], { timeoutMs: 15_000 });
    expect(result.signal).toBeNull();
    expect(result.code).toBe(1);
    expect(result.stderr).toContain(`detour demo: 0 of 4 requests answered, fewer than half: policy demo did not route around scenario ${scenario}\n`);
    expect(result.stdout).toMatch(/^\s+success rate\s+0\.0%\s+0 of 4 answered$/m);
    expect(result.stdout).toMatch(/^ {2}errors in failed requests: service_unavailable \d+$/m);
    expect(result.stdout).not.toContain('absorbed');
  });

  it('says "1 request", and prints each progress line once, when one request is sent', async () => {
    const result = await runCli(['demo', '--requests', '1', '--duration', '100ms'], { timeoutMs: 15_000 });
    expect(result.code).toBe(0);
    expect(result.stderr).toMatch(/^detour demo: 1 request over 0\.1 s through/m);
    expect(result.stderr.split('\n').filter((line) => line.startsWith('demo: '))).toEqual([expect.stringMatching(/^demo: 1\/1 sent, 1 done/)]);
    expect(result.stdout).toMatch(/^detour demo: 1 request in /m);
    expect(result.stdout).toContain('█ = 1 request)');
  });

  it('--help gives the exit status', async () => {
    const result = await runCli(['demo', '--help']);
    expect(result.stdout).toContain('1 when fewer were');
    expect(result.stdout).toContain('130 when interrupted');
  });

  it('refuses a bad option value with a usage error (exit 2) before starting anything', async () => {
    const result = await runCli(['demo', '--duration', 'soon']);
    expect(result.code).toBe(2);
    expect(result.stderr).toContain('--duration takes 100ms to 10m');
  });
});
