/**
 * driveDemoTraffic's start: the scenario's story begins with the first
 * request, however long setting up took.
 */
import { expect, it } from 'vitest';
import { driveDemoTraffic } from '../../src/demo/DemoRun.js';
import { SelfManagingFallbackFactory } from '../../src/providers/factory.js';
import { startSimulator } from '../../src/simulator/index.js';
import { policyFrom, setOf } from '../executor/support.js';
import { yamlPolicy } from '../executor/simulated.js';

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
    const policy = policyFrom(yamlPolicy('primary_model: a\nfallback_models: [b]\n'));
    const traffic = await driveDemoTraffic({
      policies: setOf(policy),
      policy: policy.name,
      factory: new SelfManagingFallbackFactory({ baseUrlOverride: sim.url, apiKeyOverride: 'test-key' }),
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
