/**
 * driveDemoTraffic's start: the scenario's story begins with the first
 * request, however long setting up took.
 */
import { expect, it } from 'vitest';
import { startSimulator } from '../../src/simulator/index.js';
import { trafficThrough } from './traffic.js';

it('calls onStart once, after set-up and before the first request: a timeline restarted there opens healthy', async () => {
  // The simulator's clock is ours: set-up "takes" 10 s, past gpt-a's healthy first second.
  let storyNow = 0;
  const sim = await startSimulator({
    port: 0,
    now: () => storyNow,
    scenario: { models: { 'gpt-a': { faults: [{ type: 'service_unavailable', when: { from: '1s' } }] } } },
  });
  try {
    storyNow = 10_000;
    const started: number[] = [];
    const traffic = await trafficThrough(sim, {
      requests: 3,
      durationMs: 100,
      onStart: () => {
        started.push(sim.counts().requests);
        sim.reset();
      },
    });
    expect(started).toEqual([0]);
    expect(traffic.sessions.map((session) => session.attempts.map((attempt) => `${attempt.model}:${attempt.outcome}`))).toEqual([['a:success'], ['a:success'], ['a:success']]);
  } finally {
    await sim.close();
  }
});
