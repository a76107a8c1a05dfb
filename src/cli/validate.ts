import type { Command } from 'commander';

/** `detour validate` — not built yet. */
export function registerValidateCommand(program: Command): void {
  program
    .command('validate')
    .description('(not built yet)')
    .allowUnknownOption(true)
    .action(() => {
      process.stderr.write('detour validate: not built yet\n');
      process.exitCode = 2;
    });
}
