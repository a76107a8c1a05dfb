/**
 * No import cycles: inside src/executor none at all (a type import counts —
 * the session's steps take what they need, not the session), and across src/
 * none that runs (value imports). A cycle usually means a type or helper that
 * belongs one floor down, in a module both sides can import.
 */
import { mkdtempSync, readdirSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { tmpdir } from 'node:os';
import { dirname, join, relative, resolve } from 'node:path';
import { describe, expect, it } from 'vitest';

const SRC = resolve(import.meta.dirname, '../../src');

interface Edge {
  readonly to: string;
  readonly typeOnly: boolean;
}

function sourceFiles(folder: string): string[] {
  return readdirSync(folder, { withFileTypes: true }).flatMap((entry) => {
    const path = join(folder, entry.name);
    if (entry.isDirectory()) return sourceFiles(path);
    return entry.name.endsWith('.ts') ? [path] : [];
  });
}

const STATEMENT = /^(?:import|export)\s+(type\s+)?([^;]*?)\s*from\s*['"](\.[^'"]+)['"]|^import\s+['"](\.[^'"]+)['"]/gm;

/** Relative imports and re-exports of `file`, each marked type-only when nothing of it exists at run time. */
function importsOf(file: string): Edge[] {
  const edges: Edge[] = [];
  for (const match of readFileSync(file, 'utf8').matchAll(STATEMENT)) {
    const [, typeKeyword, clause = '', specifier, sideEffect] = match;
    const names = /^\{([^}]*)\}$/.exec(clause.trim())?.[1]?.split(',').map((name) => name.trim()).filter((name) => name !== '');
    const typeOnly = typeKeyword !== undefined || (names !== undefined && names.length > 0 && names.every((name) => name.startsWith('type ')));
    edges.push({ to: resolve(dirname(file), (specifier ?? sideEffect)!.replace(/\.js$/, '.ts')), typeOnly });
  }
  return edges;
}

/** The strongly connected components with more than one file (Tarjan), as sorted paths relative to src/. */
function cycles(files: readonly string[], follow: (edge: Edge) => boolean): string[][] {
  const known = new Set(files);
  const graph = new Map(files.map((file) => [file, importsOf(file).filter((edge) => known.has(edge.to) && follow(edge)).map((edge) => edge.to)]));
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
      component.push(relative(SRC, member));
    } while (member !== file);
    if (component.length > 1) found.push(component.sort());
  };
  for (const file of files) if (!index.has(file)) visit(file);
  return found;
}

describe('import cycles', () => {
  it('src/executor has none, type imports included', () => {
    expect(cycles(sourceFiles(join(SRC, 'executor')), () => true)).toEqual([]);
  });

  it('src/ has none at run time (value imports)', () => {
    expect(cycles(sourceFiles(SRC), (edge) => !edge.typeOnly)).toEqual([]);
  });

  it('sees a cycle through a type import, and only a value cycle as a run-time one', () => {
    const folder = mkdtempSync(join(tmpdir(), 'detour-cycles-'));
    try {
      writeFileSync(join(folder, 'Session.ts'), "import { step } from './step.js';\nexport class Session {}\n");
      writeFileSync(join(folder, 'step.ts'), "import type { Session } from './Session.js';\nexport function step(session: Session) {}\n");
      writeFileSync(join(folder, 'index.ts'), "export { step } from './step.js';\nimport './Session.js';\n");
      const files = sourceFiles(folder);
      expect(cycles(files, () => true)).toHaveLength(1);
      expect(cycles(files, (edge) => !edge.typeOnly)).toEqual([]);
    } finally {
      rmSync(folder, { recursive: true, force: true });
    }
  });
});
