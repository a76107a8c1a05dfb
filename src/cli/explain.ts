import type { Command } from 'commander';

/** `detour explain` — not built yet. */
export function registerExplainCommand(program: Command): void {
  program
    .command('explain')
    .description('(not built yet)')
    .allowUnknownOption(true)
    .action(() => {
      process.stderr.write('detour explain: not built yet\n');
      process.exitCode = 2;
    });
}
