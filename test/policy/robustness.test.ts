/**
 * Bad input never throws: random mutations of a valid policy, and keys that
 * collide with Object.prototype, all come back as a result with diagnostics
 * that point inside the file.
 */
import { readFileSync } from 'node:fs';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import { describe, expect, it } from 'vitest';
import { parsePolicy } from '../../src/policy/load.js';
import { errorKindOf } from '../../src/policy/vocabulary.js';

const here = path.dirname(fileURLToPath(import.meta.url));
const valid = readFileSync(path.join(here, '../../policies/rules-hedge.yaml'), 'utf8');

function random(seed: number): () => number {
  let state = seed >>> 0;
  return () => {
    state = (state * 1664525 + 1013904223) >>> 0;
    return state / 2 ** 32;
  };
}

const fragments = ['', ' ', ':', '- ', '{', '}', '[', ']', '"', "'", '&a ', '*a', '\t', '\n', '#', '!!str ', 'null', '-1', 'true', '1e9', '__proto__'];

function mutate(text: string, seed: number): string {
  const next = random(seed);
  let result = text;
  const edits = 1 + Math.floor(next() * 4);
  for (let edit = 0; edit < edits; edit++) {
    const at = Math.floor(next() * result.length);
    const length = Math.floor(next() * 12);
    const insert = fragments[Math.floor(next() * fragments.length)] ?? '';
    result = result.slice(0, at) + insert + result.slice(at + length);
  }
  return result;
}

describe('robustness', () => {
  it('never throws on 400 mutated policies, and every diagnostic points inside the file', () => {
    let rejected = 0;
    for (let seed = 1; seed <= 400; seed++) {
      const text = mutate(valid, seed);
      const lineCount = text.split('\n').length;
      const result = parsePolicy(text, `mutant-${seed}.yaml`);
      if (result.policy === null) rejected++;
      expect(result.policy !== null || result.diagnostics.some((diagnostic) => diagnostic.severity === 'error')).toBe(true);
      for (const diagnostic of result.diagnostics) {
        expect(diagnostic.line).toBeGreaterThanOrEqual(1);
        expect(diagnostic.line).toBeLessThanOrEqual(lineCount);
        expect(diagnostic.column).toBeGreaterThanOrEqual(1);
        expect(diagnostic.message.length).toBeGreaterThan(10);
      }
    }
    expect(rejected).toBeGreaterThan(200);
  });

  it('treats keys named like Object.prototype members as plain names', () => {
    const result = parsePolicy(
      `name: prototype-keys
provider_config:
  constructor: { type: openai_compatible, base_url: "http://127.0.0.1:9/v1" }
models:
  toString: { provider: constructor }
  gpt-4o: {}
groups:
  hasOwnProperty: { members: [toString, gpt-4o] }
primary_model: hasOwnProperty
fallback_models: [toString]
`,
      'prototype.yaml',
    );
    expect(result.diagnostics).toEqual([]);
    expect(result.policy?.models['toString']?.provider).toBe('constructor');
    expect(result.policy?.groups['hasOwnProperty']?.members).toEqual(['toString', 'gpt-4o']);
    expect(errorKindOf('constructor')).toBeUndefined();
  });

  it('rejects a __proto__ key without polluting prototypes', () => {
    const result = parsePolicy(
      `name: proto
models:
  gpt-4o: {}
  __proto__: { provider: openai }
primary_model: gpt-4o
`,
      'proto.yaml',
    );
    expect(({} as Record<string, unknown>).polluted).toBeUndefined();
    expect(result.policy).toBeNull();
    expect(result.diagnostics).toEqual([
      expect.objectContaining({ line: 4, column: 3, pointer: '/models/__proto__', check: 'schema', severity: 'error' }),
    ]);
  });
});
