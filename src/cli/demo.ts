/**
 * `detour demo`: the bundled outage scenario on the in-process simulator,
 * a few hundred requests through the bundled demo policy, then a summary:
 * success and fallback rates, attempts, which model answered when, the
 * rules that fired, latency. Leaves nothing running.
 */
import { InvalidArgumentError, type Command } from 'commander';
import { driveDemoTraffic } from '../demo/DemoRun.js';
import { demoPolicyPath, OUTAGE_TIMELINE_MS } from '../demo/bundled.js';
import { createProgressDisplay } from '../demo/progress.js';
import { formatDemoSummary } from '../demo/summary.js';
import { parseDuration } from '../simulator/scenario.js';
import { reportCommandError } from './CliError.js';
import { setupCliTelemetry } from './otel.js';
import { choosePolicy } from './policyArgument.js';
import { simulatedProviders } from './providerSetup.js';

export interface DemoCommandOptions {
  readonly requests: number;
  readonly duration: number;
  readonly concurrency: number;
  readonly seed: number;
  readonly scenario?: string;
  readonly policy?: string;
  readonly name?: string;
  readonly progress: boolean;
  readonly debug?: boolean;
}

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
 * Run the demo and print its summary on stdout. Resolves with the exit code
 * (0, or 130 when interrupted with Ctrl-C).
 *
 * @example
 * await runDemo({ requests: 300, duration: 15_000, concurrency: 32, seed: 7, progress: true });
 */
export async function runDemo(options: DemoCommandOptions): Promise<number> {
  const policyFile = options.policy ?? demoPolicyPath();
  const { set, policy } = await choosePolicy(policyFile, options.name ?? (options.policy === undefined ? 'demo' : undefined));
  const scenario = options.scenario ?? 'outage';
  // The outage's 15-second story is replayed at the run's pace, so a short run still shows all of it.
  const scale = options.scenario === undefined ? OUTAGE_TIMELINE_MS / options.duration : 1;
  const origin = Date.now();
  const providers = await simulatedProviders({
    scenario,
    seed: options.seed,
    ...(scale === 1 ? {} : { now: () => origin + (Date.now() - origin) * scale }),
  });
  const telemetry = setupCliTelemetry();
  const controller = new AbortController();
  const interrupt = (): void => controller.abort();
  process.once('SIGINT', interrupt);
  const progress = options.progress ? createProgressDisplay(process.stderr) : null;
  try {
    process.stderr.write(
      `detour demo: ${options.requests} requests over ${(options.duration / 1000).toFixed(1)} s through policy ${policy.name} (${policy.primaryModel} first, then ${policy.fallbackModels.join(', ') || 'nothing'}), simulator ${providers.simulator?.url ?? ''}, scenario ${scenario}\n`,
    );
    const traffic = await driveDemoTraffic({
      policies: set,
      policy: policy.name,
      factory: providers.factory,
      requests: options.requests,
      durationMs: options.duration,
      concurrency: options.concurrency,
      seed: options.seed,
      signal: controller.signal,
      ...(telemetry === null ? {} : { telemetry: telemetry.hooks }),
      ...(progress === null ? {} : { onProgress: (state) => progress.update(state) }),
    });
    progress?.finish();
    process.stdout.write(`${formatDemoSummary(traffic, { policy: policy.name, scenario }).join('\n')}\n`);
    return traffic.interrupted ? 130 : 0;
  } finally {
    process.off('SIGINT', interrupt);
    await providers.close();
    await telemetry?.shutdown();
  }
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
    .option('--duration <time>', 'spread them over this long (the outage timeline is scaled to fit)', parseRunLength, 15_000)
    .option('--concurrency <n>', 'most requests in flight at once', parseCount('--concurrency', 1, 1000), 32)
    .option('--seed <n>', 'seed for the simulator and detour\'s random choices', parseCount('--seed', 0, 2 ** 32 - 1), 7)
    .option('--scenario <file|name>', 'another scenario (file, or healthy, chaos, heavy-tail, outage); played in real time')
    .option('--policy <file|folder>', 'another policy (default: the bundled policies/demo.yaml)')
    .option('--name <policy>', 'which policy of the folder')
    .option('--no-progress', 'no progress display on stderr')
    .option('--debug', 'show stack traces')
    .action(async (options: DemoCommandOptions) => {
      try {
        process.exitCode = await runDemo(options);
      } catch (error) {
        reportCommandError('demo', error, options.debug === true);
      }
    });
}
