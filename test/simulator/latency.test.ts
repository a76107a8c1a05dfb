/**
 * Latency with stalls mixed in (`latency: { p50, p99, stall: { probability, latency } }`):
 * parsing, validation with positions, and the draws it gives.
 */
import { describe, expect, it } from 'vitest';
import { compileLatency } from '../../src/simulator/latency.js';
import { sampleLatency, seededRandom } from '../../src/simulator/random.js';
import { compileScenario, loadScenarioFile, parseScenario } from '../../src/simulator/scenario.js';
import { ScenarioError } from '../../src/simulator/ScenarioError.js';
import type { Latency } from '../../src/simulator/scenarioTypes.js';

function issuesOf(action: () => unknown): { path: string; message: string; line: number | null }[] {
  try {
    action();
  } catch (error) {
    if (ScenarioError.isInstance(error)) return error.issues.map(({ path, message, line }) => ({ path, message, line }));
    throw error;
  }
  throw new Error('expected a ScenarioError');
}

const latencyOf = (latency: unknown): Latency | undefined => compileScenario({ models: { '*': { latency } } }).models.get('*')?.latency;

describe('stall latency: parsing', () => {
  it('mixes stalls into a lognormal or a uniform base; the stall latency takes every base form', () => {
    expect(latencyOf({ p50: '20ms', p99: '60ms', stall: { probability: 0.03, latency: '1s' } })).toEqual({
      kind: 'stall',
      base: { kind: 'lognormal', p50: 20, p99: 60 },
      probability: 0.03,
      stall: { kind: 'fixed', ms: 1000 },
    });
    expect(latencyOf({ min: '5ms', max: '10ms', stall: { probability: 0.5, latency: { min: '800ms', max: '1.2s' } } })).toEqual({
      kind: 'stall',
      base: { kind: 'uniform', min: 5, max: 10 },
      probability: 0.5,
      stall: { kind: 'uniform', min: 800, max: 1200 },
    });
    expect(latencyOf({ p50: '20ms', p99: '60ms', stall: { probability: 0, latency: { p50: '1s', p99: '3s' } } })).toMatchObject({
      kind: 'stall',
      stall: { kind: 'lognormal', p50: 1000, p99: 3000 },
    });
  });

  it('applies to chunk_latency too (a stream that stalls between chunks)', () => {
    const behaviour = compileScenario({ models: { '*': { chunk_latency: { min: '1ms', max: '2ms', stall: { probability: 0.1, latency: '500ms' } } } } }).models.get('*');
    expect(behaviour?.chunkLatency.kind).toBe('stall');
  });

  it('rejects a bad probability, a missing latency, unknown keys, nested stalls and a stall without a base, each with its line', () => {
    const issues = issuesOf(() =>
      parseScenario(
        [
          'models:',
          '  a:',
          '    latency: { p50: 20ms, p99: 60ms, stall: { probability: 1.5, latency: 1s } }',
          '  b:',
          '    latency: { p50: 20ms, p99: 60ms, stall: { probability: 0.1 } }',
          '  c:',
          '    latency: { p50: 20ms, p99: 60ms, stall: { probability: 0.1, latency: 1s, every: 3 } }',
          '  d:',
          '    latency: { p50: 20ms, p99: 60ms, stall: { probability: 0.1, latency: { min: 1s, max: 2s, stall: { probability: 1, latency: 5s } } } }',
          '  e:',
          '    latency: { stall: { probability: 0.1, latency: 1s } }',
          '  f:',
          '    latency: { p50: 20ms, p99: 60ms, stall: 1s }',
        ].join('\n'),
        'stalls.yaml',
      ),
    );
    expect(issues).toEqual([
      { path: 'models.a.latency.stall.probability', message: 'must be a number from 0 to 1, got 1.5', line: 3 },
      { path: 'models.b.latency.stall', message: expect.stringContaining('needs `latency`'), line: 5 },
      { path: 'models.c.latency.stall.every', message: expect.stringContaining('unknown key `every`'), line: 7 },
      { path: 'models.d.latency.stall.latency.stall', message: 'a stall cannot have stalls of its own', line: 9 },
      { path: 'models.e.latency', message: expect.stringContaining('beside `stall`'), line: 11 },
      { path: 'models.f.latency.stall', message: 'must be a map: { probability: 0.03, latency: 1s }', line: 13 },
    ]);
  });

  it('reports problems inside the stall latency at their own path', () => {
    const issues: string[] = [];
    compileLatency({ p50: '20ms', p99: '60ms', stall: { probability: 0.1, latency: { min: '2s', max: '1s' } } }, ['latency'], (path, message) => issues.push(`${path.join('.')}: ${message}`));
    expect(issues).toEqual(['latency.stall.latency.max: max must be at least min']);
  });
});

describe('stall latency: draws', () => {
  const stalls: Latency = { kind: 'stall', base: { kind: 'lognormal', p50: 20, p99: 60 }, probability: 0.03, stall: { kind: 'fixed', ms: 1000 } };

  it('stalls on about `probability` of requests and draws the base latency otherwise', () => {
    const random = seededRandom(11);
    const samples = Array.from({ length: 40_000 }, () => sampleLatency(stalls, random));
    const stalled = samples.filter((sample) => sample === 1000).length / samples.length;
    expect(stalled).toBeGreaterThan(0.027);
    expect(stalled).toBeLessThan(0.033);
    const base = samples.filter((sample) => sample !== 1000).sort((a, b) => a - b);
    expect(base[Math.floor(base.length / 2)]).toBeGreaterThan(19);
    expect(base[Math.floor(base.length / 2)]).toBeLessThan(21);
    expect(base[Math.floor(base.length * 0.99)]).toBeGreaterThan(55);
    expect(base[Math.floor(base.length * 0.99)]).toBeLessThan(66);
  });

  it('is seeded: the same seed gives the same draws', () => {
    const first = seededRandom(3);
    const second = seededRandom(3);
    const draws = (random: () => number) => Array.from({ length: 200 }, () => sampleLatency(stalls, random));
    expect(draws(first)).toEqual(draws(second));
  });

  it('probability 0 never stalls, 1 always does', () => {
    const random = seededRandom(5);
    for (let index = 0; index < 500; index += 1) {
      expect(sampleLatency({ ...stalls, probability: 0 }, random)).toBeLessThan(1000);
      expect(sampleLatency({ ...stalls, probability: 1 }, random)).toBe(1000);
    }
  });
});

describe('the bundled heavy-tail-stalls scenario', () => {
  it('loads, and its p99 is the stall: at least ten times its median', async () => {
    const scenario = await loadScenarioFile(new URL('../../scenarios/heavy-tail-stalls.yaml', import.meta.url).pathname);
    expect(scenario.name).toBe('heavy-tail-stalls');
    const latency = scenario.models.get('*')?.latency;
    expect(latency?.kind).toBe('stall');
    const random = seededRandom(42);
    const samples = Array.from({ length: 20_000 }, () => sampleLatency(latency as Latency, random)).sort((a, b) => a - b);
    const median = samples[10_000] as number;
    expect((samples[19_800] as number) / median).toBeGreaterThanOrEqual(10);
  });
});
