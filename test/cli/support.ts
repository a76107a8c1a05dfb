import { spawn } from 'node:child_process';

export interface CliResult {
  readonly code: number | null;
  readonly signal: NodeJS.Signals | null;
  readonly stdout: string;
  readonly stderr: string;
}

/** Keys and OTLP settings of the machine running the tests never reach the child. */
export function cleanEnvironment(extra: Readonly<Record<string, string>> = {}): Record<string, string> {
  const environment: Record<string, string> = {};
  for (const [name, value] of Object.entries(process.env)) {
    if (value === undefined) continue;
    if (/_API_KEY$/.test(name) || name.startsWith('OTEL_')) continue;
    environment[name] = value;
  }
  return { ...environment, ...extra };
}

/**
 * Run the built CLI (`dist/src/cli/main.js`) to completion; the child is
 * killed only if it outlives `timeoutMs` (and then `signal` says so).
 */
export function runCli(
  args: readonly string[],
  options: { readonly env?: Record<string, string>; readonly input?: string; readonly timeoutMs?: number } = {},
): Promise<CliResult> {
  return new Promise((resolve, reject) => {
    const child = spawn(process.execPath, ['dist/src/cli/main.js', ...args], {
      env: options.env ?? cleanEnvironment(),
      stdio: [options.input === undefined ? 'ignore' : 'pipe', 'pipe', 'pipe'],
    });
    let stdout = '';
    let stderr = '';
    child.stdout!.setEncoding('utf8').on('data', (piece: string) => (stdout += piece));
    child.stderr!.setEncoding('utf8').on('data', (piece: string) => (stderr += piece));
    if (options.input !== undefined) child.stdin?.end(options.input);
    const timer = setTimeout(() => child.kill('SIGKILL'), options.timeoutMs ?? 90_000);
    child.once('error', reject);
    child.once('close', (code, signal) => {
      clearTimeout(timer);
      resolve({ code, signal, stdout, stderr });
    });
  });
}

/** The timeline's attempt rows as arrays of cells (split on runs of 2+ spaces). */
export function timelineRows(stdout: string): string[][] {
  return stdout
    .split('\n')
    .filter((line) => /^\s+\d+\s{2,}/.test(line))
    .map((line) => line.trim().split(/\s{2,}/));
}
