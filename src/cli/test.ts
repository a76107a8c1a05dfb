import type { Command } from 'commander';

/** `detour test` — not built yet. */
export function registerTestCommand(program: Command): void {
  program
    .command('test')
    .description('(not built yet)')
    .allowUnknownOption(true)
    .action(() => {
      process.stderr.write('detour test: not built yet\n');
      process.exitCode = 2;
    });
}
