/**
 * The demo's bundled policy (`policies/demo.yaml`) and scenario
 * (`scenarios/outage.yaml`), found from source (`src/`) and from the build (`dist/src/`).
 */
import { existsSync } from 'node:fs';
import { fileURLToPath } from 'node:url';

/** The bundled outage scenario runs on a 15-second timeline. */
export const OUTAGE_TIMELINE_MS = 15_000;

/**
 * The path of the policy `detour demo` runs.
 *
 * @example
 * const { set } = await loadPolicies(demoPolicyPath());
 */
export function demoPolicyPath(): string {
  for (const up of ['../../policies/', '../../../policies/']) {
    const path = fileURLToPath(new URL(`${up}demo.yaml`, import.meta.url));
    if (existsSync(path)) return path;
  }
  throw new Error('detour: bundled policies/demo.yaml not found next to the package');
}
