/**
 * `detour validate <files/dirs…> [--format text|json|github]` (README.md, the command line):
 * schema, reference and rule checks on policy files, every problem with
 * file:line:col. Exit 0 when all are valid (warnings allowed), 1 when any is
 * invalid, 2 on usage errors (no such path, unknown flag or format).
 */
import { lstat } from 'node:fs/promises';
import { Option, type Command } from 'commander';
import { listPolicyFiles, loadPolicies } from '../policy/load.js';
import type { Diagnostic } from '../policy/types.js';

export type ValidateFormat = 'text' | 'json' | 'github';

export const VALIDATE_FORMATS: readonly ValidateFormat[] = ['text', 'json', 'github'];

/** One file's outcome, as `--format json` prints it. */
export interface ValidatedFile {
  readonly file: string;
  readonly valid: boolean;
  readonly errors: readonly ValidationProblem[];
  readonly warnings: readonly ValidationProblem[];
}

export interface ValidationProblem {
  readonly message: string;
  readonly pointer: string;
  readonly line: number;
  readonly column: number;
  readonly check: string;
}

function problem(diagnostic: Diagnostic): ValidationProblem {
  const { message, pointer, line, column, check } = diagnostic;
  return { message, pointer, line, column, check };
}

function escapeData(text: string): string {
  return text.replace(/%/g, '%25').replace(/\r/g, '%0D').replace(/\n/g, '%0A');
}

function escapeProperty(text: string): string {
  return escapeData(text).replace(/:/g, '%3A').replace(/,/g, '%2C');
}

/**
 * Render validation results in one of the three formats.
 *
 * @example
 * formatValidation(files, diagnostics, 'text')
 * // policies/a.yaml:12:5  error  unknown key `max_attempt`. Did you mean `max_attempts`?  [schema]
 */
export function formatValidation(files: readonly ValidatedFile[], diagnostics: readonly Diagnostic[], format: ValidateFormat): string {
  if (format === 'json') return `${JSON.stringify({ files })}\n`;
  if (format === 'github') {
    return diagnostics
      .map((diagnostic) => {
        const title = escapeProperty(`detour validate (${diagnostic.check})`);
        const where = `file=${escapeProperty(diagnostic.file)},line=${diagnostic.line},col=${diagnostic.column}`;
        return `::${diagnostic.severity} ${where},title=${title}::${escapeData(diagnostic.message)}\n`;
      })
      .join('');
  }
  const lines = diagnostics.map(
    (diagnostic) =>
      `${diagnostic.file}:${diagnostic.line}:${diagnostic.column}  ${diagnostic.severity}  ${diagnostic.message}  [${diagnostic.check}]`,
  );
  const invalid = files.filter((file) => !file.valid).length;
  const errors = files.reduce((sum, file) => sum + file.errors.length, 0);
  const warnings = files.reduce((sum, file) => sum + file.warnings.length, 0);
  const plural = (count: number, word: string) => `${count} ${word}${count === 1 ? '' : 's'}`;
  lines.push(
    invalid === 0
      ? `${plural(files.length, 'policy file')} valid${warnings > 0 ? ` (${plural(warnings, 'warning')})` : ''}`
      : `${invalid} of ${plural(files.length, 'policy file')} invalid: ${plural(errors, 'error')}, ${plural(warnings, 'warning')}`,
  );
  return `${lines.join('\n')}\n`;
}

/**
 * Why paths could not be listed, in one line: most simply do not exist, but
 * a symbolic link that loops or points nowhere does exist, and saying "no
 * such file" about a file the user can see in `ls` sends them the wrong way.
 *
 * @example
 * await describeMissingPaths(['nope.yaml']); // 'no such file or folder: nope.yaml'
 */
export async function describeMissingPaths(missing: readonly string[]): Promise<string> {
  const links: string[] = [];
  const absent: string[] = [];
  for (const entry of missing) {
    const info = await lstat(entry).catch(() => null);
    (info?.isSymbolicLink() === true ? links : absent).push(entry);
  }
  return [
    absent.length === 0 ? null : `no such file or folder: ${absent.join(', ')}`,
    links.length === 0 ? null : `symbolic link that loops or points nowhere: ${links.join(', ')}`,
  ]
    .filter((part) => part !== null)
    .join('; ');
}

/**
 * Validate the given files and folders; returns the exit code and what to print.
 *
 * @example
 * const { exitCode, output } = await validatePaths(['policies'], 'json');
 */
export async function validatePaths(
  paths: readonly string[],
  format: ValidateFormat,
): Promise<{ exitCode: 0 | 1 | 2; output: string; usageError?: string }> {
  const { files: found, missing } = await listPolicyFiles(paths);
  if (missing.length > 0) {
    return { exitCode: 2, output: '', usageError: await describeMissingPaths(missing) };
  }
  if (found.length === 0) {
    return { exitCode: 2, output: '', usageError: `no *.yaml or *.yml policy files in ${paths.join(', ')}` };
  }
  const result = await loadPolicies(paths);
  const files = result.files.map(({ file, result: fileResult }): ValidatedFile => {
    const errors = fileResult.diagnostics.filter((diagnostic) => diagnostic.severity === 'error').map(problem);
    const warnings = fileResult.diagnostics.filter((diagnostic) => diagnostic.severity === 'warning').map(problem);
    return { file, valid: errors.length === 0, errors, warnings };
  });
  const diagnostics = result.files.flatMap(({ result: fileResult }) => fileResult.diagnostics);
  const exitCode = files.every((file) => file.valid) ? 0 : 1;
  return { exitCode, output: formatValidation(files, diagnostics, format) };
}

/** Register `detour validate` on the program. */
export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('Check policy files: schema, references and rules; every problem with file:line:col')
    .argument('<paths...>', 'policy files, or folders of *.yaml / *.yml files (not recursive)')
    .addOption(new Option('--format <format>', 'output format').choices([...VALIDATE_FORMATS]).default('text'))
    .action(async (paths: string[], options: { format: ValidateFormat }) => {
      const { exitCode, output, usageError } = await validatePaths(paths, options.format);
      if (usageError !== undefined) process.stderr.write(`detour validate: ${usageError}\n`);
      process.stdout.write(output);
      process.exitCode = exitCode;
    });
}
