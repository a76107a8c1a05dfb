/**
 * `detour simulate [--port N] [--scenario F] [--seed N]`: the provider
 * simulator in the foreground until SIGINT/SIGTERM.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { BUNDLED_SCENARIOS } from '../simulator/bundled.js';
import { ScenarioError } from '../simulator/ScenarioError.js';
import { startSimulator, type Simulator } from '../simulator/server.js';
import { CliError } from './CliError.js';
import { scenarioArgument } from './scenarioArgument.js';
import { waitForStopSignal } from './stopSignal.js';

/** The port `detour simulate` listens on when `--port` is not given. */
export const DEFAULT_SIMULATOR_PORT = 8790;

/** A commander parser for an integer option from `minimum` to `maximum` (usage error otherwise). */
export function parseInteger(name: string, minimum: number, maximum: number): (value: string) => number {
  return (value) => {
    const parsed = Number(value);
    if (!/^\d+$/.test(value.trim()) || parsed < minimum || parsed > maximum) {
      throw new InvalidArgumentError(`${name} must be an integer from ${minimum} to ${maximum}.`);
    }
    return parsed;
  };
}

interface SimulateOptions {
  readonly port: number;
  readonly host: string;
  readonly scenario?: string;
  readonly seed?: number;
}

/**
 * Registers `detour simulate`.
 *
 * @example
 * // shell: detour simulate --port 8790 --scenario scenarios/outage.yaml --seed 7
 * // prints: detour simulator listening on http://127.0.0.1:8790
 */
export function registerSimulateCommand(program: Command): void {
  program
    .command('simulate')
    .description('Serve the OpenAI, Anthropic and Google wire protocols on 127.0.0.1, failing as a scenario says')
    .option('--port <n>', `port to listen on (0: any free port)`, parseInteger('--port', 0, 65_535), DEFAULT_SIMULATOR_PORT)
    .option('--host <address>', 'address to listen on', '127.0.0.1')
    .option('--scenario <file|name>', `a scenario file, or a bundled one (${BUNDLED_SCENARIOS.join(', ')})`)
    .option('--seed <n>', 'seed for probabilities and latency draws', parseInteger('--seed', 0, 2 ** 32 - 1))
    .action(async (options: SimulateOptions) => {
      let simulator: Simulator;
      try {
        simulator = await startSimulator({
          port: options.port,
          host: options.host,
          ...(options.scenario === undefined ? {} : { scenario: scenarioArgument(options.scenario) }),
          ...(options.seed === undefined ? {} : { seed: options.seed }),
        });
      } catch (error) {
        const code = (error as NodeJS.ErrnoException).code;
        const message = ScenarioError.isInstance(error) || CliError.isInstance(error)
          ? error.message
          : code === 'EADDRINUSE'
            ? `port ${options.port} on ${options.host} is already in use (try --port 0)`
            : error instanceof Error
              ? error.message
              : String(error);
        process.stderr.write(`detour simulate: ${message}\n`);
        process.exitCode = 1;
        return;
      }
      const stopped = waitForStopSignal();
      process.stdout.write(`detour simulator listening on ${simulator.url}\n`);
      await stopped;
      await simulator.close();
      process.exitCode = 0;
    });
}
