/**
 * README.md is checked like code. Every ```sh and ```yaml block:
 * - yaml: validated as a policy with parsePolicy (no errors allowed), unless
 *   the comment line right above the fence says otherwise:
 *   `<!-- readme-test: same-as FILE -->` also requires the block to equal FILE;
 *   `<!-- readme-test: scenario -->` validates it as a simulator scenario;
 *   `<!-- readme-test: yaml-only (why) -->` only parses it (fragments, workflows).
 * - sh: every line is a command; each `npx detour …` runs against the built
 *   CLI (dist/, built by `npm test`'s pretest) from the repository root, with
 *   no API keys and no OTLP settings, and must exit 0. A block that cannot run
 *   here (npm ci, npm start, npm test, npm run bench, Docker, `detour simulate`
 *   which never ends) carries `<!-- readme-test: skip (why) -->`; any other line
 *   that is not a detour command fails the test, so nothing is skipped silently.
 *   `<!-- readme-test: gateway (why) -->`: the first line is `npx detour serve …`,
 *   started in the background (on a free port in place of the block's);
 *   every other line is a `curl` against it and must exit 0; then SIGTERM must
 *   stop the gateway with exit 0.
 * - js: a block marked `<!-- readme-test: run -->` runs as an ES module with
 *   Node from a folder inside the repository (`.tmp/`, so other packages
 *   resolve from its node_modules), its `detour-llm` and `detour-llm/<subpath>`
 *   imports pointed at the built package (dist/, through the exports map), and
 *   must exit 0 (other js/ts blocks are not run).
 * The kinds, facts, strategies and command tables are compared with the code.
 */
import { spawn } from 'node:child_process';
import { mkdirSync, mkdtempSync, readFileSync, rmSync, writeFileSync } from 'node:fs';
import { pathToFileURL } from 'node:url';
import path from 'node:path';
import { parseDocument } from 'yaml';
import { freePort } from '../bench/free-port.js';
import { describe, expect, it } from 'vitest';
import { ERROR_KINDS } from '../src/errors/kinds.js';
import { parsePolicy } from '../src/policy/load.js';
import { STRATEGY_TYPES } from '../src/policy/types.js';
import { KNOWN_FACTS } from '../src/policy/vocabulary.js';
import { parseScenario } from '../src/simulator/scenario.js';
import { cleanEnvironment, runCli } from './cli/support.js';

const root = path.resolve(import.meta.dirname, '..');
const readme = readFileSync(path.join(root, 'README.md'), 'utf8');
const cli = path.join(root, 'dist/src/cli/main.js');

interface Block {
  readonly language: string;
  readonly text: string;
  /** 1-based line of the opening fence. */
  readonly line: number;
  readonly markers: readonly string[];
}

function codeBlocks(markdown: string): Block[] {
  const lines = markdown.split('\n');
  const blocks: Block[] = [];
  for (let index = 0; index < lines.length; index++) {
    const open = /^```(\w*)\s*$/.exec(lines[index]!);
    if (open === null) continue;
    const markers: string[] = [];
    for (let above = index - 1; above >= 0; above--) {
      const marker = /^<!--\s*readme-test:\s*(.+?)\s*-->$/.exec(lines[above]!);
      if (marker === null) break;
      markers.unshift(marker[1]!);
    }
    const body: string[] = [];
    let end = index + 1;
    while (end < lines.length && !/^```\s*$/.test(lines[end]!)) body.push(lines[end++]!);
    blocks.push({ language: open[1] ?? '', text: `${body.join('\n')}\n`, line: index + 1, markers });
    index = end;
  }
  return blocks;
}

function marker(block: Block, name: string): string | null {
  for (const entry of block.markers) if (entry === name || entry.startsWith(`${name} `)) return entry.slice(name.length).trim();
  return null;
}

/** Commands of an sh block: comments dropped, `\` continuations joined. */
function commands(text: string): string[] {
  return text
    .replace(/\\\n\s*/g, ' ')
    .split('\n')
    .map((line) => line.trim())
    .filter((line) => line !== '' && !line.startsWith('#'));
}

function shell(command: string): Promise<{ code: number | null; stdout: string; stderr: string }> {
  return new Promise((resolve, reject) => {
    const child = spawn('/bin/sh', ['-c', command], { cwd: root, env: cleanEnvironment(), stdio: ['ignore', 'pipe', 'pipe'] });
    let stdout = '';
    let stderr = '';
    child.stdout.setEncoding('utf8').on('data', (piece: string) => (stdout += piece));
    child.stderr.setEncoding('utf8').on('data', (piece: string) => (stderr += piece));
    const timer = setTimeout(() => child.kill('SIGKILL'), 90_000);
    child.once('error', reject);
    child.once('close', (code) => {
      clearTimeout(timer);
      resolve({ code, stdout, stderr });
    });
  });
}


/** Runs a `gateway` block: its first line in the background until it listens, the curl lines against it, then SIGTERM. */
async function runGatewayBlock(lines: readonly string[], where: string): Promise<void> {
  const [serveLine, ...curls] = lines;
  expect(serveLine, `${where}: a gateway block starts with npx detour serve`).toMatch(/^npx detour serve /);
  const blockPort = /--port (\d+)/.exec(serveLine!)?.[1];
  expect(blockPort, `${where}: the serve line names --port`).toBeDefined();
  const port = String(await freePort());
  const withPort = (line: string): string => line.replaceAll(`:${blockPort}`, `:${port}`).replace(`--port ${blockPort}`, `--port ${port}`);
  const child = spawn('/bin/sh', ['-c', `exec ${withPort(serveLine!).replace(/^npx detour /, `node ${JSON.stringify(cli)} `)}`], {
    cwd: root,
    env: cleanEnvironment(),
    stdio: ['ignore', 'pipe', 'pipe'],
  });
  let stderr = '';
  const exited = new Promise<number | null>((resolve) => child.once('close', resolve));
  try {
    await new Promise<void>((resolve, reject) => {
      child.stdout!.resume();
      child.stderr!.setEncoding('utf8').on('data', (piece: string) => {
        stderr += piece;
        if (stderr.includes('listening on')) resolve();
      });
      void exited.then((code) => reject(new Error(`${where}: detour serve exited (${code}) before listening:\n${stderr}`)));
    });
    for (const line of curls) {
      expect(line, `${where}: a gateway block runs curl against the gateway`).toMatch(/^curl /);
      const result = await shell(withPort(line));
      expect({ line, code: result.code, stderr: result.stderr }).toEqual({ line, code: 0, stderr: '' });
    }
  } finally {
    child.kill('SIGTERM');
  }
  expect({ exit: await exited, stderr }).toMatchObject({ exit: 0 });
}

const blocks = codeBlocks(readme);
const yamlBlocks = blocks.filter((block) => block.language === 'yaml');
const shBlocks = blocks.filter((block) => block.language === 'sh');

describe('README.md yaml blocks', () => {
  it('has blocks to check', () => {
    expect(yamlBlocks.length).toBeGreaterThan(2);
    expect(shBlocks.length).toBeGreaterThan(5);
  });

  for (const block of yamlBlocks) {
    it(`line ${block.line}: ${block.markers.join('; ') || 'a policy'}`, () => {
      const where = `README.md:${block.line}`;
      if (marker(block, 'yaml-only') !== null) {
        expect(parseDocument(block.text).errors.map((error) => error.message), where).toEqual([]);
        return;
      }
      if (marker(block, 'scenario') !== null) {
        expect(() => parseScenario(block.text, where)).not.toThrow();
        return;
      }
      const { policy, diagnostics } = parsePolicy(block.text, where, { sourcePath: null });
      expect(diagnostics.map((diagnostic) => `${diagnostic.line}:${diagnostic.column} ${diagnostic.message}`), where).toEqual([]);
      expect(policy).not.toBeNull();
      const file = marker(block, 'same-as');
      if (file !== null) expect(block.text, `${where} differs from ${file}`).toBe(readFileSync(path.join(root, file), 'utf8'));
    });
  }
});

describe.concurrent('README.md sh blocks', () => {
  for (const block of shBlocks) {
    const skip = marker(block, 'skip');
    const lines = commands(block.text);
    it.skipIf(skip !== null)(`line ${block.line}: ${lines.join(' ; ').slice(0, 100)}`, async () => {
      if (marker(block, 'gateway') !== null) return runGatewayBlock(lines, `README.md:${block.line}`);
      for (const command of lines) {
        expect(command, `README.md:${block.line}: not a detour command; mark the block <!-- readme-test: skip (why) -->`).toMatch(/(^|\|\s*)npx detour /);
        const result = await shell(command.replace(/npx detour /g, `node ${JSON.stringify(cli)} `));
        expect({ command, code: result.code, stderr: result.code === 0 ? '' : result.stderr }).toEqual({ command, code: 0, stderr: '' });
      }
    });
  }
});

/** The built file a `detour-llm` import (or `detour-llm/<subpath>`) resolves to, from the package's exports. */
function builtEntry(subpath: string): string {
  const exportsMap = (JSON.parse(readFileSync(path.join(root, 'package.json'), 'utf8')) as { exports: Record<string, { default: string }> }).exports;
  const target = exportsMap[`.${subpath}`];
  if (target === undefined) throw new Error(`package.json exports no ".${subpath}"`);
  return pathToFileURL(path.join(root, target.default)).href;
}

describe.concurrent('README.md js blocks marked run', () => {
  const runnable = blocks.filter((block) => block.language === 'js' && marker(block, 'run') !== null);
  it('has one', () => expect(runnable.length).toBeGreaterThan(0));
  for (const block of runnable) {
    it(`line ${block.line}: runs and exits 0`, async () => {
      // Inside the repository, so other packages (`ai`, `@ai-sdk/…`) resolve from its node_modules.
      mkdirSync(path.join(root, '.tmp'), { recursive: true });
      const folder = mkdtempSync(path.join(root, '.tmp', 'readme-'));
      const file = path.join(folder, `block-${block.line}.mjs`);
      writeFileSync(file, block.text.replace(/from 'detour-llm(\/[\w-]+)?'/g, (_, subpath: string | undefined) => `from ${JSON.stringify(builtEntry(subpath ?? ''))}`));
      const result = await shell(`node ${JSON.stringify(file)}`).finally(() => rmSync(folder, { recursive: true, force: true }));
      expect({ code: result.code, stderr: result.stderr }, `README.md:${block.line}`).toEqual({ code: 0, stderr: '' });
    });
  }
});

describe('README.md tables agree with the code', () => {
  const tableCells = (heading: string): string[] => {
    const start = readme.indexOf(`\n### ${heading}\n`);
    expect(start, heading).toBeGreaterThan(0);
    const section = readme.slice(start).split('\n').slice(2);
    const end = section.findIndex((line) => line.startsWith('#'));
    return (end < 0 ? section : section.slice(0, end))
      .filter((line, index, all) => line.startsWith('| `') && all.slice(0, index).some((above) => above.startsWith('|---')))
      .map((line) => /^\| `([^`]+)`/.exec(line)?.[1] ?? '');
  };

  it('lists every error kind', () => {
    expect(tableCells('Error kinds')).toEqual([...ERROR_KINDS]);
  });

  it('lists every fact a rule may test', () => {
    expect(new Set(tableCells('Facts'))).toEqual(new Set(KNOWN_FACTS));
  });

  it('lists every strategy', () => {
    expect(new Set(tableCells('Strategies'))).toEqual(new Set(STRATEGY_TYPES));
  });

  it('documents every command of the CLI', async () => {
    const help = await runCli(['--help']);
    const names = [...help.stdout.matchAll(/^ {2}(\w+) /gm)].map((match) => match[1]!).filter((name) => name !== 'help');
    expect(names.length).toBeGreaterThanOrEqual(6);
    for (const name of names) expect(readme).toContain(`| \`detour ${name}`);
  });
});
