/**
 * No import cycles anywhere in src/, type imports and lazy `import()`s
 * included: a cycle usually means a type or helper that belongs one floor
 * down, in a module both sides can import. And the floors themselves: a lower
 * folder never imports a higher one, not even for a type.
 */
import { mkdirSync, mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve, sep } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

/** Doc and line comments that start a line: their `import('./x.js')` examples are not imports. */
const COMMENT = /^\s*\/\*[\s\S]*?\*\/|^\s*\/\/.*$/gm;
const IMPORT = /^(?:import|export)\s[^;]*?\sfrom\s*['"](\.[^'"]+)['"]|^import\s+['"](\.[^'"]+)['"]|\bimport\(\s*['"](\.[^'"]+)['"]\s*\)/gm;

/** The files `file` imports or re-exports by relative path: values, types (`import type`, `typeof import()`) and lazy `import()`s. */
function importsOf(file: string): string[] {
  const code = readFileSync(file, 'utf8').replace(COMMENT, '');
  return [...code.matchAll(IMPORT)].map(([, from, sideEffect, lazy]) => resolve(dirname(file), (from ?? sideEffect ?? lazy)!.replace(/\.js$/, '.ts')));
}

/** The strongly connected components with more than one file (Tarjan), as sorted paths relative to `root`. */
function cycles(root: string, files: readonly string[]): string[][] {
  const known = new Set(files);
  const graph = new Map(files.map((file) => [file, importsOf(file).filter((to) => known.has(to))]));
  const index = new Map<string, number>();
  const low = new Map<string, number>();
  const stack: string[] = [];
  const onStack = new Set<string>();
  const found: string[][] = [];
  const visit = (file: string): void => {
    index.set(file, index.size);
    low.set(file, index.get(file)!);
    stack.push(file);
    onStack.add(file);
    for (const next of graph.get(file) ?? []) {
      if (!index.has(next)) {
        visit(next);
        low.set(file, Math.min(low.get(file)!, low.get(next)!));
      } else if (onStack.has(next)) {
        low.set(file, Math.min(low.get(file)!, index.get(next)!));
      }
    }
    if (low.get(file) !== index.get(file)) return;
    const component: string[] = [];
    let member: string;
    do {
      member = stack.pop()!;
      onStack.delete(member);
      component.push(relative(root, member));
    } while (member !== file);
    if (component.length > 1) found.push(component.sort());
  };
  for (const file of files) if (!index.has(file)) visit(file);
  return found;
}

/**
 * The floors, lowest first: a folder may import its own floor and those below,
 * never one above. The root files (src/*.ts) are not placed.
 */
const FLOORS: readonly (readonly string[])[] = [
  ['errors'],
  ['providers'],
  ['policy', 'telemetry'],
  ['rules', 'stats', 'watch', 'simulator'],
  ['executor'],
  ['demo'],
  ['gateway', 'compat', 'ai-sdk', 'redis', 'cli'],
];

/** Imports that reach up a floor, as `from -> to` relative to `root`. */
function upwardImports(root: string, files: readonly string[], floors: readonly (readonly string[])[]): string[] {
  const floorOf = (file: string): number => {
    const folder = relative(root, file).split(sep)[0]!;
    return floors.findIndex((floor) => floor.includes(folder));
  };
  return files.flatMap((file) => {
    const floor = floorOf(file);
    if (floor === -1) return [];
    return importsOf(file)
      .filter((to) => floorOf(to) > floor)
      .map((to) => `${relative(root, file)} -> ${relative(root, to)}`);
  });
}

describe('import cycles', () => {
  it('src/ has none, type imports and lazy imports included', () => {
    expect(cycles(SRC, sourceFiles(SRC))).toEqual([]);
  });

  it('no folder imports one on a higher floor, not even for a type', () => {
    expect(upwardImports(SRC, sourceFiles(SRC), FLOORS)).toEqual([]);
  });

  it('sees a cycle through a type import or a lazy import, and not through an example in a comment', () => {
    const folder = mkdtempSync(join(tmpdir(), 'detour-cycles-'));
    const write = (name: string, code: string): void => writeFileSync(join(folder, name), code);
    try {
      write('Session.ts', "import { step } from './step.js';\nexport class Session {}\n");
      write('step.ts', "import type { Session } from './Session.js';\nexport function step(session: Session) {}\n");
      write('command.ts', "export async function run() {\n  const { runOnce } = await import('./runOnce.js');\n}\n");
      write('runOnce.ts', "import {\n  type Options,\n} from './command.js';\nexport function runOnce() {}\n");
      write('guard.ts', "/**\n * @example\n * await import('./lazy.js');\n */\nexport function guard() {}\n");
      write('lazy.ts', "import { guard } from './guard.js';\n// import('./index.js')\n");
      write('index.ts', "export { step } from './step.js';\nimport './Session.js';\n");
      expect(cycles(folder, sourceFiles(folder))).toEqual([
        ['Session.ts', 'step.ts'],
        ['command.ts', 'runOnce.ts'],
      ]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });

  it('sees a type import that reaches up a floor, and lets a floor import its own and lower ones', () => {
    const folder = mkdtempSync(join(tmpdir(), 'detour-floors-'));
    const write = (name: string, code: string): void => {
      mkdirSync(dirname(join(folder, name)), { recursive: true });
      writeFileSync(join(folder, name), code);
    };
    try {
      write('errors/kinds.ts', "import type { Adapter } from '../providers/spec.js';\n");
      write('providers/spec.ts', "import { kinds } from '../errors/kinds.js';\nimport type { Log } from '../unplaced/log.js';\n");
      write('providers/openai.ts', "import type { Adapter } from './spec.js';\n");
      write('unplaced/log.ts', "import type { Adapter } from '../providers/spec.js';\n");
      const files = sourceFiles(folder);
      expect(upwardImports(folder, files, [['errors'], ['providers']])).toEqual([`errors${sep}kinds.ts -> providers${sep}spec.ts`]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
