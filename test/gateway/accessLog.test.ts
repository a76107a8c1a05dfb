/**
 * The JSON-lines access log: one line per request, the lines of one event-loop
 * turn in one write.
 */
import { expect, it } from 'vitest';
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
