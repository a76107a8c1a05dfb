import type { Command } from 'commander';

/** `detour demo` — not built yet. */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('(not built yet)')
    .allowUnknownOption(true)
    .action(() => {
      process.stderr.write('detour demo: not built yet\n');
      process.exitCode = 2;
    });
}
