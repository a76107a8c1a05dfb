/**
 * What `detour serve` does once its options are parsed: load (and watch)
 * the policies, start the gateway, and drain it on SIGTERM/SIGINT. Loaded
 * only when the command runs.
 */
import { createWriteStream, type WriteStream } from 'node:fs';
import { stat } from 'node:fs/promises';
import { propagation } from '@opentelemetry/api';
import { ProviderCallError } from '../errors/ProviderCallError.js';
import { createExecutor } from '../executor/createExecutor.js';
import type { Executor } from '../executor/Executor.js';
import { PolicyLoadError } from '../executor/PolicyLoadError.js';
import type { StateStore } from '../executor/StateStore.js';
import type { FallbackLogger } from '../executor/types.js';
import { jsonLinesAccessLog } from '../gateway/accessLog.js';
import { createGateway } from '../gateway/createGateway.js';
import { GatewayKeys } from '../gateway/GatewayKeys.js';
import type { PolicySet } from '../policy/types.js';
import type { AiSdkLanguageModel } from '../providers/ai-sdk/ai-sdk-adapter.js';
import { SelfManagingFallbackFactory } from '../providers/factory.js';
import { mulberry32 } from '../rules/random.js';
import { formatDiagnostics } from '../watch/formatDiagnostics.js';
import { CliError } from './CliError.js';
import { loadModelsModule } from './modelsModule.js';
import { setupCliTelemetry } from './otel.js';
import { reachableModels } from './policyArgument.js';
import { simulatedProviders, type ProviderSetup } from './providerSetup.js';
import { waitForStopSignal } from './stopSignal.js';

/** The command line options, as commander parses them. */
export interface ServeCommandOptions {
  readonly port: number;
  readonly host: string;
  readonly keysFile?: string;
  readonly simulate?: boolean;
  readonly scenario?: string;
  readonly seed?: number;
  readonly watch: boolean;
  readonly maxBodyBytes: number;
  readonly requestTimeout: number;
  readonly drainTimeout: number;
  readonly accessLog: boolean;
  readonly redis?: string;
  readonly requireRedis?: boolean;
  /** A module exporting AI SDK language models by name (`provider: ai_sdk`). */
  readonly models?: string;
  readonly debug?: boolean;
}

function say(line: string): void {
  process.stderr.write(`detour serve: ${line}\n`);
}

async function gatewayKeys(options: ServeCommandOptions): Promise<GatewayKeys | null> {
  if (options.keysFile !== undefined) {
    let keys: GatewayKeys;
    try {
      keys = await GatewayKeys.fromFile(options.keysFile);
    } catch (error) {
      throw new CliError(`--keys-file ${error instanceof Error ? error.message : String(error)}`, { cause: error });
    }
    if (keys.size === 0) throw new CliError(`--keys-file ${options.keysFile} holds no keys`);
    return keys;
  }
  if ((process.env.DETOUR_GATEWAY_KEYS ?? '').trim() === '') return null;
  try {
    return GatewayKeys.fromEnv(process.env);
  } catch (error) {
    throw new CliError(error instanceof Error ? error.message : String(error), { cause: error });
  }
}

/** The gateway's SDK clients use the lean undici transport: a gateway lives on its per-request CPU. */
const TRANSPORT = 'undici';

/**
 * Standard output for the access log, written from libuv's thread pool
 * (`process.stdout` writes to a file synchronously, so a slow disk would hold
 * up every request). A reader that falls far behind loses lines instead of
 * growing the gateway's memory (jsonLinesAccessLog's `maxQueuedBytes`); a
 * reader that goes away (EPIPE) ends the access log, not the gateway.
 */
function accessLogOutput(): WriteStream {
  const output = createWriteStream('', { fd: 1, autoClose: false });
  output.once('error', (error) => say(`access log stopped: ${error.message}`));
  output.on('error', () => undefined);
  return output;
}

/** A Redis state store (the optional `redis` package); its outages are said on stderr, once each. */
async function redisStore(url: string): Promise<StateStore> {
  let module: typeof import('../redis/index.js');
  try {
    module = await import('../redis/index.js');
  } catch (error) {
    throw new CliError('--redis needs the redis package: npm install redis', { cause: error });
  }
  try {
    return new module.RedisStateStore({ url, log: say });
  } catch (error) {
    throw new CliError(`--redis: ${error instanceof Error ? error.message : String(error)}`, { cause: error });
  }
}

function realProviders(models: Readonly<Record<string, AiSdkLanguageModel>> | undefined): ProviderSetup {
  const factory = new SelfManagingFallbackFactory({ transport: TRANSPORT, ...(models === undefined ? {} : { models }) });
  return { factory, simulator: null, close: () => factory.close().catch(() => undefined) };
}

/** Missing provider keys are warned about at start, not fatal: other policies may still serve. */
function warnMissingKeys(factory: SelfManagingFallbackFactory, set: PolicySet): void {
  const problems = new Set<string>();
  for (const policy of set.policies.values()) {
    for (const model of reachableModels(policy)) {
      try {
        factory.getAdapter(policy, model);
      } catch (error) {
        if (ProviderCallError.isInstance(error)) problems.add(error.fact.message);
        else throw error;
      }
    }
  }
  for (const problem of problems) say(`warning: ${problem}; calls to that model fail until it is set`);
}

const reloadLogger: FallbackLogger = {
  logPolicyReloaded: (event) => say(`policies reloaded: ${event.previousVersion} → ${event.version} (${event.names.join(', ')})`),
  logPolicyRejected: (event) => say(`policy change rejected, still serving ${event.runningVersion}\n${event.message}`),
  logInternalError: (message) => say(message),
};

/**
 * Serve until a stop signal; resolves with the exit code.
 *
 * @example
 * const code = await serve(['policies'], { port: 8787, host: '127.0.0.1', simulate: true, … })
 */
export async function serve(paths: readonly string[], options: ServeCommandOptions): Promise<number> {
  if (options.scenario !== undefined && options.simulate !== true) throw new CliError('--scenario needs --simulate', { exitCode: 2 });
  if (options.requireRedis === true && options.redis === undefined) throw new CliError('--require-redis needs --redis', { exitCode: 2 });
  const folders: string[] = [];
  for (const path of paths) {
    const info = await stat(path).catch(() => null);
    if (info === null) throw new CliError(`${path}: no such policy file or folder`);
    if (info.isDirectory()) folders.push(path);
  }
  const watch = options.watch && paths.length === 1 && folders.length === 1;
  const keys = await gatewayKeys(options);
  const telemetry = await setupCliTelemetry({ serviceName: 'detour-gateway' });
  if (telemetry !== null) {
    // Clients' W3C traceparent headers continue their traces through the gateway.
    try {
      const { W3CTraceContextPropagator } = await import('@opentelemetry/core');
      propagation.setGlobalPropagator(new W3CTraceContextPropagator());
    } catch {
      say('@opentelemetry/core is not installed: spans are exported, but clients\' traceparent headers are not followed (npm install @opentelemetry/core)');
    }
  }
  let providers: ProviderSetup | null = null;
  let executor: Executor | null = null;
  let stateStore: StateStore | null = null;
  let accessLog: WriteStream | null = null;
  try {
    if (options.redis !== undefined) stateStore = await redisStore(options.redis);
    const models = options.models === undefined ? undefined : await loadModelsModule(options.models);
    providers = options.simulate === true
      ? await simulatedProviders({
          transport: TRANSPORT,
          ...(options.scenario === undefined ? {} : { scenario: options.scenario }),
          ...(options.seed === undefined ? {} : { seed: options.seed }),
          ...(models === undefined ? {} : { models }),
        })
      : realProviders(models);
    try {
      executor = await createExecutor({
        policies: paths.length === 1 ? paths[0]! : paths,
        watch,
        logger: reloadLogger,
        factory: providers.factory,
        ...(stateStore === null ? {} : { stateStore }),
        ...(telemetry === null ? {} : { telemetry: telemetry.hooks }),
        ...(options.seed === undefined ? {} : { random: mulberry32(options.seed) }),
      });
    } catch (error) {
      if (PolicyLoadError.isInstance(error)) throw new CliError(formatDiagnostics(error.diagnostics) || error.message, { cause: error });
      throw error;
    }
    if (providers.simulator === null) warnMissingKeys(providers.factory, executor.policies.current());
    // The SDKs are imported at start-up rather than by the first requests; a missing one is said now.
    for (const missing of await providers.factory.preloadSdks(executor.policies.current().policies.values())) say(missing.fact.message);
    accessLog = options.accessLog ? accessLogOutput() : null;
    const gateway = createGateway({
      executor,
      keys,
      maxBodyBytes: options.maxBodyBytes,
      requestTimeout: options.requestTimeout,
      drainTimeout: options.drainTimeout,
      accessLog: accessLog === null ? null : jsonLinesAccessLog(accessLog),
      requireStateStore: options.requireRedis === true,
      ...(telemetry === null ? {} : { tracerProvider: telemetry.tracerProvider }),
    });
    let address;
    try {
      address = await gateway.listen({ port: options.port, host: options.host });
    } catch (error) {
      const code = (error as NodeJS.ErrnoException).code;
      if (code === 'EADDRINUSE') throw new CliError(`port ${options.port} on ${options.host} is already in use (try --port 0)`);
      throw error;
    }
    const stopped = waitForStopSignal();
    if (address.notice !== null) say(address.notice);
    const set = executor.policies.current();
    say(`policies ${[...set.policies.keys()].join(', ')} (${set.version})${watch ? `, watching ${paths[0]}` : ''}${providers.simulator === null ? '' : `, providers simulated at ${providers.simulator.url}`}`);
    say(`listening on ${address.url} (OpenAI: ${address.url}/v1, Anthropic: ${address.url})`);
    const signal = await stopped;
    say(`${signal}: draining (up to ${options.drainTimeout} ms for ${gateway.inFlight} request${gateway.inFlight === 1 ? '' : 's'} in flight)`);
    await gateway.close();
    say('stopped');
    return 0;
  } finally {
    await executor?.close();
    await stateStore?.close?.();
    await providers?.close();
    await telemetry?.shutdown();
    // The last requests' lines are written on the next turn; then the stream is ended and flushed.
    const output = accessLog;
    if (output !== null) await new Promise<void>((resolve) => setImmediate(() => output.end(resolve)));
  }
}
