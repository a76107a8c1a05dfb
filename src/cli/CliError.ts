/**
 * The one-line failures of `detour run` and `detour demo`: a missing key, an
 * unknown policy or model, a policy or scenario file that cannot be used.
 * They are printed as one line on stderr (never a stack trace unless
 * `--debug`) and end the command with exit 1.
 */
const marker = Symbol.for('detour.error.CliError');

/**
 * A problem the user can fix from its message alone.
 *
 * @example
 * throw new CliError('OPENAI_API_KEY is not set (needed by model gpt-4o); set it, or add --simulate');
 */
export class CliError extends Error {
  readonly [marker] = true;
  override readonly name = 'CliError';
  /** The process exit code the command ends with. @default 1 */
  readonly exitCode: number;

  constructor(message: string, options: { readonly exitCode?: number; readonly cause?: unknown } = {}) {
    super(message, options.cause === undefined ? undefined : { cause: options.cause });
    this.exitCode = options.exitCode ?? 1;
  }

  static isInstance(error: unknown): error is CliError {
    return typeof error === 'object' && error !== null && (error as Record<symbol, unknown>)[marker] === true;
  }
}

/** The first line of a message, so that nothing multi-line reaches the terminal as "one clear line". */
export function firstLine(text: string): string {
  const line = text.split('\n', 1)[0] ?? '';
  return line.trim();
}

/**
 * Print a command's failure on stderr as `detour <command>: <message>` and
 * set the exit code. With `debug` the stack (and causes) follow.
 *
 * @example
 * try { await runOnce(options) } catch (error) { reportCommandError('run', error, options.debug) }
 */
export function reportCommandError(command: string, error: unknown, debug: boolean): void {
  const message = error instanceof Error ? error.message : String(error);
  process.stderr.write(`detour ${command}: ${debug ? message : firstLine(message)}\n`);
  if (debug && error instanceof Error) {
    let current: unknown = error;
    while (current instanceof Error) {
      if (current.stack !== undefined) process.stderr.write(`${current.stack}\n`);
      current = current.cause;
      if (current !== undefined) process.stderr.write('caused by: ');
    }
  }
  process.exitCode = CliError.isInstance(error) ? error.exitCode : 1;
}
