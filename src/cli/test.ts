/**
 * `detour test <files/dirs…>` (README.md, the command line): runs every policy's `tests:`
 * cases and prints one line per failure (`file:line` of the case and what
 * differed), then `N passed, N failed`. Exit 0 when all pass, 1 on any
 * failure (a policy that does not load counts as one), 2 on usage errors.
 * The runner is `src/rules/policy-tests.ts`.
 */
import path from 'node:path';
import type { Command } from 'commander';
import { listPolicyFiles } from '../policy/load.js';
import { formatTestFailure, runPolicyTestPaths } from '../rules/policy-tests.js';
import { describeMissingPaths } from './validate.js';

/**
 * Run the tests of the policies under `paths`; returns the exit code and what to print.
 *
 * @example
 * const { exitCode, output } = await testCommand(['policies']);
 */
export async function testCommand(paths: readonly string[]): Promise<{ exitCode: 0 | 1 | 2; output: string; errorOutput: string }> {
  const { files, missing } = await listPolicyFiles(paths);
  if (missing.length > 0) return { exitCode: 2, output: '', errorOutput: `detour test: ${await describeMissingPaths(missing)}\n` };
  if (files.length === 0) return { exitCode: 2, output: '', errorOutput: `detour test: no *.yaml or *.yml policy files in ${paths.join(', ')}\n` };
  const run = await runPolicyTestPaths(paths);
  // A policy without tests passes silently otherwise: "0 passed, 0 failed" reads like success.
  const tested = new Set(
    [...run.results.map((result) => result.file), ...run.loadErrors.map((diagnostic) => diagnostic.file)].flatMap((file) => (file === null ? [] : [path.resolve(file)])),
  );
  const untested = files.filter((file) => !tested.has(path.resolve(file)));
  const lines = [
    ...run.loadErrors.map((diagnostic) => `${diagnostic.file}:${diagnostic.line}:${diagnostic.column} ${diagnostic.message}`),
    ...run.results.filter((result) => !result.passed).map((result) => formatTestFailure(result)),
    ...(untested.length === 0 ? [] : [`no tests: in ${untested.join(', ')} (add a tests: list of given/expect cases)`]),
    `${run.passed} passed, ${run.failed} failed`,
  ];
  return { exitCode: run.failed > 0 ? 1 : 0, output: `${lines.join('\n')}\n`, errorOutput: '' };
}

/** Register `detour test` on the program. */
export function registerTestCommand(program: Command): void {
  program
    .command('test')
    .description("Run each policy's tests: cases (given facts, expected rule/action/next/delay or route)")
    .argument('<paths...>', 'policy files, or folders of *.yaml / *.yml files (not recursive)')
    .action(async (paths: string[]) => {
      const { exitCode, output, errorOutput } = await testCommand(paths);
      process.stderr.write(errorOutput);
      process.stdout.write(output);
      process.exitCode = exitCode;
    });
}
