/**
 * Starting one call: its span, its abort signal and timers, the adapter call
 * (or, for streams, the pump into the consumer), and how it settles — an
 * answer that passes the policy's checks is `succeeded`, anything else
 * `failed` with its fact worked out at once.
 */
import { ProviderCallError } from '../errors/ProviderCallError.js';
import type { Policy } from '../policy/types.js';
import type { GenerateResponse, ProviderAdapter } from '../providers/spec.js';
import { noopAttempt, recordsNothing } from '../telemetry/hooks.js';
import type { AttemptStartInfo, SessionScope } from '../telemetry/hooks.js';
import { settledFact } from './attemptFact.js';
import { AttemptRun } from './AttemptRun.js';
import type { Candidate } from './candidates.js';
import { callEnded, callStarted } from './liveCalls.js';
import { acceptedAnswer, checkOutput, unacceptedCut } from './outputChecks.js';
import { pumpStream } from './pumpStream.js';
import { adapterRequest, sentParams } from './request.js';
import type { SessionEvent } from './SessionEvent.js';
import type { SessionServices, StreamSink } from './services.js';
import type { GenerateOptions } from './types.js';

/** What every attempt of one session is started with. */
export interface LaunchContext {
  readonly services: SessionServices;
  readonly policy: Policy;
  readonly options: GenerateOptions;
  readonly scope: SessionScope;
  /** Streams: the consumer (null: a plain generate). */
  readonly sink: StreamSink | null;
  /** Streams: whether `run`, at its first chunk, may have the session's stream (it is then committed and the others aborted). */
  claim(run: AttemptRun): boolean;
  /** Where the call's settlement goes (`succeeded` or `failed`). */
  push(event: SessionEvent): void;
}

/** Start attempt `number` at `candidate` through `adapter`. */
export function launchAttempt(
  context: LaunchContext,
  candidate: Candidate,
  adapter: ProviderAdapter,
  number: number,
  hedged: boolean,
  now: number,
): AttemptRun {
  const { services, policy, options, sink } = context;
  const scope = recordsNothing(context.scope) ? noopAttempt : context.scope.attemptStarted(attemptStartInfo(candidate, adapter, number, hedged, context));
  const run = new AttemptRun(number, candidate.model, adapter, candidate.reason, hedged, now, scope, attemptTimeout(policy, candidate.model));
  callStarted(services, policy, candidate.model);
  const request = adapterRequest(options, adapter.modelId);
  const callOptions = run.callOptions;
  let call: Promise<GenerateResponse>;
  try {
    call = scope.run(() => (sink === null ? adapter.generate(request, callOptions) : pumpStream(run, request, callOptions, sink, services.clock, (claimant) => context.claim(claimant))));
  } catch (error) {
    call = Promise.reject(error);
  }
  const firstChunkTimeoutMs = policy.models[candidate.model]?.firstChunkTimeoutMs ?? policy.firstChunkTimeoutMs;
  // The attempt's timer goes once the session has acted on the outcome: after the next attempt's is set,
  // so Node keeps its timer list for the duration rather than building it again (CallControl.release).
  call.then(
    (response) => {
      try {
        const problem = answerProblem(response, options, policy, adapter.providerType);
        if (problem === null) {
          callEnded(services, policy, run, response);
          context.push({ type: 'succeeded', run, response });
          return;
        }
        run.fact = settledFact(problem, run, firstChunkTimeoutMs);
        callEnded(services, policy, run, null);
        context.push({ type: 'failed', run, error: problem });
      } finally {
        run.settled();
      }
    },
    (error: unknown) => {
      try {
        const accepted = acceptedAnswer(error, policy.accept);
        if (accepted !== null) {
          callEnded(services, policy, run, accepted);
          context.push({ type: 'succeeded', run, response: accepted });
          return;
        }
        run.fact = settledFact(error, run, firstChunkTimeoutMs);
        callEnded(services, policy, run, null);
        context.push({ type: 'failed', run, error });
      } finally {
        run.settled();
      }
    },
  );
  if (sink !== null && firstChunkTimeoutMs !== null) {
    run.firstChunkTimer = setTimeout(() => run.abort('first-chunk-timeout'), firstChunkTimeoutMs);
  }
  return run;
}

/** A 200 that fails the policy's output checks, or a cut the policy does not accept: the failure it counts as. */
function answerProblem(response: GenerateResponse, options: GenerateOptions, policy: Policy, providerType: string): ProviderCallError | null {
  const fact = checkOutput(response, options, policy.outputChecks, providerType) ?? unacceptedCut(response, policy.accept, providerType);
  return fact === null ? null : new ProviderCallError(fact, { partialText: response.text === '' ? null : response.text, response });
}

/** The attempt span's description; the messages only when the executor or the hooks capture content. */
function attemptStartInfo(candidate: Candidate, adapter: ProviderAdapter, number: number, hedged: boolean, context: LaunchContext): AttemptStartInfo {
  const { services, policy, options } = context;
  const captureContent = options.captureContent ?? (services.captureContent || services.telemetry.captureContent === true);
  return {
    model: candidate.model,
    modelId: adapter.modelId,
    provider: adapter.provider,
    providerType: adapter.providerType,
    serverAddress: adapter.serverAddress,
    serverPort: adapter.serverPort,
    number,
    reason: candidate.reason,
    hedged,
    params: sentParams(policy.models[candidate.model], options.params),
    outputType: options.responseFormat?.type,
    ...(captureContent ? { messages: options.messages } : {}),
    ...(options.tools === undefined ? {} : { toolCount: options.tools.length }),
  };
}

/** The call's timeout: the model's own, else (parallel) `parallel.timeout`, else the policy's. */
function attemptTimeout(policy: Policy, model: string): number {
  const own = policy.models[model]?.timeoutMs;
  if (own !== undefined) return own;
  return policy.strategyType === 'parallel' && policy.parallel.timeoutMs !== null ? policy.parallel.timeoutMs : policy.timeoutMs;
}
