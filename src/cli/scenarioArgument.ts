/**
 * `--scenario <file|name>` for `detour run`, `detour demo` and `detour
 * simulate`: an existing file, or the name of a bundled scenario. Anything
 * else is one line that lists the names, instead of the simulator's bare
 * "file not found".
 */
import { existsSync } from 'node:fs';
import { BUNDLED_SCENARIOS, resolveScenarioArgument } from '../simulator/bundled.js';
import { CliError } from './CliError.js';

/**
 * The scenario file to load for a `--scenario` argument.
 *
 * @throws CliError when it is neither a file nor a bundled name.
 *
 * @example
 * scenarioArgument('outage'); // '/…/scenarios/outage.yaml'
 */
export function scenarioArgument(argument: string): string {
  if (!existsSync(argument) && !(BUNDLED_SCENARIOS as readonly string[]).includes(argument)) {
    throw new CliError(`--scenario ${argument}: no such file, and not a bundled scenario (${BUNDLED_SCENARIOS.join(', ')})`);
  }
  return resolveScenarioArgument(argument);
}
