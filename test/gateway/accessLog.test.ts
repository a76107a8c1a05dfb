/**
 * The JSON-lines access log: one line per request, the lines of one event-loop
 * turn in one write.
 */
import { spawn } from 'node:child_process';
import { PassThrough } from 'node:stream';
import { expect, it, vi } from 'vitest';
import { jsonLinesAccessLog, type AccessLogEntry } from '../../src/gateway/accessLog.js';

const entry = (session: number): AccessLogEntry => ({
  time: '2026-12-02T00:00:00.000Z',
  method: 'POST',
  path: '/v1/chat/completions',
  status: 200,
  durationMs: 1.5,
  key: null,
  policy: 'default',
  model: 'a',
  session,
  attempts: 1,
  stream: false,
  error: null,
});

it('writes the lines of one turn together, each a JSON object', async () => {
  const writes: string[] = [];
  const log = jsonLinesAccessLog({ write: (text: string) => writes.push(text) });
  log(entry(1));
  log(entry(2));
  expect(writes).toEqual([]);
  await new Promise((resolve) => setImmediate(resolve));
  expect(writes).toHaveLength(1);
  expect(writes[0]!.split('\n')).toEqual([JSON.stringify(entry(1)), JSON.stringify(entry(2)), '']);
  log(entry(3));
  await new Promise((resolve) => setImmediate(resolve));
  expect(writes.map((text) => JSON.parse(text.split('\n')[0]!).session)).toEqual([1, 3]);
});

it('drops lines rather than hold them while the reader is far behind, then says how many', async () => {
  // A pipe no one reads: what a stalled log shipper looks like to the gateway.
  const output = new PassThrough({ highWaterMark: 16 });
  const log = jsonLinesAccessLog(output, { maxQueuedBytes: 1000 });
  const turn = () => new Promise((resolve) => setImmediate(resolve));
  for (let session = 1; session <= 40; session += 1) {
    log(entry(session));
    await turn();
  }
  const queued = output.writableLength;
  expect(queued).toBeGreaterThan(1000);
  expect(queued).toBeLessThan(1000 + 2 * JSON.stringify(entry(40)).length);
  const drain = async () => {
    let text = '';
    for (let chunk = output.read() as Buffer | null; chunk !== null || output.writableLength > 0; chunk = output.read() as Buffer | null) {
      if (chunk === null) await turn();
      else text += chunk.toString();
    }
    return text.split('\n').filter(Boolean).map((line) => JSON.parse(line));
  };
  const written = await drain();
  const keptSessions = written.map((line: { session: number }) => line.session);
  expect(keptSessions).toEqual(Array.from({ length: keptSessions.length }, (_, index) => index + 1));
  // The reader caught up: the next write says how many lines were lost, then carries on.
  log(entry(41));
  await turn();
  const after = await drain();
  expect(after).toEqual([expect.objectContaining({ dropped: 40 - keptSessions.length, reason: expect.stringContaining('fell behind') }), entry(41)]);
});

it('detour serve keeps answering while no one reads its access log, writes every line once someone does, and outlives a reader that goes away', async () => {
  const child = spawn(process.execPath, ['dist/src/cli/main.js', 'serve', 'policies/first.yaml', '--simulate', '--port', '0'], { stdio: ['ignore', 'pipe', 'pipe'] });
  // stdout is not read at first: the pipe and this side's buffer fill after a few hundred lines.
  child.stdout.pause();
  const exited = new Promise<number | null>((resolve) => child.once('exit', resolve));
  let stderr = '';
  try {
    const url = await new Promise<string>((resolve, reject) => {
      child.stderr.on('data', (data: Buffer) => {
        stderr += data.toString();
        const found = /listening on (\S+) /.exec(stderr);
        if (found !== null) resolve(found[1]!);
      });
      child.once('exit', (code) => reject(new Error(`detour serve exited with ${String(code)}: ${stderr}`)));
    });
    const send = async (count: number) => {
      for (let sent = 0; sent < count; sent += 50) {
        const answers = await Promise.all(
          Array.from({ length: 50 }, () =>
            fetch(`${url}/v1/chat/completions`, { method: 'POST', headers: { 'content-type': 'application/json' }, body: JSON.stringify({ model: 'first', messages: [{ role: 'user', content: 'hi' }] }) }),
          ),
        );
        expect(answers.map((answer) => answer.status)).toEqual(Array(50).fill(200));
        await Promise.all(answers.map((answer) => answer.arrayBuffer()));
      }
    };
    await send(600);
    let text = '';
    child.stdout.on('data', (data: Buffer) => (text += data.toString()));
    child.stdout.resume();
    await vi.waitFor(() => expect(text.split('\n').filter(Boolean)).toHaveLength(600));
    expect(text.split('\n').filter(Boolean).every((line) => (JSON.parse(line) as { status: number }).status === 200)).toBe(true);
    // The reader goes away (as `detour serve | head` does): the next writes fail with EPIPE.
    child.stdout.destroy();
    await send(100);
    await vi.waitFor(() => expect(stderr).toContain('access log stopped: EPIPE'));
    await send(50);
    child.kill('SIGTERM');
    expect(await exited).toBe(0);
  } finally {
    child.kill('SIGKILL');
  }
}, 60_000);
