import { describe, expect, it } from 'vitest';
import { BUNDLED_SCENARIOS, bundledScenarioPath } from '../../src/simulator/bundled.js';
import { compileScenario, loadScenarioFile, parseDuration, parseScenario } from '../../src/simulator/scenario.js';
import { ScenarioError } from '../../src/simulator/ScenarioError.js';

function errorOf(action: () => unknown): ScenarioError {
  try {
    action();
  } catch (error) {
    if (ScenarioError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ScenarioError');
}

describe('scenario parsing', () => {
  it('compiles durations, distributions, faults and defaults', () => {
    const scenario = parseScenario(
      [
        'name: sample',
        'seed: 9',
        'models:',
        '  "*": { latency: 200ms }',
        '  gpt-4o:',
        '    latency: { p50: 100ms, p99: 2s }',
        '    chunk_latency: { min: 1ms, max: 5ms }',
        '    faults:',
        '      - { type: rate_limit, retry_after: 2s, when: { first: 3 } }',
        '      - { type: overloaded, provider: anthropic, when: { from: 10s, to: 40s, probability: 0.5 } }',
        '      - { type: cut_stream, after_chunks: 3, when: { every: 5 } }',
        '      - { type: overloaded, after_chunks: 2 }',
      ].join('\n'),
    );
    expect(scenario.name).toBe('sample');
    expect(scenario.seed).toBe(9);
    expect(scenario.models.get('*')?.latency).toEqual({ kind: 'fixed', ms: 200 });
    const gpt = scenario.models.get('gpt-4o');
    expect(gpt?.latency).toEqual({ kind: 'lognormal', p50: 100, p99: 2000 });
    expect(gpt?.chunkLatency).toEqual({ kind: 'uniform', min: 1, max: 5 });
    expect(gpt?.faults).toEqual([
      { type: 'rate_limit', retryAfterSeconds: 2, when: { first: 3 }, afterChunks: 1, midStream: false },
      { type: 'overloaded', provider: 'anthropic', when: { fromMs: 10_000, toMs: 40_000, probability: 0.5 }, afterChunks: 1, midStream: false },
      { type: 'cut_stream', when: { every: 5 }, afterChunks: 3, midStream: false },
      { type: 'overloaded', when: {}, afterChunks: 2, midStream: true },
    ]);
  });

  it('reads durations as ms, s, m, or a number of seconds', () => {
    expect(parseDuration('250ms')).toBe(250);
    expect(parseDuration('1.5s')).toBe(1500);
    expect(parseDuration('2m')).toBe(120_000);
    expect(parseDuration(3)).toBe(3000);
    expect(parseDuration('soon')).toBeUndefined();
    expect(parseDuration(-1)).toBeUndefined();
  });

  it('names file, line and column of an unknown fault type', () => {
    const error = errorOf(() =>
      parseScenario(['models:', '  gpt-4o:', '    faults:', '      - type: rate_limt', '        when: { first: 2 }'].join('\n'), 'bad.yaml'),
    );
    expect(error.message).toMatch(/^bad\.yaml:4:15: models\.gpt-4o\.faults\.0\.type: unknown fault type "rate_limt"/);
    expect(error.issues).toHaveLength(1);
  });

  it('collects every problem, each located', () => {
    const error = errorOf(() =>
      parseScenario(
        [
          'models:',
          '  gpt-4o:',
          '    latency: { p50: 2s, p99: 1s }',
          '    faults:',
          '      - { type: hang, when: { probability: 1.5 } }',
          '      - { type: reset, when: { from: 40s, to: 10s } }',
          '    colour: blue',
        ].join('\n'),
        'many.yaml',
      ),
    );
    expect(error.issues.map((issue) => [issue.path, issue.line, issue.column])).toEqual([
      ['models.gpt-4o.colour', 7, 5],
      ['models.gpt-4o.latency.p99', 3, 30],
      ['models.gpt-4o.faults.0.when.probability', 5, 44],
      ['models.gpt-4o.faults.1.when.to', 6, 47],
    ]);
    expect(error.message).toContain('(and 3 more)');
  });

  it('reports YAML syntax errors with their position', () => {
    const error = errorOf(() => parseScenario('models:\n  gpt-4o: { latency: 2s\n', 'syntax.yaml'));
    expect(error.message).toMatch(/^syntax\.yaml:\d+:\d+: /);
    expect(error.issues[0]?.line).not.toBeNull();
  });

  it('rejects a scenario without models, and bad objects without positions', () => {
    expect(errorOf(() => parseScenario('name: x\n', 'empty.yaml')).message).toMatch(/^empty\.yaml:1:1: a scenario needs a `models` map/);
    const error = errorOf(() => compileScenario({ models: { '*': { latency: 'fast' } } }));
    expect(error.message).toBe('scenario: models.*.latency: expected a duration like 200ms or 2s, or { p50, p99 } / { min, max }, got "fast"');
  });

  it('says when a file is missing', async () => {
    await expect(loadScenarioFile('/nonexistent/scenario.yaml')).rejects.toThrow('/nonexistent/scenario.yaml: file not found');
  });

  it.each(BUNDLED_SCENARIOS)('the bundled %s scenario is valid', async (name) => {
    const scenario = await loadScenarioFile(bundledScenarioPath(name));
    expect(scenario.name).toBe(name);
    expect(scenario.models.has('*')).toBe(true);
  });

  it('chaos fails about 30% of requests, spread over every fault kind', async () => {
    const scenario = await loadScenarioFile(bundledScenarioPath('chaos'));
    const faults = scenario.models.get('*')?.faults ?? [];
    expect(faults).toHaveLength(22);
    let healthy = 1;
    for (const fault of faults) healthy *= 1 - (fault.when.probability ?? 0);
    expect(1 - healthy).toBeCloseTo(0.3, 3);
  });

  it('heavy-tail has a p99 at least ten times its median', async () => {
    const latency = (await loadScenarioFile(bundledScenarioPath('heavy-tail'))).models.get('*')?.latency;
    expect(latency?.kind).toBe('lognormal');
    if (latency?.kind === 'lognormal') expect(latency.p99 / latency.p50).toBeGreaterThanOrEqual(10);
  });
});
