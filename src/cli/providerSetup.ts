/**
 * Where `detour run` and `detour demo` send their calls: the real providers
 * (keys from the environment, checked up front) or the built-in simulator,
 * started in-process, with every provider pointed at it.
 */
import { ProviderCallError } from '../errors/ProviderCallError.js';
import type { Policy } from '../policy/types.js';
import type { AiSdkLanguageModel } from '../providers/ai-sdk/ai-sdk-adapter.js';
import { SelfManagingFallbackFactory } from '../providers/factory.js';
import { bundledScenarioPath } from '../simulator/bundled.js';
import { ScenarioError } from '../simulator/ScenarioError.js';
import { startSimulator, type Simulator, type SimulatorOptions } from '../simulator/server.js';
import { CliError } from './CliError.js';
import { reachableModels } from './policyArgument.js';
import { scenarioArgument } from './scenarioArgument.js';

/** The key every provider gets when talking to the simulator, which accepts any. */
export const SIMULATOR_API_KEY = 'detour-simulator';

export interface ProviderSetup {
  readonly factory: SelfManagingFallbackFactory;
  /** Null when calls go to the real providers. */
  readonly simulator: Simulator | null;
  /** Closes connection pools and the simulator. Never rejects. */
  close(): Promise<void>;
}

export interface SimulatedProvidersOptions {
  /** A scenario file, or a bundled name (`healthy`, `chaos`, `heavy-tail`, `outage`). @default 'healthy' */
  readonly scenario?: string;
  readonly seed?: number;
  /** The clock the scenario's time windows run on (the demo compresses them). */
  readonly now?: () => number;
  /** How the SDK clients send requests (`detour serve`: `undici`). @default 'fetch' */
  readonly transport?: 'fetch' | 'undici';
  /** AI SDK language models for `provider: ai_sdk` (called as they are: the simulator stands in for the native providers only). */
  readonly models?: Readonly<Record<string, AiSdkLanguageModel>>;
}

/**
 * Start the simulator on a free port of 127.0.0.1 and a factory that points
 * every provider at it with a dummy key.
 *
 * @throws CliError one line for an unreadable or invalid scenario.
 *
 * @example
 * const setup = await simulatedProviders({ scenario: 'outage', seed: 7 });
 * try { … } finally { await setup.close(); }
 */
export async function simulatedProviders(options: SimulatedProvidersOptions = {}): Promise<ProviderSetup> {
  const scenario = options.scenario === undefined ? bundledScenarioPath('healthy') : scenarioArgument(options.scenario);
  const simulatorOptions: SimulatorOptions = {
    port: 0,
    scenario,
    ...(options.seed === undefined ? {} : { seed: options.seed }),
    ...(options.now === undefined ? {} : { now: options.now }),
  };
  let simulator: Simulator;
  try {
    simulator = await startSimulator(simulatorOptions);
  } catch (error) {
    if (ScenarioError.isInstance(error)) throw new CliError(`scenario ${error.message}`, { cause: error });
    throw error;
  }
  const factory = new SelfManagingFallbackFactory({
    baseUrlOverride: simulator.url,
    apiKeyOverride: SIMULATOR_API_KEY,
    transport: options.transport ?? 'fetch',
    ...(options.models === undefined ? {} : { models: options.models }),
  });
  return {
    factory,
    simulator,
    async close() {
      await factory.close().catch(() => undefined);
      await simulator.close().catch(() => undefined);
    },
  };
}

const MISSING_KEY = /^(.+) is not set \(needed by model ([^,]+), provider [^)]+\)$/;

/** Missing keys in one short line (`OPENAI_API_KEY (for gpt-4o), …`); other problems as they are. */
function describeProblems(problems: readonly string[]): string {
  const missing = problems.map((problem) => MISSING_KEY.exec(problem));
  if (missing.every((match) => match !== null)) {
    const byVariable = new Map<string, string[]>();
    for (const match of missing) byVariable.set(match![1]!, [...(byVariable.get(match![1]!) ?? []), match![2]!]);
    const list = [...byVariable].map(([variable, models]) => `${variable} (for ${models.join(', ')})`);
    return `missing API key${list.length === 1 ? '' : 's'}: ${list.join(', ')} not set; set ${list.length === 1 ? 'it' : 'them'}, or add --simulate to use the built-in simulator`;
  }
  return problems.join('; ');
}

/**
 * A factory for the real providers, after checking that every model the
 * policy may call has its key (and its provider entry is usable): a session
 * that would fail on its second model for want of a key is better refused
 * before the first call.
 *
 * @throws CliError one line naming each missing variable and who needs it.
 *
 * @example
 * const setup = realProviders(policy, process.env);
 */
export function realProviders(policy: Policy, env: Readonly<Record<string, string | undefined>> = process.env): ProviderSetup {
  const factory = new SelfManagingFallbackFactory({ env });
  const problems: string[] = [];
  for (const model of reachableModels(policy)) {
    try {
      factory.getAdapter(policy, model);
    } catch (error) {
      if (!ProviderCallError.isInstance(error)) throw error;
      if (!problems.includes(error.fact.message)) problems.push(error.fact.message);
    }
  }
  if (problems.length > 0) {
    void factory.close();
    throw new CliError(describeProblems(problems));
  }
  return {
    factory,
    simulator: null,
    async close() {
      await factory.close().catch(() => undefined);
    },
  };
}
