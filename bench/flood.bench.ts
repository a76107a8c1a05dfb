/**
 * Loading hostile policy files: 60,000 unknown keys in one file just under
 * the 1 MiB cap (the loader was quadratic in them: ~2 minutes), and 16,000
 * duplicated keys. Compared with parsing the same text with `yaml` alone,
 * the floor any YAML loader pays. Aim: under 1 s.
 *
 * `npm run bench -- flood`
 */
import { mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { loadPolicyFile } from '../src/policy/load.js';
import { percentile, type BenchResult } from './types.js';

export const title = 'hostile policy files';

const HEADER = ['name: flood', 'models:', '  gpt-4o: { provider: openai }', 'primary_model: gpt-4o'];

/** `count` unknown top-level keys (`unknown_00000: x`), 17 bytes each. */
export function unknownKeysPolicy(count: number): string {
  const lines = [...HEADER];
  for (let index = 0; index < count; index += 1) lines.push(`unknown_${String(index).padStart(5, '0')}: x`);
  return `${lines.join('\n')}\n`;
}

/** `count` keys inside one model's `params`, each written twice. */
function duplicateKeysPolicy(count: number): string {
  const lines = ['name: flood', 'models:', '  gpt-4o:', '    provider: openai', '    params:'];
  for (let index = 0; index < count; index += 1) lines.push(`      p${index}: 1`, `      p${index}: 2`);
  lines.push('primary_model: gpt-4o');
  return `${lines.join('\n')}\n`;
}

async function measure(file: string, text: string, label: string): Promise<BenchResult[]> {
  await writeFile(file, text);
  const samples: number[] = [];
  const floor: number[] = [];
  let shown = 0;
  for (let round = 0; round < 3; round += 1) {
    let start = performance.now();
    const result = await loadPolicyFile(file);
    samples.push(performance.now() - start);
    shown = result.diagnostics.length;
    start = performance.now();
    parseDocument(text, { uniqueKeys: false }).toJS();
    floor.push(performance.now() - start);
  }
  return [
    {
      name: `${label}, median of 3`,
      value: percentile(samples, 50),
      unit: 'ms',
      baseline: { name: 'yaml parseDocument + toJS alone', value: percentile(floor, 50) },
      aim: '< 1000 ms',
      note: `${Buffer.byteLength(text)} bytes, ${shown} diagnostics reported`,
    },
  ];
}

export async function run(): Promise<readonly BenchResult[]> {
  const folder = await mkdtemp(path.join(tmpdir(), 'detour-bench-flood-'));
  try {
    await loadPolicyFile(path.join(folder, 'missing.yaml'));
    const unknown = unknownKeysPolicy(60_000);
    return [
      ...(await measure(path.join(folder, 'unknown.yaml'), unknown, 'loadPolicyFile, 60,000 unknown keys (1 MiB)')),
      ...(await measure(path.join(folder, 'duplicate.yaml'), duplicateKeysPolicy(16_000), 'loadPolicyFile, 16,000 duplicated keys')),
    ];
  } finally {
    await rm(folder, { recursive: true, force: true });
  }
}
