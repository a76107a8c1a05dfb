import OpenAI from 'openai';
import { afterAll, beforeAll, expect, test } from 'vitest';
import { startSimulator } from '../../src/simulator/index.js';
import type { Simulator } from '../../src/simulator/index.js';

let sim: Simulator;
beforeAll(async () => {
  sim = await startSimulator({ port: 0, timeline: 10, scenario: { models: { 'gpt-down': { faults: [{ type: 'server_error' }] } } } });
});
afterAll(() => sim.close());

test('the timeline records each request, its tag and status, arrival before answer, and resets', async () => {
  const client = new OpenAI({ apiKey: 'test-key', baseURL: `${sim.url}/v1`, maxRetries: 0, defaultHeaders: { 'x-simulator-tag': 'probe' } });
  await client.chat.completions.create({ model: 'gpt-down', messages: [{ role: 'user', content: 'hi' }] }).catch(() => undefined);
  await client.chat.completions.create({ model: 'gpt-up', messages: [{ role: 'user', content: 'hi' }] });
  const entries = (await (await fetch(`${sim.url}/_detour/timeline`)).json()) as { path: string; tag: string; status: number; receivedAt: number; finishedAt: number }[];
  expect(entries.map((entry) => [entry.path, entry.tag, entry.status])).toEqual([
    ['/v1/chat/completions', 'probe', 500],
    ['/v1/chat/completions', 'probe', 200],
  ]);
  for (const entry of entries) expect(entry.finishedAt).toBeGreaterThanOrEqual(entry.receivedAt);
  expect(entries[1]!.receivedAt).toBeGreaterThanOrEqual(entries[0]!.finishedAt);
  sim.reset();
  expect(sim.timeline()).toEqual([]);
});
