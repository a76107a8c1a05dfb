/**
 * Process-level behaviour every command shares: a closed pipe ends the
 * command quietly (`detour run … | head -1`), and Ctrl-C while a command is
 * still starting (loading the SDKs, starting the simulator) says so instead
 * of leaving the terminal with no word.
 */

type Exit = (code: number) => void;

/**
 * Make EPIPE on stdout or stderr end the process quietly with the exit code
 * so far (0 unless a command already set one), as `head`, `grep -q` and
 * friends expect: the reader has what it wanted. Any other stream error is
 * left to surface.
 *
 * @example
 * handleClosedPipes(process.stdout, process.stderr);
 */
export function handleClosedPipes(streams: readonly NodeJS.WriteStream[], exit: Exit = (code) => process.exit(code)): void {
  for (const stream of streams) {
    stream.on('error', (error: NodeJS.ErrnoException) => {
      if (error.code === 'EPIPE') {
        exit(typeof process.exitCode === 'number' ? process.exitCode : 0);
        return;
      }
      throw error;
    });
  }
}

/**
 * Until `release` is called, Ctrl-C prints `detour <command>: interrupted
 * while starting; nothing was sent` and exits 130. Commands install their own
 * handler (abort the session, print what happened) when they are ready and
 * release this one first, in the same tick.
 *
 * @example
 * const release = interruptWhileStarting('demo', process.stderr);
 * const { runDemo } = await import('./runDemo.js');
 * release();
 * await runDemo(options);
 */
export function interruptWhileStarting(command: string, stream: NodeJS.WritableStream, exit: Exit = (code) => process.exit(code)): () => void {
  const interrupt = (): void => {
    stream.write(`detour ${command}: interrupted while starting; nothing was sent\n`);
    exit(130);
  };
  process.once('SIGINT', interrupt);
  return () => void process.off('SIGINT', interrupt);
}
