#!/usr/bin/env node
/**
 * The `detour` command line (README.md, the command line). Each command lives in its own file
 * and registers itself here. Usage errors exit 2.
 */
import { readFileSync } from 'node:fs';
import { Command, CommanderError } from 'commander';
import { registerDemoCommand } from './demo.js';
import { registerExplainCommand } from './explain.js';
import { registerRunCommand } from './run.js';
import { registerServeCommand } from './serve.js';
import { registerSimulateCommand } from './simulate.js';
import { registerTestCommand } from './test.js';
import { registerValidateCommand } from './validate.js';
import { handleClosedPipes } from './processGuards.js';

/** The package's version, read from package.json next to `dist/` (or `src/`) so it cannot drift. */
function packageVersion(): string {
  try {
    const manifest = JSON.parse(readFileSync(new URL('../../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    if (typeof manifest.version === 'string') return manifest.version;
  } catch {
    // Run from src/ (tests): one level less.
  }
  try {
    const manifest = JSON.parse(readFileSync(new URL('../../package.json', import.meta.url), 'utf8')) as { version?: unknown };
    return typeof manifest.version === 'string' ? manifest.version : 'unknown';
  } catch {
    return 'unknown';
  }
}

export function createProgram(): Command {
  const program = new Command('detour')
    .description('Rule-driven fallback engine for LLM calls')
    .version(packageVersion(), '-V, --version', 'print the version')
    .exitOverride()
    // A usage error is one line, then where to read the usage (subcommands inherit this).
    .showHelpAfterError('(add --help for usage)');
  registerValidateCommand(program);
  registerExplainCommand(program);
  registerTestCommand(program);
  registerRunCommand(program);
  registerSimulateCommand(program);
  registerDemoCommand(program);
  registerServeCommand(program);
  return program;
}

export async function main(argv: readonly string[]): Promise<number> {
  const program = createProgram();
  try {
    await program.parseAsync([...argv], { from: 'user' });
    return typeof process.exitCode === 'number' ? process.exitCode : 0;
  } catch (error) {
    if (error instanceof CommanderError) {
      if (error.code === 'commander.helpDisplayed' || error.code === 'commander.version') return 0;
      if (error.code === 'commander.help') return 0;
      return 2;
    }
    throw error;
  }
}

handleClosedPipes([process.stdout, process.stderr]);

main(process.argv.slice(2)).then(
  (code) => {
    process.exitCode = code;
  },
  (error: unknown) => {
    const debug = process.argv.includes('--debug');
    process.stderr.write(`detour: ${debug && error instanceof Error ? (error.stack ?? error.message) : error instanceof Error ? error.message : String(error)}\n`);
    process.exitCode = 1;
  },
);
