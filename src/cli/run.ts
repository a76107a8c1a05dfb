/**
 * `detour run --policy F [--name P] [--model M] [--stream] [--json]
 * [--simulate [--scenario F]] [--seed N] [--metadata k=v…] [--debug] "prompt"`:
 * one request through a policy, then the session as a timeline. Ctrl-C
 * aborts the session, prints the timeline so far and exits 130.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { BUNDLED_SCENARIOS } from '../simulator/bundled.js';
import { reportCommandError } from './CliError.js';
import { interruptWhileStarting } from './processGuards.js';
import type { RunCommandOptions } from './runOnce.js';

function parseSeed(value: string): number {
  if (!/^\d+$/.test(value.trim()) || Number(value) > 2 ** 32 - 1) throw new InvalidArgumentError('--seed must be an integer from 0 to 4294967295.');
  return Number(value);
}

/**
 * A `--metadata` value as the API would carry it: numbers, `true`/`false`,
 * `null` and JSON lists or objects are parsed, anything else stays a string
 * (`tier=free` → "free", `priority=2` → 2, `beta=true` → true, `tags=["a","b"]` → a list).
 */
export function parseMetadataValue(text: string): unknown {
  const trimmed = text.trim();
  if (trimmed === 'true') return true;
  if (trimmed === 'false') return false;
  if (trimmed === 'null') return null;
  if (/^-?(0|[1-9]\d*)(\.\d+)?([eE][+-]?\d+)?$/.test(trimmed)) return Number(trimmed);
  if (trimmed.startsWith('[') || trimmed.startsWith('{')) {
    try {
      return JSON.parse(trimmed) as unknown;
    } catch {
      throw new InvalidArgumentError(`--metadata value ${trimmed} looks like JSON but does not parse; quote it as a string or fix the JSON.`);
    }
  }
  return text;
}

function collectMetadata(value: string, previous: Record<string, unknown> | undefined): Record<string, unknown> {
  const equals = value.indexOf('=');
  if (equals <= 0) throw new InvalidArgumentError(`--metadata takes key=value (got "${value}").`);
  return { ...previous, [value.slice(0, equals)]: parseMetadataValue(value.slice(equals + 1)) };
}

/**
 * Registers `detour run`.
 *
 * @example
 * // shell: detour run --policy policies/demo.yaml --simulate --scenario outage "Say hi"
 */
export function registerRunCommand(program: Command): void {
  program
    .command('run')
    .description('Send one prompt through a policy and show each attempt (real providers, or --simulate)')
    .argument('[prompt...]', 'the prompt (read from stdin when absent)')
    .requiredOption('--policy <file|folder>', 'a policy file, or a folder of them (with --name)')
    .option('--name <policy>', 'which policy of the folder (default: the only one, else "default")')
    .option('--model <model>', 'start with this model or group of the policy instead of its primary')
    .option('--stream', 'stream the answer as it arrives')
    .option('--json', 'print the session record as JSON instead of the timeline')
    .option('--simulate', 'call the built-in provider simulator instead of the real providers (no keys needed)')
    .option('--scenario <file|name>', `with --simulate: a scenario file or a bundled one (${BUNDLED_SCENARIOS.join(', ')})`)
    .option('--seed <n>', 'seed the simulator and detour\'s own random choices', parseSeed)
    .option('--metadata <key=value>', 'request metadata for routes and rules (repeatable); numbers, true/false and JSON lists are parsed as the API would carry them', collectMetadata)
    .option('--debug', 'show stack traces; with --simulate, say where the simulator listens')
    .addHelpText(
      'after',
      '\nExit status: 0 answered; 1 no model answered, or a problem to fix first (a\nmissing key, an invalid policy); 2 on usage errors; 130 on Ctrl-C, which aborts\nthe session and prints its timeline so far.\n',
    )
    .action(async (words: string[], options: RunCommandOptions) => {
      const release = interruptWhileStarting('run', process.stderr);
      try {
        const { readPrompt, runOnce } = await import('./runOnce.js');
        const prompt = await readPrompt(words);
        process.exitCode = await runOnce(options, prompt, release);
      } catch (error) {
        reportCommandError('run', error, options.debug === true);
      } finally {
        release();
      }
    });
}
