/**
 * Commands that run until stopped (`detour simulate`, `detour serve`) wait
 * here for SIGINT or SIGTERM.
 */

/**
 * Resolves with the first SIGINT or SIGTERM, then stops listening for them.
 *
 * @example
 * const signal = await waitForStopSignal() // 'SIGTERM'
 */
export function waitForStopSignal(): Promise<NodeJS.Signals> {
  return new Promise((resolve) => {
    const stop = (signal: NodeJS.Signals): void => {
      process.off('SIGINT', stop);
      process.off('SIGTERM', stop);
      resolve(signal);
    };
    process.on('SIGINT', stop);
    process.on('SIGTERM', stop);
  });
}
