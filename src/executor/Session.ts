/**
 * One executor session: runs a policy's plan across models until one answers
 * or the session has to give up (docs/embedding.md). Event-driven: attempts, timers
 * and the caller's signal push events, handled one at a time in order, so
 * state is only ever changed in one place — this class's methods.
 *
 * What the steps compute lives beside it as functions of their inputs:
 * decideNext (the rules' decision), launchAttempt (a call and how it
 * settles), attemptFact (a failure's fact), attemptRecord, abortRun,
 * attemptUnavailable, SessionRequest (what the request needs), sessionRecord
 * and sessionFailure (what the caller gets).
 */
import type { LLMFallbackError } from '../errors/LLMFallbackError.js';
import type { FallbackFailureReason } from '../errors/LLMFallbackError.js';
import type { ErrorFact } from '../errors/kinds.js';
import { scrubCause } from '../errors/toProviderCallError.js';
import type { Policy } from '../policy/types.js';
import type { ModelCapability } from '../providers/capabilities.js';
import type { GenerateResponse } from '../providers/spec.js';
import type { StreamPhase } from '../rules/facts.js';
import { drawSeed } from '../rules/random.js';
import type { Plan } from '../rules/types.js';
import type { AttemptOutcome, FallbackAttempt } from '../stats/FallbackAttempt.js';
import { noopAttempt, type SessionOutcome, type SessionScope } from '../telemetry/hooks.js';
import { abortRun } from './abortRun.js';
import { failedAttempt } from './attemptFact.js';
import { attemptRecord } from './attemptRecord.js';
import type { AttemptRun } from './AttemptRun.js';
import { unavailableAttempt } from './attemptUnavailable.js';
import { pickNextCandidate, planCandidates } from './candidates.js';
import type { Candidate, CandidateContext } from './candidates.js';
import { decideNext, failureReasonOf } from './decideNext.js';
import type { FailedCall } from './decideNext.js';
import { launchAttempt } from './launchAttempt.js';
import type { LaunchContext } from './launchAttempt.js';
import type { SessionEvent } from './SessionEvent.js';
import { SerialEvents } from './SerialEvents.js';
import { lastFailureFact, sessionFailure } from './sessionFailure.js';
import { sessionRecord, sessionResult } from './sessionRecord.js';
import { SessionRequest } from './SessionRequest.js';
import type { SessionServices, StreamSink } from './services.js';
import type { ExecutorResult, GenerateOptions } from './types.js';

/**
 * Internal to the executor: Executor calls `run()` and `cancel()`; the
 * attempts it launches call `push` (they settled) and, streams, `claim`.
 */
export class Session implements CandidateContext, LaunchContext {
  private readonly events = new SerialEvents<SessionEvent>(
    (event) => this.handle(event),
    () => this.finished !== null,
  );
  private readonly inFlight = new Set<AttemptRun>();
  /** Every attempt and skipped model so far, in the order they ended. */
  private readonly records: FallbackAttempt[] = [];
  readonly tried: string[] = [];
  private queue: Candidate[];
  /** How many attempts may run at once (parallel: `parallel.width`). */
  private width: number;
  private sent = 0;
  /** Hedged attempts started. */
  private extras = 0;
  /** Backoff waited so far, for `max_total_delay`. */
  private waitedMs = 0;
  private failures = 0;
  /** Streams: the attempt that sent the first chunk. */
  private committed: AttemptRun | null = null;
  /** A backoff delay or a pending decision holds new attempts back. */
  private waiting = false;
  /** How the session ends if nothing is left to start: the last decision's reason when it was `fail`. */
  private failReason: 'exhausted' | 'rejected' | 'deadline' = 'exhausted';
  private lastCause: unknown = undefined;
  /** Streams: the text of the attempt that broke mid-stream, for LLMFallbackError.partialText. */
  private partialText: string | null = null;
  private finished: { result: ExecutorResult } | { error: LLMFallbackError } | null = null;
  private deadlineTimer: ReturnType<typeof setTimeout> | null = null;
  private hedgeTimer: ReturnType<typeof setTimeout> | null = null;
  private delayTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly startTime: number;
  private readonly deadlineAt: number | null;
  private onAbort: (() => void) | null = null;
  private readonly request: SessionRequest;
  /**
   * What a failed attempt leaves to do that the next call need not wait for
   * (its span's end, its log line): done once that call is on its way (next
   * turn of the event loop), or before anything else the session handles.
   */
  private trailing: (() => void)[] = [];
  private trailingQueued = false;

  constructor(
    readonly services: SessionServices,
    readonly policy: Policy,
    private readonly plan: Plan,
    private seedValue: number | null,
    readonly options: GenerateOptions,
    readonly scope: SessionScope,
    readonly sink: StreamSink | null,
    /** The session's number, taken when it opened (a stream's is known before its first event). */
    readonly id: number,
  ) {
    this.startTime = services.clock.now();
    this.deadlineAt = policy.deadlineMs === null ? null : this.startTime + policy.deadlineMs;
    this.queue = planCandidates(plan, policy);
    this.width = policy.enabled && plan.strategy === 'parallel' ? Math.max(1, policy.parallel.width) : 1;
    this.request = new SessionRequest(options, sink !== null);
  }

  /** The session's seed (drawn on first need when the plan drew nothing at random). */
  private get seed(): number {
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
    try {
      await this.events.run(() => {
        if (signal?.aborted) {
          this.end('aborted');
          return;
        }
        if (signal !== undefined) {
          this.onAbort = () => this.push({ type: 'aborted' });
          signal.addEventListener('abort', this.onAbort, { once: true });
        }
        if (this.deadlineAt !== null) this.deadlineTimer = setTimeout(() => this.push({ type: 'deadline' }), this.deadlineAt - this.startTime);
        this.fill();
      });
    } finally {
      if (this.onAbort !== null) signal?.removeEventListener('abort', this.onAbort);
      this.clearTimers();
    }
    if ('error' in this.finished!) throw this.finished.error;
    return this.finished!.result;
  }

  /** An attempt settled, a timer fired, the caller gave up: handled at once, or right after the event in hand. */
  push(event: SessionEvent): void {
    this.events.push(event);
  }

  private handle(event: SessionEvent): void {
    if (this.trailing.length > 0) this.finishTrailing();
    switch (event.type) {
      case 'succeeded':
        if (this.inFlight.delete(event.run)) this.succeed(event.run, event.response);
        return;
      case 'failed':
        if (this.inFlight.delete(event.run)) this.attemptFailed(event.run, event.error);
        return;
      case 'unavailable':
        this.waiting = false;
        this.afterFailure({ model: event.model, provider: event.provider, fact: event.fact, number: event.number, phase: this.sink === null ? 'none' : 'before_first_chunk' }, null);
        return;
      case 'hedge':
        this.hedgeTimer = null;
        this.hedge();
        return;
      case 'delay-over':
        this.delayTimer = null;
        this.waiting = false;
        this.fill();
        return;
      case 'aborted':
        this.abortAll();
        this.end('aborted');
        return;
      case 'deadline':
        this.deadlineTimer = null;
        this.abortAll();
        this.end('deadline');
        return;
    }
  }

  /** Start attempts until `width` are in flight (or nothing is left to start). */
  private fill(): void {
    if (this.waiting || this.committed !== null || this.finished !== null) return;
    const maxAttempts = this.policy.enabled ? this.plan.maxAttempts : 1;
    while (!this.waiting && this.inFlight.size < this.width && this.sent < maxAttempts) {
      const next = pickNextCandidate(this.queue, this);
      if (next === null) break;
      this.start(next, false);
    }
    if (this.inFlight.size === 0 && !this.waiting && this.finished === null) {
      this.end(this.policy.enabled ? this.failReason : 'disabled');
    }
  }

  private start(candidate: Candidate, hedged: boolean): void {
    const { services, policy } = this;
    const number = this.records.length + this.inFlight.size + 1;
    this.sent++;
    this.tried.push(candidate.model);
    const now = services.clock.now();
    let adapter;
    try {
      adapter = services.factory.getAdapter(policy, candidate.model);
    } catch (error) {
      this.unavailable(candidate, hedged, number, now, error);
      return;
    }
    const run = launchAttempt(this, candidate, adapter, number, hedged, now);
    this.inFlight.add(run);
    if (policy.hedge !== null) this.armHedge(policy.hedge);
  }

  /** An attempt whose adapter could not be built: recorded failed, decided on from the loop like any failure. */
  private unavailable(candidate: Candidate, hedged: boolean, number: number, now: number, error: unknown): void {
    const { fact, record } = unavailableAttempt(this.scope, this.policy, candidate, hedged, number, now, error);
    this.lastCause = error;
    this.records.push(record);
    this.services.logger?.logAttemptFailed?.(record, { policy: this.policy.name, primaryModel: this.plan.primary });
    this.failures++;
    // Until the loop decides, start nothing else.
    this.waiting = true;
    this.push({ type: 'unavailable', model: candidate.model, provider: this.policy.models[candidate.model]?.provider ?? null, fact, number });
  }

  /** Streams: make `run` the session's stream, unless another attempt got there first or the session is over. */
  claim(run: AttemptRun): boolean {
    if (this.committed !== null || this.finished !== null || run.abortReason !== null) return false;
    this.committed = run;
    run.committed = true;
    run.firstChunkAt = this.services.clock.now();
    run.clearTimers();
    this.abortLosers(run);
    return true;
  }

  private succeed(run: AttemptRun, response: GenerateResponse): void {
    const now = this.services.clock.now();
    run.clearTimers();
    const duration = now - run.startTime;
    run.scope.succeeded(response, duration);
    this.records.push(attemptRecord(run.number, run.model, run.adapter.modelId, run.adapter.provider, 'success', run.reason, run.hedged, run.startTime, duration, null, response));
    if (this.policy.circuitBreaker !== null) this.services.cooldowns.recordResult(this.policy, run.model, null, now);
    this.abortLosers(run);
    this.end('success', run, response);
  }

  /**
   * `run` rejected with `error`: record it, then end the session (the caller
   * aborted; a broken stream under `mid_stream: fail`) or ask the rules what
   * next. A stream broken after its first chunk leaves its text as the
   * session's `partialText`; under `mid_stream: restart` the next model starts over.
   */
  private attemptFailed(run: AttemptRun, error: unknown): void {
    const { policy, services } = this;
    run.clearTimers();
    const now = services.clock.now();
    const duration = now - run.startTime;
    const { fact, midStream } = failedAttempt(run, error, policy.models[run.model]?.firstChunkTimeoutMs ?? policy.firstChunkTimeoutMs);
    if (run.committed) this.committed = null;
    this.lastCause = error;
    this.failures++;
    if (run.scope !== noopAttempt) {
      const endTime = performance.now();
      // Hooks that read the cause get it scrubbed of keys (scrubbing it is the dearest step: it waits too).
      const usesCause = services.telemetry.usesCause !== false;
      this.trailing.push(() => run.scope.failed(fact, duration, usesCause ? scrubCause(error) : error, endTime));
    }
    const outcome: AttemptOutcome = fact.kind === 'aborted' ? 'aborted' : 'failure';
    const record = attemptRecord(run.number, run.model, run.adapter.modelId, run.adapter.provider, outcome, run.reason, run.hedged, run.startTime, duration, fact);
    this.records.push(record);
    const logger = services.logger;
    if (logger?.logAttemptFailed !== undefined) this.trailing.push(() => logger.logAttemptFailed?.(record, { policy: policy.name, primaryModel: this.plan.primary }));
    const sentBefore = this.sent;
    this.actOnFailure(run, fact, now, midStream);
    // Another call went out: what is left of this one waits until that call is on its way. Else it is done now.
    if (this.sent > sentBefore && this.finished === null) this.queueTrailing();
    else this.finishTrailing();
  }

  /** `attemptFailed` after the failure is recorded: end the session, or act on the rules' decision. */
  private actOnFailure(run: AttemptRun, fact: ErrorFact, now: number, midStream: boolean): void {
    const { policy, services } = this;
    if (fact.kind === 'aborted') {
      // Nobody but the caller aborts an attempt we did not abort ourselves: never fall back.
      this.abortAll();
      this.end('aborted');
      return;
    }
    if (policy.circuitBreaker !== null) services.cooldowns.recordResult(policy, run.model, fact, now);
    services.cooldowns.countFailure(policy, run.model, fact, now);
    const sink = this.sink;
    const streamPhase = midStream ? 'mid_stream' : 'before_first_chunk';
    if (sink !== null) void sink.push({ type: 'attempt-failed', model: run.model, number: run.number, error: fact, phase: streamPhase });
    const phase: StreamPhase = sink === null ? 'none' : streamPhase;
    if (midStream) {
      this.partialText = run.text;
      if (policy.midStream === 'fail' || !policy.enabled) {
        this.abortAll();
        this.end(policy.enabled ? 'rejected' : 'disabled');
        return;
      }
    }
    this.afterFailure({ model: run.model, provider: run.adapter.provider, fact, number: run.number, phase }, midStream ? run.text : null);
  }

  /**
   * Act on the rules' decision about `failed`: apply its cooldown, then end
   * the session or queue the next models and start them after its delay.
   * `restartText` is the text a mid-stream failure voids (null otherwise): the
   * consumer hears `restart` only when another model will actually try.
   */
  private afterFailure(failed: FailedCall, restartText: string | null): void {
    const { policy, services } = this;
    if (!policy.enabled) {
      if (this.inFlight.size === 0) this.end('disabled');
      return;
    }
    const decision = decideNext(policy, services, failed, {
      plan: this.plan,
      seed: this.seed,
      sent: this.sent,
      failures: this.failures,
      waitedMs: this.waitedMs,
      startTime: this.startTime,
      tried: this.tried,
      request: this.request,
      fallbackWhen: this.options.fallbackWhen,
    });
    if (decision.cooldownMs !== null) services.cooldowns.coolDown(policy, failed.model, decision.cooldownMs, services.clock.now());
    if (decision.action === 'fail') {
      this.failReason = failureReasonOf(decision, policy);
      if (this.inFlight.size === 0) this.end(this.failReason);
      return;
    }
    this.failReason = 'exhausted';
    this.queue = decision.next.map((next) => ({ model: next, reason: decision.rule }));
    this.width = decision.strategy === 'parallel' ? Math.max(1, policy.parallel.width) : 1;
    if (this.committed !== null) return;
    if (restartText !== null && this.sent < this.plan.maxAttempts && this.queue.length > 0) {
      void this.sink?.push({ type: 'restart', failedModel: failed.model, error: failed.fact, discardedText: restartText });
    }
    this.schedule(decision.delayMs, failed.number);
  }

  /** Start the next attempts now, or after `delayMs` (a backoff the session's span records). */
  private schedule(delayMs: number, afterAttempt: number): void {
    if (!(delayMs > 0)) {
      this.fill();
      return;
    }
    if (this.deadlineAt !== null && this.inFlight.size === 0 && this.services.clock.now() + delayMs >= this.deadlineAt) {
      // Waiting would only run into the deadline: give up now rather than hold the caller.
      this.end('deadline');
      return;
    }
    this.scope.backoff(delayMs, afterAttempt);
    this.waitedMs += delayMs;
    this.waiting = true;
    this.delayTimer = setTimeout(() => this.push({ type: 'delay-over' }), delayMs);
  }

  /** Hedging (policy `hedge`): (re)start the hedge timer for the attempt just started, while extras are left. */
  private armHedge(hedge: NonNullable<Policy['hedge']>): void {
    if (!this.policy.enabled || this.extras >= hedge.maxExtra) return;
    if (this.hedgeTimer !== null) clearTimeout(this.hedgeTimer);
    this.hedgeTimer = setTimeout(() => this.push({ type: 'hedge' }), hedge.afterMs);
  }

  /** The hedge timer fired: start the next candidate beside the attempt in flight, unless the session has moved on. */
  private hedge(): void {
    const hedge = this.policy.hedge;
    if (hedge === null || !this.policy.enabled || this.committed !== null || this.waiting || this.inFlight.size === 0) return;
    if (this.extras >= hedge.maxExtra || this.sent >= this.plan.maxAttempts) return;
    const next = pickNextCandidate(this.queue, this);
    if (next === null) return;
    this.extras++;
    this.start({ model: next.model, reason: 'hedge' }, true);
  }

  /** Abort every attempt in flight but `winner` (their spans end `cancelled`). */
  private abortLosers(winner: AttemptRun): void {
    for (const run of this.inFlight) {
      if (run === winner) continue;
      this.inFlight.delete(run);
      this.records.push(abortRun(run, 'loser', this.services.clock));
    }
  }

  /** Abort every attempt in flight: the session is ending. */
  private abortAll(): void {
    for (const run of this.inFlight) {
      this.inFlight.delete(run);
      this.records.push(abortRun(run, 'session', this.services.clock));
    }
  }

  /** The capabilities a model needs to serve this request. */
  neededCapabilities(): readonly ModelCapability[] {
    return this.request.neededCapabilities();
  }

  /** The prompt's size for the context-window pre-check and the rules (estimated once, only when needed). */
  estimatedInputTokens(): number {
    return this.request.estimatedInputTokens();
  }

  /** Record a model passed over, and why. */
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

  /** Run the trailing work on the next turn of the event loop (after the call just started is on its way). */
  private queueTrailing(): void {
    if (this.trailingQueued) return;
    this.trailingQueued = true;
    setImmediate(() => {
      this.trailingQueued = false;
      this.finishTrailing();
    });
  }

  /** Run the trailing work now, in order; a hook or logger that throws is reported, never thrown. */
  private finishTrailing(): void {
    const work = this.trailing;
    if (work.length === 0) return;
    this.trailing = [];
    for (const step of work) {
      try {
        step();
      } catch (error) {
        this.services.logger?.logInternalError?.('a telemetry hook or logger threw after an attempt failed', error);
      }
    }
  }

  private end(outcome: SessionOutcome, winner?: AttemptRun, response?: GenerateResponse): void {
    if (this.finished !== null) return;
    this.finishTrailing();
    this.clearTimers();
    const { services, options } = this;
    const records = this.records.length > 1 ? this.records.sort((a, b) => a.number - b.number) : this.records;
    const session = sessionRecord({
      id: this.id,
      policy: this.policy,
      plan: this.plan,
      options,
      stream: this.sink !== null,
      startTime: this.startTime,
      endTime: services.clock.now(),
      outcome,
      records,
      finalModel: winner?.model ?? null,
      response,
      captureContent: options.captureContent ?? services.captureContent,
    });
    services.record(session);
    // Attempts the session aborted itself (deadline, a failed stream) are not what went wrong.
    const lastError = lastFailureFact(records);
    this.scope.ended(outcome, { attempts: this.sent, finalModel: session.finalModel, error: lastError });
    if (outcome === 'success' && winner !== undefined && response !== undefined) {
      services.logger?.logSessionSucceeded?.(session);
      this.finished = { result: sessionResult(response, winner.model, winner.adapter.provider, session) };
      return;
    }
    const error = sessionFailure(this.policy.name, outcome as FallbackFailureReason, this.sent, records, lastError, this.partialText, session, this.lastCause);
    services.logger?.logSessionFailed?.(session, error);
    this.finished = { error };
  }
}
