/**
 * One executor session: runs a policy's plan across models until one answers
 * or the session has to give up (docs/embedding.md). Event-driven: attempts, timers
 * and the caller's signal push events; one loop handles them in order, so
 * state is only ever changed in one place.
 *
 * The loop, starting attempts, a success and the end live here; the rest is
 * in the session's parts, functions over the session: attemptFailed (a
 * failure, mid-stream modes), afterFailure (the rules' decision and the
 * delay), hedge, abortAttempts (race losers, the session's end), pumpStream
 * (streams and the first-chunk race), attemptUnavailable (no adapter),
 * sessionRecord and sessionFailure (what the caller gets).
 */
import type { LLMFallbackError } from '../errors/LLMFallbackError.js';
import type { FallbackFailureReason } from '../errors/LLMFallbackError.js';
import type { ErrorFact } from '../errors/kinds.js';
import type { Policy } from '../policy/types.js';
import { ProviderCallError } from '../errors/ProviderCallError.js';
import { neededCapabilities, requestShape, type ModelCapability, type RequestShape } from '../providers/capabilities.js';
import type { GenerateRequest, GenerateResponse } from '../providers/spec.js';
import type { RequestFactsInput } from '../rules/facts.js';
import { drawSeed } from '../rules/random.js';
import type { Plan } from '../rules/types.js';
import type { FallbackAttempt } from '../stats/FallbackAttempt.js';
import type { SessionOutcome, SessionScope } from '../telemetry/hooks.js';
import { abortAll, abortLosers } from './abortAttempts.js';
import { afterFailure } from './afterFailure.js';
import { settledFact } from './attemptFact.js';
import { attemptFailed } from './attemptFailed.js';
import { attemptRecord } from './attemptRecord.js';
import { AttemptRun } from './AttemptRun.js';
import { attemptUnavailable } from './attemptUnavailable.js';
import { pickNextCandidate, planCandidates } from './candidates.js';
import type { Candidate, CandidateContext } from './candidates.js';
import { armHedge, hedge } from './hedge.js';
import { callEnded, callStarted } from './liveCalls.js';
import { pumpStream } from './pumpStream.js';
import { acceptedAnswer, checkOutput, unacceptedCut } from './outputChecks.js';
import { adapterRequest, estimateInputTokens, sentParams } from './request.js';
import type { SessionEvent } from './SessionEvent.js';
import { lastFailureFact, sessionFailure } from './sessionFailure.js';
import { sessionRecord } from './sessionRecord.js';
import type { SessionServices, StreamSink } from './services.js';
import type { ExecutorResult, GenerateOptions } from './types.js';

/**
 * Internal to the executor: Executor calls `run()` and `cancel()`. The state
 * below is not private because the session's parts read and write it; they
 * run from the loop like its methods (pumpStream's commit aside, which only
 * claims the stream and aborts the losers).
 */
export class Session implements CandidateContext {
  private readonly events: SessionEvent[] = [];
  private wake: (() => void) | null = null;
  readonly inFlight = new Set<AttemptRun>();
  /** Every attempt and skipped model so far, in the order they ended. */
  readonly records: FallbackAttempt[] = [];
  readonly tried: string[] = [];
  queue: Candidate[];
  /** How many attempts may run at once (parallel: `parallel.width`). */
  width: number;
  sent = 0;
  /** Hedged attempts started. */
  extras = 0;
  /** Backoff waited so far, for `max_total_delay`. */
  waitedMs = 0;
  failures = 0;
  /** Streams: the attempt that sent the first chunk. */
  committed: AttemptRun | null = null;
  /** A backoff delay or a pending decision holds new attempts back. */
  waiting = false;
  /** How the session ends if nothing is left to start: the last decision's reason when it was `fail`. */
  failReason: 'exhausted' | 'rejected' | 'deadline' = 'exhausted';
  lastCause: unknown = undefined;
  /** Streams: the text of the attempt that broke mid-stream, for LLMFallbackError.partialText. */
  partialText: string | null = null;
  finished: { result: ExecutorResult } | { error: LLMFallbackError } | null = null;
  private deadlineTimer: ReturnType<typeof setTimeout> | null = null;
  hedgeTimer: ReturnType<typeof setTimeout> | null = null;
  delayTimer: ReturnType<typeof setTimeout> | null = null;
  readonly startTime: number;
  readonly deadlineAt: number | null;
  private onAbort: (() => void) | null = null;
  private inputTokens: number | undefined;
  /** The request's facts for the rules, built when a failure first needs them. */
  requestFacts: RequestFactsInput | null = null;
  private requestShapeOf: RequestShape | undefined;
  private needed: readonly ModelCapability[] | undefined;

  constructor(
    readonly services: SessionServices,
    readonly policy: Policy,
    readonly plan: Plan,
    private seedValue: number | null,
    readonly options: GenerateOptions,
    readonly scope: SessionScope,
    readonly sink: StreamSink | null,
  ) {
    this.startTime = services.clock.now();
    this.deadlineAt = policy.deadlineMs === null ? null : this.startTime + policy.deadlineMs;
    this.queue = planCandidates(plan, policy);
    this.width = policy.enabled && plan.strategy === 'parallel' ? Math.max(1, policy.parallel.width) : 1;
  }

  /** The session's seed (drawn on first need when the plan drew nothing at random). */
  get seed(): number {
    return (this.seedValue ??= drawSeed(this.services.random));
  }

  /** Cancel from outside (a stream consumer that stopped reading). */
  cancel(): void {
    this.push({ type: 'aborted' });
  }

  /** Run to the end inside the session's telemetry scope. Rejects only with LLMFallbackError. */
  run(): Promise<ExecutorResult> {
    return this.scope.run(() => this.loop());
  }

  private async loop(): Promise<ExecutorResult> {
    const signal = this.options.signal;
    if (signal?.aborted) {
      this.end('aborted');
    } else {
      if (signal !== undefined) {
        this.onAbort = () => this.push({ type: 'aborted' });
        signal.addEventListener('abort', this.onAbort, { once: true });
      }
      if (this.deadlineAt !== null) this.deadlineTimer = setTimeout(() => this.push({ type: 'deadline' }), this.deadlineAt - this.startTime);
      this.fill();
    }
    try {
      while (this.finished === null) {
        const event = this.events.shift();
        if (event === undefined) {
          await new Promise<void>((resolve) => (this.wake = resolve));
          continue;
        }
        this.handle(event);
      }
    } finally {
      if (this.onAbort !== null) signal?.removeEventListener('abort', this.onAbort);
      this.clearTimers();
    }
    if ('error' in this.finished) throw this.finished.error;
    return this.finished.result;
  }

  push(event: SessionEvent): void {
    this.events.push(event);
    const wake = this.wake;
    if (wake !== null) {
      this.wake = null;
      wake();
    }
  }

  private handle(event: SessionEvent): void {
    switch (event.type) {
      case 'succeeded':
        if (this.inFlight.delete(event.run)) this.succeed(event.run, event.response);
        return;
      case 'failed':
        if (this.inFlight.delete(event.run)) attemptFailed(this, event.run, event.error);
        return;
      case 'unavailable':
        this.waiting = false;
        afterFailure(this, event.model, event.provider, event.fact, event.number, this.sink === null ? 'none' : 'before_first_chunk', null);
        return;
      case 'hedge':
        this.hedgeTimer = null;
        hedge(this);
        return;
      case 'delay-over':
        this.delayTimer = null;
        this.waiting = false;
        this.fill();
        return;
      case 'aborted':
        abortAll(this);
        this.end('aborted');
        return;
      case 'deadline':
        this.deadlineTimer = null;
        abortAll(this);
        this.end('deadline');
        return;
    }
  }

  /** Start attempts until `width` are in flight (or nothing is left to start). */
  fill(): void {
    if (this.waiting || this.committed !== null || this.finished !== null) return;
    const maxAttempts = this.policy.enabled ? this.plan.maxAttempts : 1;
    while (!this.waiting && this.inFlight.size < this.width && this.sent < maxAttempts) {
      const next = this.nextCandidate();
      if (next === null) break;
      this.start(next, false);
    }
    if (this.inFlight.size === 0 && !this.waiting && this.finished === null) {
      this.end(this.policy.enabled ? this.failReason : 'disabled');
    }
  }

  nextCandidate(): Candidate | null {
    return pickNextCandidate(this.queue, this);
  }

  /**
   * Whether nothing but `executor.close()` can abort the next attempt: no caller
   * signal, deadline, hedge, stream or attempt beside it. Such an attempt borrows
   * the executor's shared abort signal.
   */
  private onlyCloseAborts(): boolean {
    return this.sink === null && this.options.signal === undefined && this.deadlineAt === null && this.policy.hedge === null && this.width === 1 && this.inFlight.size === 0;
  }

  start(candidate: Candidate, hedged: boolean): void {
    const services = this.services;
    const policy = this.policy;
    const number = this.records.length + this.inFlight.size + 1;
    this.sent++;
    this.tried.push(candidate.model);
    const now = services.clock.now();
    let adapter;
    try {
      adapter = services.factory.getAdapter(policy, candidate.model);
    } catch (error) {
      attemptUnavailable(this, candidate, hedged, number, now, error);
      return;
    }
    const scope = this.scope.attemptStarted({
      model: candidate.model,
      modelId: adapter.modelId,
      provider: adapter.provider,
      providerType: adapter.providerType,
      serverAddress: adapter.serverAddress,
      serverPort: adapter.serverPort,
      number,
      reason: candidate.reason,
      hedged,
      params: sentParams(policy.models[candidate.model], this.options.params),
      outputType: this.options.responseFormat?.type,
      ...((this.options.captureContent ?? (this.services.captureContent || this.services.telemetry.captureContent === true)) ? { messages: this.options.messages } : {}),
      ...(this.options.tools === undefined ? {} : { toolCount: this.options.tools.length }),
    });
    const run = new AttemptRun(number, candidate.model, adapter, candidate.reason, hedged, now, scope, this.onlyCloseAborts() ? services.sharedAbort : null);
    this.inFlight.add(run);
    callStarted(services, policy, candidate.model);
    const request: GenerateRequest = adapterRequest(this.options, adapter.modelId);
    const config = policy.models[candidate.model];
    const timeout = config?.timeoutMs ?? (policy.strategyType === 'parallel' && policy.parallel.timeoutMs !== null ? policy.parallel.timeoutMs : policy.timeoutMs);
    const callOptions = { signal: run.signal, timeout, deferCauseScrub: true };
    let call: Promise<GenerateResponse>;
    try {
      call = scope.run(() => (this.sink === null ? adapter.generate(request, callOptions) : pumpStream(this, run, request, callOptions)));
    } catch (error) {
      call = Promise.reject(error);
    }
    call.then(
      (response) => {
        run.settled();
        const problem = this.answerProblem(response, adapter.providerType);
        if (problem === null) {
          callEnded(services, policy, run, response);
          this.push({ type: 'succeeded', run, response });
          return;
        }
        run.fact = settledFact(problem, run, policy.models[run.model]?.firstChunkTimeoutMs ?? policy.firstChunkTimeoutMs);
        callEnded(services, policy, run, null);
        this.push({ type: 'failed', run, error: problem });
      },
      (error: unknown) => {
        run.settled();
        const accepted = acceptedAnswer(error, policy.accept);
        if (accepted !== null) {
          callEnded(services, policy, run, accepted);
          this.push({ type: 'succeeded', run, response: accepted });
          return;
        }
        run.fact = settledFact(error, run, policy.models[run.model]?.firstChunkTimeoutMs ?? policy.firstChunkTimeoutMs);
        callEnded(services, policy, run, null);
        this.push({ type: 'failed', run, error });
      },
    );
    const firstChunkTimeoutMs = config?.firstChunkTimeoutMs ?? policy.firstChunkTimeoutMs;
    if (this.sink !== null && firstChunkTimeoutMs !== null) {
      run.firstChunkTimer = setTimeout(() => run.abort('first-chunk-timeout'), firstChunkTimeoutMs);
    }
    if (policy.hedge !== null) armHedge(this, policy.hedge);
  }

  private succeed(run: AttemptRun, response: GenerateResponse): void {
    const now = this.services.clock.now();
    run.clearTimers();
    const duration = now - run.startTime;
    run.scope.succeeded(response, duration);
    this.records.push(attemptRecord(run.number, run.model, run.adapter.modelId, run.adapter.provider, 'success', run.reason, run.hedged, run.startTime, duration, null, response));
    if (this.policy.circuitBreaker !== null) this.services.cooldowns.recordResult(this.policy, run.model, null, now);
    abortLosers(this, run);
    this.end('success', run, response);
  }

  /** What the request carries beyond text, read once. */
  shape(): RequestShape {
    return (this.requestShapeOf ??= requestShape(this.options, this.options.messages));
  }

  /** The capabilities a model needs to serve this request. */
  neededCapabilities(): readonly ModelCapability[] {
    return (this.needed ??= neededCapabilities(this.shape()));
  }

  /** A 200 that fails the policy's output checks, or a cut the policy does not accept: the failure it counts as. */
  private answerProblem(response: GenerateResponse, providerType: string): ProviderCallError | null {
    const fact = checkOutput(response, this.options, this.policy.outputChecks, providerType) ?? unacceptedCut(response, this.policy.accept, providerType);
    return fact === null ? null : new ProviderCallError(fact, { partialText: response.text === '' ? null : response.text, response });
  }

  /** The prompt's size for the context-window pre-check and the rules (estimated once, only when needed). */
  estimatedInputTokens(): number {
    return (this.inputTokens ??= estimateInputTokens(this.options.messages));
  }

  recordSkip(model: string, reason: string, fact: ErrorFact | null): void {
    const config = this.policy.models[model];
    this.scope.skipped(model, reason);
    const record = attemptRecord(this.records.length + this.inFlight.size + 1, model, config?.model ?? null, config?.provider ?? null, 'skipped', reason, false, this.services.clock.now(), 0, fact);
    this.records.push(record);
    this.services.logger?.logAttemptFailed?.(record, { policy: this.policy.name, primaryModel: this.plan.primary });
  }

  private clearTimers(): void {
    if (this.deadlineTimer !== null) clearTimeout(this.deadlineTimer);
    if (this.hedgeTimer !== null) clearTimeout(this.hedgeTimer);
    if (this.delayTimer !== null) clearTimeout(this.delayTimer);
    this.deadlineTimer = this.hedgeTimer = this.delayTimer = null;
  }

  end(outcome: SessionOutcome, winner?: AttemptRun, response?: GenerateResponse): void {
    if (this.finished !== null) return;
    this.clearTimers();
    const services = this.services;
    const records = this.records.length > 1 ? this.records.sort((a, b) => a.number - b.number) : this.records;
    const session = sessionRecord(this, outcome, records, winner, response);
    services.record(session);
    // Attempts the session aborted itself (deadline, a failed stream) are not what went wrong.
    const lastError = lastFailureFact(records);
    this.scope.ended(outcome, { attempts: this.sent, finalModel: session.finalModel, error: lastError });
    if (outcome === 'success' && winner !== undefined && response !== undefined) {
      services.logger?.logSessionSucceeded?.(session);
      this.finished = {
        result: {
          text: response.text,
          content: response.content,
          toolCalls: response.toolCalls,
          reasoning: response.reasoning,
          finishReason: response.finishReason,
          usage: response.usage,
          response,
          model: winner.model,
          provider: winner.adapter.provider,
          session,
        },
      };
      return;
    }
    const error = sessionFailure(this.policy.name, outcome as FallbackFailureReason, this.sent, records, lastError, this.partialText, session, this.lastCause);
    services.logger?.logSessionFailed?.(session, error);
    this.finished = { error };
  }
}
