import { afterEach, describe, expect, it } from 'vitest';
import { behaviourFor } from '../../src/simulator/faults.js';
import { sampleLatency, seededRandom } from '../../src/simulator/random.js';
import { bundledScenarioPath } from '../../src/simulator/bundled.js';
import { compileScenario, loadScenarioFile } from '../../src/simulator/scenario.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../../src/simulator/server.js';
import { callThrough } from './outcome.js';

const running: Simulator[] = [];

async function start(options: SimulatorOptions): Promise<Simulator> {
  const simulator = await startSimulator(options);
  running.push(simulator);
  return simulator;
}

afterEach(async () => {
  await Promise.all(running.splice(0).map((simulator) => simulator.close()));
});

/** Status of each of `count` sequential calls (200 for success). */
async function statuses(simulator: Simulator, model: string, count: number): Promise<number[]> {
  const seen: number[] = [];
  for (let index = 0; index < count; index += 1) {
    const outcome = await callThrough('openai', simulator, model, { stream: false });
    seen.push(outcome.error === null ? 200 : (outcome.status ?? -1));
  }
  return seen;
}

describe('when a fault applies', () => {
  it('first: N fails the first N requests of that model only, again after reset()', async () => {
    const simulator = await start({ scenario: { models: { 'gpt-4o': { faults: [{ type: 'rate_limit', when: { first: 3 } }] } } } });
    expect(await statuses(simulator, 'gpt-4o', 5)).toEqual([429, 429, 429, 200, 200]);
    expect(await statuses(simulator, 'gpt-4o-mini', 1)).toEqual([200]);
    simulator.reset();
    expect(await statuses(simulator, 'gpt-4o', 4)).toEqual([429, 429, 429, 200]);
  });

  it('every: N fails every Nth request', async () => {
    const simulator = await start({ scenario: { models: { '*': { faults: [{ type: 'server_error', when: { every: 3 } }] } } } });
    expect(await statuses(simulator, 'gpt-4o', 7)).toEqual([200, 200, 500, 200, 200, 500, 200]);
  });

  it('probability draws from the seed: the same seed repeats the pattern, another one does not', async () => {
    const scenario = { models: { '*': { faults: [{ type: 'service_unavailable', when: { probability: 0.3 } }] } } };
    const first = await start({ scenario, seed: 11 });
    const again = await start({ scenario, seed: 11 });
    const other = await start({ scenario, seed: 12 });
    const pattern = await statuses(first, 'gpt-4o', 40);
    expect(await statuses(again, 'gpt-4o', 40)).toEqual(pattern);
    expect(await statuses(other, 'gpt-4o', 40)).not.toEqual(pattern);
    const failures = pattern.filter((status) => status === 503).length;
    expect(failures).toBeGreaterThan(4);
    expect(failures).toBeLessThan(20);
  });

  it('from/to is a window on the injected clock, restarted by reset()', async () => {
    let clock = 1_000_000;
    const simulator = await start({
      now: () => clock,
      scenario: { models: { 'gpt-4o': { faults: [{ type: 'service_unavailable', when: { from: '10s', to: '40s' } }] } } },
    });
    const at = async (elapsedMs: number): Promise<number> => {
      clock = 1_000_000 + elapsedMs;
      return (await statuses(simulator, 'gpt-4o', 1))[0] ?? -1;
    };
    expect([await at(0), await at(9_999), await at(10_000), await at(39_999), await at(40_000)]).toEqual([200, 200, 503, 503, 200]);
    clock = 2_000_000;
    simulator.reset();
    clock = 2_015_000;
    expect(await statuses(simulator, 'gpt-4o', 1)).toEqual([503]);
  });

  it("reset({ clockFrom: 'first-request' }) starts the clock when the next model request arrives", async () => {
    let clock = 0;
    const simulator = await start({
      now: () => clock,
      scenario: { models: { 'gpt-4o': { faults: [{ type: 'service_unavailable', when: { from: '10s' } }] } } },
    });
    simulator.reset({ clockFrom: 'first-request' });
    clock = 60_000; // a slow start: a minute before anything arrives
    expect(await statuses(simulator, 'gpt-4o', 1)).toEqual([200]);
    clock = 69_999;
    expect(await statuses(simulator, 'gpt-4o', 1)).toEqual([200]);
    clock = 70_000;
    expect(await statuses(simulator, 'gpt-4o', 1)).toEqual([503]);
  });

  it('conditions combine, and the first fault that applies wins', async () => {
    let clock = 0;
    const simulator = await start({
      now: () => clock,
      scenario: {
        models: {
          '*': {
            faults: [
              { type: 'rate_limit', when: { first: 1 } },
              { type: 'overloaded', when: { from: '5s', every: 2 } },
              { type: 'server_error' },
            ],
          },
        },
      },
    });
    const early = await statuses(simulator, 'gpt-4o', 2);
    clock = 6_000;
    const late = await statuses(simulator, 'gpt-4o', 2);
    expect(early).toEqual([429, 500]);
    expect(late).toEqual([500, 503]);
  });

  it('model ids match exactly, then the longest * pattern, then *', () => {
    const scenario = compileScenario({
      models: { '*': { latency: '1ms' }, 'claude-*': { latency: '2ms' }, 'claude-3-*-latest': { latency: '3ms' }, 'claude-opus': { latency: '4ms' } },
    });
    expect(behaviourFor(scenario, 'claude-opus').latency).toEqual({ kind: 'fixed', ms: 4 });
    expect(behaviourFor(scenario, 'claude-3-5-haiku-latest').latency).toEqual({ kind: 'fixed', ms: 3 });
    expect(behaviourFor(scenario, 'claude-3-5-haiku').latency).toEqual({ kind: 'fixed', ms: 2 });
    expect(behaviourFor(scenario, 'gpt-4o').latency).toEqual({ kind: 'fixed', ms: 1 });
    expect(behaviourFor(compileScenario({ models: {} }), 'gpt-4o').faults).toEqual([]);
  });

  it('setScenario swaps the behaviour of a running simulator', async () => {
    const simulator = await start({});
    expect(await statuses(simulator, 'gpt-4o', 1)).toEqual([200]);
    await simulator.setScenario({ models: { '*': { faults: [{ type: 'unauthorized' }] } } });
    expect(await statuses(simulator, 'gpt-4o', 1)).toEqual([401]);
  });
});

describe('latency draws', () => {
  it('lognormal lands its median at p50 and its 99th percentile at p99', () => {
    const random = seededRandom(5);
    const samples = Array.from({ length: 20_000 }, () => sampleLatency({ kind: 'lognormal', p50: 20, p99: 400 }, random)).sort((a, b) => a - b);
    expect(samples[10_000]).toBeGreaterThan(18);
    expect(samples[10_000]).toBeLessThan(22);
    expect(samples[19_800]).toBeGreaterThan(340);
    expect(samples[19_800]).toBeLessThan(470);
  });

  it('uniform stays in range, fixed is fixed', () => {
    const random = seededRandom(5);
    for (let index = 0; index < 1000; index += 1) {
      const value = sampleLatency({ kind: 'uniform', min: 10, max: 20 }, random);
      expect(value >= 10 && value <= 20).toBe(true);
    }
    expect(sampleLatency({ kind: 'fixed', ms: 7 }, random)).toBe(7);
  });
});

describe('counts', () => {
  it('counts requests and outcomes per model, rejected requests, and serves them at /_detour/counts', async () => {
    const simulator = await start({ scenario: { models: { 'gpt-4o': { faults: [{ type: 'rate_limit', when: { first: 2 } }] } } } });
    await statuses(simulator, 'gpt-4o', 3);
    await callThrough('anthropic', simulator, 'claude-haiku-4-5', { stream: true });
    await callThrough('google', simulator, 'gemini-2.0-flash', { stream: false });
    const bad = await fetch(`${simulator.url}/v1/chat/completions`, { method: 'POST', body: '{not json', headers: { 'content-type': 'application/json' } });
    expect(bad.status).toBe(400);
    expect(((await bad.json()) as { error: { message: string } }).error.message).toContain('not valid JSON');
    const expected = {
      requests: 5,
      connectionsClosedByClient: 0,
      rejected: 1,
      models: {
        'gpt-4o': { requests: 3, outcomes: { rate_limit: 2, success: 1 } },
        'claude-haiku-4-5': { requests: 1, outcomes: { success: 1 } },
        'gemini-2.0-flash': { requests: 1, outcomes: { success: 1 } },
      },
    };
    expect(simulator.counts()).toEqual(expected);
    expect(await (await fetch(`${simulator.url}/_detour/counts`)).json()).toEqual(expected);
    simulator.reset();
    expect(simulator.counts()).toEqual({ requests: 0, connectionsClosedByClient: 0, rejected: 0, models: {} });
  });

  it('counts the losers of a race the client aborted, while the latency timer was still pending', async () => {
    const simulator = await start({ scenario: { models: { slow: { latency: '30s' } } } });
    const controller = new AbortController();
    const calls = [1, 2, 3].map(() => callThrough('openai', simulator, 'slow', { stream: false, signal: controller.signal }));
    for (let turn = 0; simulator.counts().requests < 3; turn += 1) {
      if (turn > 100_000) throw new Error('requests never arrived');
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    controller.abort();
    const outcomes = await Promise.all(calls);
    expect(outcomes.every((outcome) => outcome.error?.constructor.name === 'APIUserAbortError')).toBe(true);
    for (let turn = 0; simulator.counts().connectionsClosedByClient < 3; turn += 1) {
      if (turn > 100_000) throw new Error('closes never counted');
      await new Promise<void>((resolve) => setImmediate(resolve));
    }
    expect(simulator.counts().connectionsClosedByClient).toBe(3);
  });
});

describe('the bundled outage scenario', () => {
  it('rate-limits, then takes down gpt-4o, overloads claude now and then, and leaves gemini healthy', async () => {
    const loaded = await loadScenarioFile(bundledScenarioPath('outage'));
    const instant = { kind: 'fixed', ms: 0 } as const;
    const models = new Map([...loaded.models].map(([id, behaviour]) => [id, { ...behaviour, latency: instant, chunkLatency: instant }]));
    let clock = 0;
    const simulator = await start({ now: () => clock, scenario: { ...loaded, models } });
    const timeline: Record<string, string[]> = { 'gpt-4o': [], 'claude-3-5-haiku-latest': [], 'gemini-2.0-flash': [] };
    for (let second = 0; second < 15; second += 1) {
      clock = second * 1000 + 500;
      timeline['gpt-4o']?.push(String((await statuses(simulator, 'gpt-4o', 1))[0]));
      const claude = await Promise.all([1, 2, 3].map(() => callThrough('anthropic', simulator, 'claude-3-5-haiku-latest', { stream: false })));
      timeline['claude-3-5-haiku-latest']?.push(claude.map((outcome) => outcome.status ?? 200).join('/'));
      const gemini = await callThrough('google', simulator, 'gemini-2.0-flash', { stream: false });
      timeline['gemini-2.0-flash']?.push(String(gemini.status ?? 200));
    }
    expect(timeline['gpt-4o']).toEqual(['200', '200', '429', '429', '429', '503', '503', '503', '503', '503', '503', '503', '200', '200', '200']);
    expect(timeline['gemini-2.0-flash']?.every((status) => status === '200')).toBe(true);
    const claude = timeline['claude-3-5-haiku-latest'] ?? [];
    expect([...claude.slice(0, 3), ...claude.slice(13)].join('/')).not.toContain('529');
    const overloaded = claude.slice(3, 13).join('/').split('/').filter((status) => status === '529').length;
    expect(overloaded).toBeGreaterThan(3);
    expect(overloaded).toBeLessThan(27);
  });
});
