/**
 * What `detour run` does once its options are parsed: one request through a
 * policy, then the session as a timeline. Loaded only when the command runs,
 * so other commands do not pay for the SDKs at start-up.
 */
import { LLMFallbackError } from '../errors/LLMFallbackError.js';
import { createExecutor } from '../executor/createExecutor.js';
import { type Executor } from '../executor/Executor.js';
import type { ExecutorResult, GenerateOptions } from '../executor/types.js';
import { mulberry32 } from '../rules/random.js';
import { FallbackSession, type FallbackSessionData } from '../stats/FallbackSession.js';
import { CliError } from './CliError.js';
import { setupCliTelemetry } from './otel.js';
import { choosePolicy } from './policyArgument.js';
import type { Policy } from '../policy/types.js';
import { realProviders, simulatedProviders, type ProviderSetup } from './providerSetup.js';
import { formatTimeline } from '../stats/timeline.js';

/** The command line options, as commander parses them. */
export interface RunCommandOptions {
  readonly policy: string;
  readonly name?: string;
  readonly model?: string;
  readonly stream?: boolean;
  readonly json?: boolean;
  readonly simulate?: boolean;
  readonly scenario?: string;
  readonly seed?: number;
  readonly metadata?: Readonly<Record<string, unknown>>;
  readonly debug?: boolean;
}

/** The prompt: the words given, else stdin when it is not a terminal. */
export async function readPrompt(words: readonly string[]): Promise<string> {
  let prompt = words.join(' ');
  if (prompt.trim() === '' && !process.stdin.isTTY) {
    const chunks: Buffer[] = [];
    for await (const chunk of process.stdin) chunks.push(typeof chunk === 'string' ? Buffer.from(chunk) : (chunk as Buffer));
    prompt = Buffer.concat(chunks).toString('utf8');
  }
  if (prompt.trim() === '') throw new CliError('no prompt: give it as an argument (detour run --policy F "prompt") or on stdin', { exitCode: 2 });
  return prompt.trim();
}

function print(lines: readonly string[]): void {
  process.stdout.write(`${lines.join('\n')}\n`);
}

async function generateOnce(executor: Executor, request: GenerateOptions, stream: boolean, echo: boolean): Promise<ExecutorResult> {
  if (!stream) {
    const result = await executor.generate(request);
    if (echo) process.stdout.write(`${result.text}\n`);
    return result;
  }
  for await (const event of executor.stream(request)) {
    if (event.type === 'text-delta' && echo) {
      process.stdout.write(event.text);
    } else if (event.type === 'restart') {
      process.stderr.write(`\n[detour: ${event.failedModel} broke off mid-stream (${event.error.kind}); starting over on the next model]\n`);
    } else if (event.type === 'finish') {
      if (echo) process.stdout.write('\n');
      return event.result;
    }
  }
  throw new Error('the stream ended without a result');
}

/**
 * Run one prompt through a policy and print the answer and its timeline.
 * Resolves with the exit code (0 answered, 1 no model answered, 130 when
 * Ctrl-C aborted the session: the timeline so far is printed first); throws
 * CliError for problems the user must fix first.
 *
 * @example
 * const code = await runOnce({ policy: 'policies/demo.yaml', simulate: true }, 'Hello');
 */
export async function runOnce(options: RunCommandOptions, prompt: string, started: () => void = () => undefined): Promise<number> {
  if (options.scenario !== undefined && options.simulate !== true) throw new CliError('--scenario needs --simulate', { exitCode: 2 });
  const { set, policy } = await choosePolicy(options.policy, options.name);
  if (options.model !== undefined && policy.models[options.model] === undefined && policy.groups[options.model] === undefined && !routesKeyOnModel(policy)) {
    throw new CliError(`unknown model "${options.model}" in policy ${policy.name}; known: ${[...Object.keys(policy.models), ...Object.keys(policy.groups)].join(', ')}`);
  }
  const providers: ProviderSetup = options.simulate === true
    ? await simulatedProviders({ ...(options.scenario === undefined ? {} : { scenario: options.scenario }), ...(options.seed === undefined ? {} : { seed: options.seed }) })
    : realProviders(policy);
  // With --debug, where the simulator listens: a script (or a test) can watch
  // GET <url>/_detour/counts to see the request arrive.
  if (options.debug === true && providers.simulator !== null) process.stderr.write(`detour run: simulator listening on ${providers.simulator.url}\n`);
  // The first attempt's time in the timeline is the call's, not the SDK's import.
  await providers.factory.preloadSdks([policy]);
  const telemetry = await setupCliTelemetry();
  const controller = new AbortController();
  const interrupt = (): void => controller.abort();
  started();
  process.once('SIGINT', interrupt);
  let executor: Executor | null = null;
  try {
    executor = await createExecutor({
      policies: set,
      factory: providers.factory,
      ...(telemetry === null ? {} : { telemetry: telemetry.hooks }),
      ...(options.seed === undefined ? {} : { random: mulberry32(options.seed) }),
    });
    const request: GenerateOptions = {
      policy: policy.name,
      messages: [{ role: 'user', content: prompt }],
      signal: controller.signal,
      ...(options.model === undefined ? {} : { model: options.model }),
      ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
    };
    const json = options.json === true;
    try {
      const result = await generateOnce(executor, request, options.stream === true, !json);
      const record: FallbackSessionData = result.session.toJSON();
      // The answer is the user's own output here, so the printed record carries it.
      print(json ? [JSON.stringify({ ...record, responseText: result.text }, null, 2)] : ['', ...formatTimeline(record)]);
      return 0;
    } catch (error) {
      if (!LLMFallbackError.isInstance(error)) throw error;
      const session = FallbackSession.fromError(error);
      if (session === null) throw error;
      if (json) {
        print([JSON.stringify(session.toJSON(), null, 2)]);
        process.stderr.write(`detour run: ${error.reason}: ${error.message.split('\n', 1)[0]}\n`);
      } else {
        if (options.stream === true) process.stdout.write('\n');
        print(['', ...formatTimeline(session.toJSON())]);
      }
      // Ctrl-C: the session was aborted and its timeline printed; exit as an interrupted process does.
      return error.reason === 'aborted' && controller.signal.aborted ? 130 : 1;
    }
  } finally {
    process.off('SIGINT', interrupt);
    await executor?.close();
    await providers.close();
    await telemetry?.shutdown();
  }
}

/** True when a route tests `request.model`: then `--model` may be an alias only the routes know. */
function routesKeyOnModel(policy: Policy): boolean {
  return policy.routes.some((route) => JSON.stringify(route.when).includes('"request.model"'));
}
