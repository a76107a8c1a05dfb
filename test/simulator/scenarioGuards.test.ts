/**
 * The scenario loader's guards against hostile input (the policy loader's,
 * applied to `detour simulate --scenario`), and the scenario JSON Schema
 * that gives editors completion, checked against the loader.
 */
import { execFileSync } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { Ajv2020 } from 'ajv/dist/2020.js';
import { afterAll, beforeAll, describe, expect, it } from 'vitest';
import { BUNDLED_SCENARIOS, bundledScenarioPath } from '../../src/simulator/bundled.js';
import { MAX_SCENARIO_BYTES, MAX_SCENARIO_ISSUES, loadScenarioFile, parseScenario } from '../../src/simulator/scenario.js';
import { ScenarioError } from '../../src/simulator/ScenarioError.js';
import { DOCUMENTED_FAULTS, DOCUMENTED_PROVIDERS, WIRE_FAULTS } from '../../src/simulator/scenarioTypes.js';

let folder = '';
beforeAll(async () => {
  folder = await mkdtemp(path.join(tmpdir(), 'detour-scenario-guards-'));
});
afterAll(async () => {
  await rm(folder, { recursive: true, force: true });
});

async function failure(load: () => Promise<unknown> | unknown): Promise<ScenarioError> {
  try {
    await load();
  } catch (error) {
    if (ScenarioError.isInstance(error)) return error;
    throw error;
  }
  throw new Error('expected a ScenarioError');
}

describe('what the scenario loader refuses before reading', () => {
  it('a FIFO: refused at once (it used to wait for a writer forever)', async () => {
    const fifo = path.join(folder, 'scenario.fifo');
    execFileSync('mkfifo', [fifo]);
    const error = await failure(() => loadScenarioFile(fifo));
    expect(error.message).toBe(`${fifo}: not a regular file: give a scenario file (YAML or JSON) or a bundled scenario name`);
  });

  it('a device such as /dev/urandom: refused, nothing read', async () => {
    const error = await failure(() => loadScenarioFile('/dev/urandom'));
    expect(error.message).toMatch(/^\/dev\/urandom: not a regular file/);
  });

  it('a folder, and a file over 1 MiB', async () => {
    expect((await failure(() => loadScenarioFile(folder))).message).toMatch(/not a regular file/);
    const large = path.join(folder, 'large.yaml');
    await writeFile(large, `models:\n  "*": { reply: "${'x'.repeat(MAX_SCENARIO_BYTES)}" }\n`);
    expect((await failure(() => loadScenarioFile(large))).message).toMatch(/^.*large\.yaml: the scenario is \d+ bytes; scenarios are limited to 1048576 bytes/);
  });
});

describe('what the scenario parser refuses, with file:line:col', () => {
  it('an alias bomb: at the first alias', async () => {
    const text = [
      'models:',
      '  "*":',
      '    a: &a [x, x, x, x, x, x, x, x, x, x]',
      '    b: &b [*a, *a, *a, *a, *a, *a, *a, *a, *a, *a]',
      '    c: &c [*b, *b, *b, *b, *b, *b, *b, *b, *b, *b]',
      '    d: [*c, *c, *c, *c, *c, *c, *c, *c, *c, *c]',
      '',
    ].join('\n');
    const error = await failure(() => parseScenario(text, 'bomb.yaml'));
    expect(error.message).toMatch(/^bomb\.yaml:4:12: models\.\*\.b\.0: YAML aliases expand too far/);
  });

  it('a key written twice: at the repeat, naming the first line', async () => {
    const error = await failure(() => parseScenario('models:\n  "*": { latency: 1ms }\n  "*": { latency: 2ms }\n', 'twice.yaml'));
    expect(error.message).toBe('twice.yaml:3:3: models.*: duplicate key `*` (first on line 2): each key may appear once in a mapping');
  });

  it('60,000 unknown keys: the first 20 listed, the rest counted', async () => {
    const lines = ['models:', '  "*":'];
    for (let index = 0; index < 60_000; index += 1) lines.push(`    k${index}: 1`);
    const error = await failure(() => parseScenario(`${lines.join('\n')}\n`, 'flood.yaml'));
    expect(error.issues).toHaveLength(MAX_SCENARIO_ISSUES);
    expect(error.total).toBe(60_000);
    expect(error.message).toMatch(/^flood\.yaml:3:5: models\.\*\.k0: unknown key `k0`.* \(and 59,999 more\)$/);
  }, 60_000);
});

describe('schemas/scenario.schema.json', () => {
  const schema = JSON.parse(readFileSync(new URL('../../schemas/scenario.schema.json', import.meta.url), 'utf8')) as {
    $defs: { fault: { properties: { type: { enum: string[] }; provider: { enum: string[] } } } };
  };
  const validate = new Ajv2020({ allErrors: true, strict: true, allowUnionTypes: true }).compile(schema);

  it('names every fault type and provider the loader accepts', () => {
    expect(schema.$defs.fault.properties.type.enum).toEqual([...DOCUMENTED_FAULTS, ...WIRE_FAULTS]);
    expect(schema.$defs.fault.properties.provider.enum).toEqual([...DOCUMENTED_PROVIDERS]);
  });

  it.each(BUNDLED_SCENARIOS)('accepts the bundled %s scenario, which names it for editors', async (name) => {
    const file = bundledScenarioPath(name);
    const text = readFileSync(file, 'utf8');
    expect(text.startsWith('# yaml-language-server: $schema=../schemas/scenario.schema.json\n')).toBe(true);
    const { parse } = await import('yaml');
    expect(validate(parse(text)), JSON.stringify(validate.errors)).toBe(true);
  });

  it.each([
    ['an unknown top-level key', { models: {}, modles: {} }],
    ['an unknown fault type', { models: { '*': { faults: [{ type: 'rate_limited' }] } } }],
    ['a probability above 1', { models: { '*': { faults: [{ type: 'reset', when: { probability: 2 } }] } } }],
    ['a latency that is not a duration', { models: { '*': { latency: 'fast' } } }],
    ['a fault with no type', { models: { '*': { faults: [{ retry_after: '1s' }] } } }],
  ])('rejects %s, as the loader does', (_, definition) => {
    expect(validate(definition)).toBe(false);
    expect(() => parseScenario(JSON.stringify(definition), 'x.json')).toThrow(ScenarioError);
  });
});
