/**
 * Files built to flood the loader: tens of thousands of unknown or repeated
 * keys load in one pass and report a bounded number of diagnostics. Before
 * the loader was linear, the 60,000-key file took minutes (the test timed out).
 */
import { describe, expect, it } from 'vitest';
import { unknownKeysPolicy } from '../../bench/flood.bench.js';
import { MAX_DIAGNOSTICS_PER_FILE } from '../../src/policy/diagnostics.js';
import { MAX_POLICY_BYTES, parsePolicy } from '../../src/policy/load.js';
import { nearest } from '../../src/policy/suggest.js';

describe('a flood of keys', () => {
  it('60,000 unknown keys in 1 MiB: the first 20 problems, then "… and 59,980 more"', () => {
    const text = unknownKeysPolicy(60_000);
    expect(Buffer.byteLength(text)).toBeLessThan(MAX_POLICY_BYTES);
    const { policy, diagnostics } = parsePolicy(text, 'flood.yaml');
    expect(policy).toBeNull();
    expect(diagnostics).toHaveLength(MAX_DIAGNOSTICS_PER_FILE + 1);
    expect(diagnostics[0]).toMatchObject({ line: 5, column: 1, pointer: '/unknown_00000', check: 'schema' });
    expect(diagnostics[0]?.message).toMatch(/^unknown key `unknown_00000` in the policy\. Known keys here:/);
    expect(diagnostics[19]).toMatchObject({ line: 24, pointer: '/unknown_00019' });
    expect(diagnostics[20]).toMatchObject({
      severity: 'error',
      check: 'limit',
      line: 25,
      message: '… and 59,980 more problems in this file (the first 20 are shown)',
    });
  }, 60_000);

  it('16,000 keys written twice: each repeat found, with the line of the first', () => {
    const lines = ['name: flood', 'models:', '  gpt-4o:', '    provider: openai', '    params:'];
    for (let index = 0; index < 16_000; index += 1) lines.push(`      p${index}: 1`, `      p${index}: 2`);
    lines.push('primary_model: gpt-4o');
    const { diagnostics } = parsePolicy(`${lines.join('\n')}\n`, 'repeats.yaml');
    expect(diagnostics).toHaveLength(MAX_DIAGNOSTICS_PER_FILE + 1);
    expect(diagnostics[0]).toMatchObject({ line: 7, column: 7, pointer: '/models/gpt-4o/params/p0', check: 'duplicate-key' });
    expect(diagnostics[0]?.message).toBe('duplicate key `p0` (first on line 6): each key may appear once in a mapping; remove or merge one');
    expect(diagnostics[20]?.message).toBe('… and 15,980 more problems in this file (the first 20 are shown)');
  }, 60_000);

  it('a few problems are all reported, with no summary line', () => {
    const text = `${unknownKeysPolicy(3)}max_attempt: 3\n`;
    const { diagnostics } = parsePolicy(text, 'few.yaml');
    expect(diagnostics.map((diagnostic) => diagnostic.pointer)).toEqual(['/unknown_00000', '/unknown_00001', '/unknown_00002', '/max_attempt']);
    expect(diagnostics[3]?.message).toContain('Did you mean `max_attempts`?');
  });

  it('"did you mean" skips candidates whose length alone rules them out, so a huge key costs nothing', () => {
    expect(nearest('x'.repeat(500_000), ['max_attempts', 'timeout'])).toBeUndefined();
    expect(nearest('max_atempts', ['timeout', 'max_attempts'])).toBe('max_attempts');
    expect(nearest('Max-Attempts', ['max_attempts'])).toBe('max_attempts');
    expect(nearest('retry', ['timeout', 'retries'])).toBeUndefined();
  });
});
