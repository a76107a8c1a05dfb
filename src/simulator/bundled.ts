/**
 * The scenarios shipped in the package's `scenarios/` folder, found from source (`src/`) and from the build (`dist/src/`).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

export const BUNDLED_SCENARIOS = ['healthy', 'chaos', 'heavy-tail', 'heavy-tail-stalls', 'outage'] as const;

export type BundledScenario = (typeof BUNDLED_SCENARIOS)[number];

/**
 * The path of a bundled scenario file.
 *
 * @example
 * const simulator = await startSimulator({ scenario: bundledScenarioPath('outage') });
 */
export function bundledScenarioPath(name: BundledScenario): string {
  for (const up of ['../../scenarios/', '../../../scenarios/']) {
    const path = fileURLToPath(new URL(`${up}${name}.yaml`, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error(`detour: bundled scenario ${name}.yaml not found next to the package`);
}

/** A `--scenario` argument: an existing file as given, else a bundled scenario's name. */
export function resolveScenarioArgument(argument: string): string {
  if (existsSync(argument)) return argument;
  if ((BUNDLED_SCENARIOS as readonly string[]).includes(argument)) return bundledScenarioPath(argument as BundledScenario);
  return argument;
}
