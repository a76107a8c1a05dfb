/**
 * What `detour demo` does once its options are parsed. Loaded only when the
 * command runs, so other commands do not pay for the SDKs at start-up.
 */
import { driveDemoTraffic } from '../demo/DemoRun.js';
import { demoPolicyPath, OUTAGE_TIMELINE_MS } from '../demo/bundled.js';
import { createProgressDisplay } from '../demo/progress.js';
import { formatDemoSummary, requestCount } from '../demo/summary.js';
import { setupCliTelemetry } from './otel.js';
import { choosePolicy } from './policyArgument.js';
import { simulatedProviders } from './providerSetup.js';

/** The command line options, as commander parses them. */
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

/**
 * A demo that answers fewer requests than this share did not route around
 * the outage: that is a failed run (exit 1), whatever the summary shows.
 */
export const DEMO_MINIMUM_ANSWERED_SHARE = 0.5;

/**
 * The demo's exit code: 130 when interrupted with Ctrl-C; 1 when fewer than
 * half the requests were answered; else 0.
 *
 * @example
 * demoExitCode({ interrupted: false, answered: 12, requests: 40 }); // 1
 */
export function demoExitCode(run: { readonly interrupted: boolean; readonly answered: number; readonly requests: number }): 0 | 1 | 130 {
  if (run.interrupted) return 130;
  return run.answered < run.requests * DEMO_MINIMUM_ANSWERED_SHARE ? 1 : 0;
}

/**
 * Run the demo and print its summary on stdout. Resolves with the exit code
 * (see {@link demoExitCode}). `started` is called when the demo's own Ctrl-C
 * handler takes over (the command's start-up handler is then released).
 *
 * @example
 * await runDemo({ requests: 300, duration: 15_000, concurrency: 32, seed: 7, progress: true });
 */
export async function runDemo(options: DemoCommandOptions, started: () => void = () => undefined): Promise<number> {
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
  // The SDKs load before the story starts, so the first requests do not spend its opening
  // seconds importing them; the story (the scenario's clock, restarted by reset()) starts when
  // the first request arrives, however long set-up and that first call's cold start take.
  await providers.factory.preloadSdks([policy]);
  providers.simulator?.reset({ clockFrom: 'first-request' });
  const telemetry = await setupCliTelemetry();
  const controller = new AbortController();
  const interrupt = (): void => controller.abort();
  started();
  process.once('SIGINT', interrupt);
  const progress = options.progress ? createProgressDisplay(process.stderr) : null;
  try {
    process.stderr.write(
      `detour demo: ${requestCount(options.requests)} over ${(options.duration / 1000).toFixed(1)} s through policy ${policy.name} (${policy.primaryModel} first, then ${policy.fallbackModels.join(', ') || 'nothing'}), simulator ${providers.simulator?.url ?? ''}, scenario ${scenario}\n`,
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
    const exitCode = demoExitCode({ interrupted: traffic.interrupted, answered: traffic.stats.successfulSessions, requests: options.requests });
    if (exitCode === 1) {
      process.stderr.write(
        `detour demo: ${traffic.stats.successfulSessions} of ${requestCount(options.requests)} answered, fewer than half: policy ${policy.name} did not route around scenario ${scenario}\n`,
      );
    }
    return exitCode;
  } finally {
    process.off('SIGINT', interrupt);
    await providers.close();
    await telemetry?.shutdown();
  }
}

