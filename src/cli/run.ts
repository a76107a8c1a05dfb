import type { Command } from 'commander';

/** `detour run` — not built yet. */
export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('(not built yet)')
    .allowUnknownOption(true)
    .action(() => {
      process.stderr.write('detour run: not built yet\n');
      process.exitCode = 2;
    });
}
