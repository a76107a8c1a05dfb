/**
 * The demo's start: the scenario's story begins with the first request,
 * however long setting up took.
 */
import { expect, it } from 'vitest';
import { startSimulator } from '../../src/simulator/index.js';
import { trafficThrough } from './traffic.js';

it("a timeline reset as the demo resets it (clockFrom: 'first-request') opens healthy, however long set-up took", async () => {
  // The simulator's clock is ours: set-up "takes" 10 s, past gpt-a's healthy first second.
  let storyNow = 0;
  const sim = await startSimulator({
    port: 0,
    now: () => storyNow,
    scenario: { models: { 'gpt-a': { faults: [{ type: 'service_unavailable', when: { from: '1s' } }] } } },
  });
  try {
    sim.reset({ clockFrom: 'first-request' });
    storyNow = 10_000;
    const traffic = await trafficThrough(sim, { requests: 3, durationMs: 100 });
    expect(traffic.sessions.map((session) => session.attempts.map((attempt) => `${attempt.model}:${attempt.outcome}`))).toEqual([['a:success'], ['a:success'], ['a:success']]);
  } finally {
    await sim.close();
  }
});
