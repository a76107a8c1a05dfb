/**
 * `detour demo`: the bundled outage scenario on the in-process simulator,
 * a few hundred requests through the bundled demo policy, then a summary:
 * success and fallback rates, attempts, which model answered when, the
 * rules that fired, latency. Leaves nothing running. Exit 1 when fewer than
 * half the requests were answered: a demo that does not route around its
 * outage has failed.
 */
import { InvalidArgumentError, Option, type Command } from 'commander';
import { BUNDLED_SCENARIOS } from '../simulator/bundled.js';
import { parseDuration } from '../simulator/scenario.js';
import { reportCommandError } from './CliError.js';
import { interruptWhileStarting } from './processGuards.js';
import type { DemoCommandOptions } from './runDemo.js';

function parseCount(name: string, minimum: number, maximum: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!/^\d+$/.test(value.trim()) || parsed < minimum || parsed > maximum) throw new InvalidArgumentError(`${name} must be an integer from ${minimum} to ${maximum}.`);
    return parsed;
  };
}

function parseRunLength(value: string): number {
  const milliseconds = parseDuration(value);
  if (milliseconds === undefined || milliseconds < 100 || milliseconds > 600_000) throw new InvalidArgumentError('--duration takes 100ms to 10m (e.g. 15s, 3000ms, 2m).');
  return milliseconds;
}

/**
 * Registers `detour demo`.
 *
 * @example
 * // shell: detour demo --requests 60 --duration 3s
 */
export function registerDemoCommand(program: Command): void {
  program
    .command('demo')
    .description('Watch a policy route around an outage on the built-in simulator (no keys, no network)')
    .option('--requests <n>', 'how many requests to send', parseCount('--requests', 1, 100_000), 300)
    .addOption(
      new Option('--duration <time>', 'spread them over this long (the outage timeline is scaled to fit)').argParser(parseRunLength).default(15_000, '15s'),
    )
    .option('--concurrency <n>', 'most requests in flight at once', parseCount('--concurrency', 1, 1000), 32)
    .option('--seed <n>', 'seed for the simulator and detour\'s random choices', parseCount('--seed', 0, 2 ** 32 - 1), 7)
    .option('--scenario <file|name>', `another scenario (file, or ${BUNDLED_SCENARIOS.join(', ')}); played in real time`)
    .option('--policy <file|folder>', 'another policy (default: the bundled policies/demo.yaml)')
    .option('--name <policy>', 'which policy of the folder')
    .option('--no-progress', 'no progress display on stderr')
    .option('--debug', 'show stack traces')
    .addHelpText(
      'after',
      '\nExit status: 0 when at least half the requests were answered; 1 when fewer were\n(the policy did not route around the outage) or it cannot start; 2 on usage\nerrors; 130 when interrupted with Ctrl-C (the summary so far is printed).\n',
    )
    .action(async (options: DemoCommandOptions) => {
      const release = interruptWhileStarting('demo', process.stderr);
      try {
        const { runDemo } = await import('./runDemo.js');
        process.exitCode = await runDemo(options, release);
      } catch (error) {
        reportCommandError('demo', error, options.debug === true);
      } finally {
        release();
      }
    });
}
