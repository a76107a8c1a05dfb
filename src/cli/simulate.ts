import type { Command } from 'commander';

/** `detour simulate` — not built yet. */
export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('(not built yet)')
    .allowUnknownOption(true)
    .action(() => {
      process.stderr.write('detour simulate: not built yet\n');
      process.exitCode = 2;
    });
}
