/**
 * `detour serve [policies…] [--port N] [--host H] [--keys-file F]
 * [--simulate [--scenario F]]`: the policies as an HTTP gateway speaking the
 * OpenAI and Anthropic wire formats, until SIGTERM/SIGINT, which drains it.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { parseDuration } from '../policy/duration.js';
import { BUNDLED_SCENARIOS } from '../simulator/bundled.js';
import { reportCommandError } from './CliError.js';
import { parseInteger } from './simulate.js';
import type { ServeCommandOptions } from './runServe.js';

/** The port `detour serve` listens on when `--port` is not given. */
export const DEFAULT_GATEWAY_PORT = 8787;

function parseTime(name: string): (value: string) => number {
  return (value) => {
    const milliseconds = parseDuration(/^\d+(\.\d+)?$/.test(value) ? Number(value) : value);
    if (milliseconds === undefined) throw new InvalidArgumentError(`${name} takes a time such as 30s, 500ms or 10m.`);
    return milliseconds;
  };
}

/**
 * Registers `detour serve`.
 *
 * @example
 * // shell: DETOUR_GATEWAY_KEYS=sk-team-a detour serve policies/ --port 8787 --host 0.0.0.0
 */
export function registerServeCommand(program: Command): void {
  program
    .command('serve')
    .description('Serve policies as an HTTP gateway (OpenAI /v1/chat/completions, Anthropic /v1/messages) until SIGTERM')
    .argument('[policies...]', 'policy files or folders', ['policies'])
    .option('--port <n>', 'port to listen on (0: any free port)', parseInteger('--port', 0, 65_535), DEFAULT_GATEWAY_PORT)
    .option('--host <address>', 'address to listen on (loopback only while no gateway keys are set)', '127.0.0.1')
    .option('--keys-file <file>', 'gateway keys, one per line (sha256:<hex> or the key; name=, policies=, rate=); else DETOUR_GATEWAY_KEYS')
    .option('--simulate', 'call the built-in provider simulator instead of the real providers (no keys needed)')
    .option('--scenario <file|name>', `with --simulate: a scenario file or a bundled one (${BUNDLED_SCENARIOS.join(', ')})`)
    .option('--seed <n>', 'seed the simulator and detour\'s own random choices', parseInteger('--seed', 0, 2 ** 32 - 1))
    .option('--no-watch', 'do not reload a policy folder when its files change')
    .option('--max-body-bytes <n>', 'refuse larger request bodies with 413', parseInteger('--max-body-bytes', 1, 2 ** 31), 10 * 1024 * 1024)
    .option('--request-timeout <time>', 'abort a request still running after this long', parseTime('--request-timeout'), 600_000)
    .option('--drain-timeout <time>', 'on SIGTERM, how long requests in flight may finish', parseTime('--drain-timeout'), 30_000)
    .option('--no-access-log', 'do not print one JSON line per request on stdout')
    .option('--models <module>', 'a JavaScript module exporting AI SDK language models by name (default export or `models`), for policy models with provider: ai_sdk')
    .option('--redis <url>', 'share cooldowns, breakers, budgets and sticky choices with other replicas through Redis (npm install redis)')
    .option('--require-redis', 'with --redis: /readyz answers 503 while Redis is unreachable (default: 200, status "degraded")')
    .option('--debug', 'show stack traces')
    .addHelpText(
      'after',
      '\nClients use the policy name as the model ("default", or "default/claude-haiku" to\nstart with one of its models), and a gateway key as their API key. Provider keys\ncome from the environment as for detour run. SIGTERM or Ctrl-C stops accepting,\nlets requests in flight finish (up to --drain-timeout), then exits 0.\n',
    )
    .action(async (paths: string[], options: ServeCommandOptions) => {
      try {
        const { serve } = await import('./runServe.js');
        process.exitCode = await serve(paths, options);
      } catch (error) {
        reportCommandError('serve', error, options.debug === true);
      }
    });
}
