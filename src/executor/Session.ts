/**
 * One executor session: runs a policy's plan across models until one answers
 * or the session has to give up (DESIGN §5). Event-driven: attempts, timers
 * and the caller's signal push events; one loop handles them in order, so
 * state is only ever changed in one place.
 */
import { LLMFallbackError } from '../errors/LLMFallbackError.js';
import type { FailedAttemptSummary, FallbackFailureReason } from '../errors/LLMFallbackError.js';
import { ProviderCallError } from '../errors/ProviderCallError.js';
import { classifyError } from '../errors/classify.js';
import type { ErrorFact } from '../errors/kinds.js';
import type { Policy } from '../policy/types.js';
import { PROVIDER_TYPES } from '../providers/spec.js';
import type { GenerateRequest, GenerateResponse, ProviderType } from '../providers/spec.js';
import { decide } from '../rules/decide.js';
import { buildFailureFacts } from '../rules/facts.js';
import type { RequestFactsInput } from '../rules/facts.js';
import type { Decision, Plan } from '../rules/types.js';
import { FallbackAttempt } from '../stats/FallbackAttempt.js';
import type { AttemptOutcome } from '../stats/FallbackAttempt.js';
import { FallbackSession } from '../stats/FallbackSession.js';
import type { SessionOutcome, SessionScope } from '../telemetry/hooks.js';
import { AttemptRun } from './AttemptRun.js';
import type { SessionEvent } from './AttemptRun.js';
import { pickNextCandidate } from './candidates.js';
import type { Candidate, CandidateContext } from './candidates.js';
import { asStreamInterrupted, backoffDelay, estimateInputTokens, syntheticFact } from './request.js';
import type { SessionServices, StreamSink } from './services.js';
import type { ExecutorResult, GenerateOptions } from './types.js';

export class Session implements CandidateContext {
  private readonly events: SessionEvent[] = [];
  private wake: (() => void) | null = null;
  private readonly inFlight = new Set<AttemptRun>();
  private readonly records: FallbackAttempt[] = [];
  readonly tried: string[] = [];
  private queue: Candidate[];
  private width: number;
  private sent = 0;
  private extras = 0;
  private failures = 0;
  private committed: AttemptRun | null = null;
  private waiting = false;
  /** How the session ends if nothing is left to start: the last decision's reason when it was `fail`. */
  private failReason: 'exhausted' | 'rejected' | 'deadline' = 'exhausted';
  private lastCause: unknown = undefined;
  private partialText: string | null = null;
  private finished: { result: ExecutorResult } | { error: LLMFallbackError } | null = null;
  private deadlineTimer: ReturnType<typeof setTimeout> | null = null;
  private hedgeTimer: ReturnType<typeof setTimeout> | null = null;
  private delayTimer: ReturnType<typeof setTimeout> | null = null;
  private readonly startTime: number;
  private readonly deadlineAt: number | null;
  private onAbort: (() => void) | null = null;
  private inputTokens: number | undefined;
  private requestFacts: RequestFactsInput | null = null;

  constructor(
    readonly services: SessionServices,
    readonly policy: Policy,
    private readonly plan: Plan,
    readonly options: GenerateOptions,
    private readonly scope: SessionScope,
    private readonly sink: StreamSink | null,
  ) {
    this.startTime = services.clock.now();
    this.deadlineAt = policy.deadlineMs === null ? null : this.startTime + policy.deadlineMs;
    this.queue = [{ model: plan.primary, reason: plan.route === null ? 'primary' : `route:${plan.route}` }];
    if (policy.enabled && plan.chain.length > 0) {
      const reason = STRATEGY_REASONS[plan.strategy];
      for (const model of plan.chain) this.queue.push({ model, reason });
    }
    this.width = policy.enabled && plan.strategy === 'parallel' ? Math.max(1, policy.parallel.width) : 1;
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
        const handled = this.handle(event);
        if (handled !== undefined) await handled;
      }
    } finally {
      if (this.onAbort !== null) signal?.removeEventListener('abort', this.onAbort);
      this.clearTimers();
    }
    if ('error' in this.finished) throw this.finished.error;
    return this.finished.result;
  }

  private push(event: SessionEvent): void {
    this.events.push(event);
    const wake = this.wake;
    if (wake !== null) {
      this.wake = null;
      wake();
    }
  }

  private handle(event: SessionEvent): Promise<void> | undefined {
    switch (event.type) {
      case 'succeeded':
        if (this.inFlight.delete(event.run)) this.succeed(event.run, event.response);
        return undefined;
      case 'failed':
        if (!this.inFlight.delete(event.run)) return undefined;
        return this.fail(event.run, event.error);
      case 'unavailable':
        this.waiting = false;
        return this.afterFailure(event.model, event.provider, event.fact, event.number, this.sink === null ? 'none' : 'before_first_chunk', null);
      case 'hedge':
        this.hedgeTimer = null;
        this.hedge();
        return undefined;
      case 'delay-over':
        this.delayTimer = null;
        this.waiting = false;
        this.fill();
        return undefined;
      case 'aborted':
        this.abortAll();
        this.end('aborted');
        return undefined;
      case 'deadline':
        this.deadlineTimer = null;
        this.abortAll();
        this.end('deadline');
        return undefined;
    }
  }

  /** Start attempts until `width` are in flight (or nothing is left to start). */
  private fill(): void {
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

  private hedge(): void {
    const hedge = this.policy.hedge;
    if (hedge === null || !this.policy.enabled || this.committed !== null || this.waiting || this.inFlight.size === 0) return;
    if (this.extras >= hedge.maxExtra || this.sent >= this.plan.maxAttempts) return;
    const next = this.nextCandidate();
    if (next === null) return;
    this.extras++;
    this.start({ model: next.model, reason: 'hedge' }, true);
  }

  private nextCandidate(): Candidate | null {
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

  private start(candidate: Candidate, hedged: boolean): void {
    const services = this.services;
    const policy = this.policy;
    const config = policy.models[candidate.model];
    const number = this.records.length + this.inFlight.size + 1;
    this.sent++;
    this.tried.push(candidate.model);
    const now = services.clock.now();
    let adapter;
    try {
      adapter = services.factory.getAdapter(policy, candidate.model);
    } catch (error) {
      // A missing key or a bad provider entry fails this attempt, not the session.
      const fact = attemptFact(error, null);
      this.lastCause = error;
      // The attempt counts, so it gets a span like any other, with what the policy knows of it.
      this.scope
        .attemptStarted({
          model: candidate.model,
          modelId: config?.model ?? candidate.model,
          provider: config?.provider ?? fact.provider ?? 'unknown',
          providerType: providerTypeOf(policy, config?.provider, fact),
          serverAddress: null,
          serverPort: null,
          number,
          reason: candidate.reason,
          hedged,
        })
        .failed(fact, 0, error);
      const record = attemptRecord(number, candidate.model, config?.model ?? null, config?.provider ?? null, 'failure', candidate.reason, hedged, now, 0, fact);
      this.records.push(record);
      services.logger?.logAttemptFailed?.(record, { policy: policy.name, primaryModel: this.plan.primary });
      this.failures++;
      // Decide in the loop like any failure; until then start nothing else.
      this.waiting = true;
      this.push({ type: 'unavailable', model: candidate.model, provider: config?.provider ?? null, fact, number });
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
      ...((this.options.captureContent ?? (this.services.captureContent || this.services.telemetry.captureContent === true)) ? { messages: this.options.messages } : {}),
    });
    const run = new AttemptRun(number, candidate.model, adapter, candidate.reason, hedged, now, scope, this.onlyCloseAborts() ? services.sharedAbort : null);
    this.inFlight.add(run);
    const params = this.options.params;
    const request: GenerateRequest = params === undefined ? { model: adapter.modelId, messages: this.options.messages } : { ...params, model: adapter.modelId, messages: this.options.messages };
    const timeout = policy.strategyType === 'parallel' && policy.parallel.timeoutMs !== null ? policy.parallel.timeoutMs : policy.timeoutMs;
    const callOptions = { signal: run.signal, timeout };
    let call: Promise<GenerateResponse>;
    try {
      call = scope.run(() => (this.sink === null ? adapter.generate(request, callOptions) : this.pump(run, request, callOptions)));
    } catch (error) {
      call = Promise.reject(error);
    }
    call.then(
      (response) => {
        run.settled();
        this.push({ type: 'succeeded', run, response });
      },
      (error: unknown) => {
        run.settled();
        this.push({ type: 'failed', run, error });
      },
    );
    if (this.sink !== null && policy.firstChunkTimeoutMs !== null) {
      run.firstChunkTimer = setTimeout(() => run.abort('first-chunk-timeout'), policy.firstChunkTimeoutMs);
    }
    if (policy.hedge !== null && policy.enabled && this.extras < policy.hedge.maxExtra) {
      if (this.hedgeTimer !== null) clearTimeout(this.hedgeTimer);
      this.hedgeTimer = setTimeout(() => this.push({ type: 'hedge' }), policy.hedge.afterMs);
    }
  }

  /** Streams: read one attempt; the first to send a chunk wins and the others are aborted. */
  private async pump(run: AttemptRun, request: GenerateRequest, callOptions: { signal: AbortSignal; timeout: number }): Promise<GenerateResponse> {
    const sink = this.sink!;
    for await (const part of run.adapter.stream(request, callOptions)) {
      if (!run.committed && !this.commit(run)) throw new Error('lost the race to another attempt');
      if (part.type === 'finish') return part.response;
      run.text += part.text;
      const wait = sink.push({ type: 'text-delta', text: part.text, model: run.model });
      if (wait !== undefined) await wait;
    }
    throw new ProviderCallError(syntheticFact('stream_interrupted', 'stream ended without a finish', run.adapter.providerType), { partialText: run.text });
  }

  private commit(run: AttemptRun): boolean {
    if (this.committed !== null || this.finished !== null || run.abortReason !== null) return false;
    this.committed = run;
    run.committed = true;
    run.clearTimers();
    this.abortOthers(run);
    return true;
  }

  private succeed(run: AttemptRun, response: GenerateResponse): void {
    const now = this.services.clock.now();
    run.clearTimers();
    const duration = now - run.startTime;
    run.scope.succeeded(response, duration);
    this.records.push(attemptRecord(run.number, run.model, run.adapter.modelId, run.adapter.provider, 'success', run.reason, run.hedged, run.startTime, duration, null, response));
    if (this.policy.circuitBreaker !== null) this.services.cooldowns.recordResult(this.policy, run.model, null, now);
    this.abortOthers(run);
    this.end('success', run, response);
  }

  private fail(run: AttemptRun, error: unknown): Promise<void> | undefined {
    run.clearTimers();
    const now = this.services.clock.now();
    const duration = now - run.startTime;
    let fact = attemptFact(error, run);
    if (run.abortReason === 'first-chunk-timeout') fact = syntheticFact('timeout', `no first chunk within ${this.policy.firstChunkTimeoutMs} ms`, run.adapter.providerType);
    else if (run.abortReason !== null) fact = syntheticFact('aborted', 'aborted by detour', run.adapter.providerType);
    const midStream = run.committed;
    if (midStream) {
      this.committed = null;
      fact = asStreamInterrupted(fact);
    }
    this.lastCause = error;
    this.failures++;
    run.scope.failed(fact, duration, error);
    const outcome: AttemptOutcome = fact.kind === 'aborted' ? 'aborted' : 'failure';
    const record = attemptRecord(run.number, run.model, run.adapter.modelId, run.adapter.provider, outcome, run.reason, run.hedged, run.startTime, duration, fact);
    this.records.push(record);
    this.services.logger?.logAttemptFailed?.(record, { policy: this.policy.name, primaryModel: this.plan.primary });
    if (fact.kind === 'aborted') {
      // Nobody but the caller aborts an attempt we did not abort ourselves: never fall back.
      this.abortAll();
      this.end('aborted');
      return undefined;
    }
    if (this.policy.circuitBreaker !== null) this.services.cooldowns.recordResult(this.policy, run.model, fact, now);
    const streamPhase = midStream ? 'mid_stream' : 'before_first_chunk';
    if (this.sink !== null) void this.sink.push({ type: 'attempt-failed', model: run.model, number: run.number, error: fact, phase: streamPhase });
    const phase = this.sink === null ? 'none' : streamPhase;
    if (midStream) {
      this.partialText = run.text;
      if (this.policy.midStream === 'fail' || !this.policy.enabled) {
        this.abortAll();
        this.end(this.policy.enabled ? 'rejected' : 'disabled');
        return undefined;
      }
    }
    return this.afterFailure(run.model, run.adapter.provider, fact, run.number, phase, midStream ? run.text : null);
  }

  /** The prompt's size for the context-window pre-check and the rules (estimated once, only when needed). */
  estimatedInputTokens(): number {
    return (this.inputTokens ??= estimateInputTokens(this.options.messages));
  }

  /** The request's facts for the rules (built once, only when a failure needs them). */
  private factsOfRequest(): RequestFactsInput {
    return (this.requestFacts ??= requestFactsOf(this.options, this.sink !== null));
  }

  /** Ask the rules what next, apply cooldowns, wait the delay, start the next attempts. */
  private async afterFailure(model: string, provider: string | null, fact: ErrorFact, number: number, phase: 'none' | 'before_first_chunk' | 'mid_stream', restartText: string | null): Promise<void> {
    if (!this.policy.enabled) {
      if (this.inFlight.size === 0) this.end('disabled');
      return;
    }
    const services = this.services;
    const facts = buildFailureFacts({
      error: fact,
      attempt: { model, provider, number },
      session: { attempts: this.sent, elapsedMs: services.clock.now() - this.startTime, tried: this.tried },
      streamPhase: phase,
      request: { ...this.factsOfRequest(), estimatedInputTokens: this.estimatedInputTokens() },
    });
    let decision: Decision;
    try {
      decision = await decide(this.policy, facts, { random: services.random, plan: this.plan });
    } catch (error) {
      services.logger?.logInternalError?.('decide failed; falling back to the plan order', error);
      decision = this.ownDecision(fact, 'executor:decide-error');
    }
    if (this.finished !== null) return;
    if (decision.cooldownMs !== null) services.cooldowns.coolDown(this.policy, model, decision.cooldownMs, services.clock.now());
    if (decision.action === 'fail' && failureReasonOf(decision, this.policy) === 'rejected' && decision.source !== 'rule' && this.options.fallbackWhen !== undefined) {
      let holds = false;
      try {
        holds = this.options.fallbackWhen(fact, facts);
      } catch (error) {
        services.logger?.logInternalError?.('fallbackWhen threw; treated as false', error);
      }
      if (holds) decision = this.ownDecision(fact, 'condition:function');
    }
    if (decision.action === 'fail') {
      this.failReason = failureReasonOf(decision, this.policy);
      if (this.inFlight.size === 0) this.end(this.failReason);
      return;
    }
    this.failReason = 'exhausted';
    this.queue = decision.next.map((next) => ({ model: next, reason: decision.rule }));
    this.width = decision.strategy === 'parallel' ? Math.max(1, this.policy.parallel.width) : 1;
    if (this.committed !== null) return;
    if (restartText !== null && this.sent < this.plan.maxAttempts && this.queue.length > 0) {
      void this.sink?.push({ type: 'restart', failedModel: model, error: fact, discardedText: restartText });
    }
    this.schedule(decision.delayMs, number);
  }

  /** The executor's own decision: the rest of the plan, in order, after DESIGN §5's backoff. */
  private ownDecision(fact: ErrorFact, rule: string): Decision {
    const next = [this.plan.primary, ...this.plan.chain].filter((model) => !this.tried.includes(model));
    return {
      action: next.length === 0 ? 'fail' : 'fallback',
      next,
      delayMs: backoffDelay(this.policy, this.failures, fact.retryAfterMs, this.services.random),
      cooldownMs: null,
      rule,
      source: 'default',
      strategy: this.plan.strategy,
      explanation: 'the executor chose the rest of the plan',
    };
  }

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
    this.waiting = true;
    this.delayTimer = setTimeout(() => this.push({ type: 'delay-over' }), delayMs);
  }

  recordSkip(model: string, reason: string, fact: ErrorFact | null): void {
    const config = this.policy.models[model];
    this.scope.skipped(model, reason);
    const record = attemptRecord(this.records.length + this.inFlight.size + 1, model, config?.model ?? null, config?.provider ?? null, 'skipped', reason, false, this.services.clock.now(), 0, fact);
    this.records.push(record);
    this.services.logger?.logAttemptFailed?.(record, { policy: this.policy.name, primaryModel: this.plan.primary });
  }

  private abortOthers(winner: AttemptRun): void {
    for (const run of this.inFlight) if (run !== winner) this.abortRun(run, 'loser');
  }

  private abortAll(): void {
    for (const run of this.inFlight) this.abortRun(run, 'session');
  }

  /** Abort and record at once; the call's own settlement is ignored later (its promise is still handled). */
  private abortRun(run: AttemptRun, reason: 'loser' | 'session'): void {
    this.inFlight.delete(run);
    run.abort(reason);
    const duration = this.services.clock.now() - run.startTime;
    const fact = syntheticFact('aborted', reason === 'loser' ? 'another attempt answered first' : 'the session ended', run.adapter.providerType);
    if (reason === 'loser' && run.scope.cancelled !== undefined) run.scope.cancelled(duration); else run.scope.failed(fact, duration);
    this.records.push(attemptRecord(run.number, run.model, run.adapter.modelId, run.adapter.provider, 'aborted', run.reason, run.hedged, run.startTime, duration, fact));
  }

  private captureContent(): boolean {
    return this.options.captureContent ?? this.services.captureContent;
  }

  private clearTimers(): void {
    if (this.deadlineTimer !== null) clearTimeout(this.deadlineTimer);
    if (this.hedgeTimer !== null) clearTimeout(this.hedgeTimer);
    if (this.delayTimer !== null) clearTimeout(this.delayTimer);
    this.deadlineTimer = this.hedgeTimer = this.delayTimer = null;
  }

  private end(outcome: SessionOutcome, winner?: AttemptRun, response?: GenerateResponse): void {
    if (this.finished !== null) return;
    this.clearTimers();
    const services = this.services;
    const records = this.records.length > 1 ? this.records.sort((a, b) => a.number - b.number) : this.records;
    const capture = this.captureContent();
    const session = new FallbackSession({
      id: services.nextId(),
      policy: this.policy.name,
      policyVersion: this.policy.version,
      primaryModel: this.plan.primary,
      requestModel: this.options.model ?? null,
      route: this.plan.route,
      strategy: this.plan.strategy,
      stream: this.sink !== null,
      startTime: this.startTime,
      endTime: services.clock.now(),
      outcome,
      finalModel: winner?.model ?? null,
      metadata: this.options.metadata ?? null,
      attempts: records,
      content: capture ? { messages: this.options.messages, responseText: response?.text ?? null } : null,
    });
    services.record(session);
    const lastError = lastFact(records);
    this.scope.ended(outcome, { attempts: this.sent, finalModel: session.finalModel, error: lastError });
    if (outcome === 'success' && winner !== undefined && response !== undefined) {
      services.logger?.logSessionSucceeded?.(session);
      this.finished = { result: { text: response.text, response, model: winner.model, provider: winner.adapter.provider, session } };
      return;
    }
    const reason = outcome as FallbackFailureReason;
    const error = new LLMFallbackError({
      message: failureMessage(this.policy.name, reason, this.sent, lastError),
      reason,
      attempts: records.map(summary),
      policy: this.policy.name,
      partialText: this.partialText,
      // Attempts the session aborted itself (deadline, a failed stream) are not what went wrong.
      lastError,
      session,
      ...(this.lastCause === undefined ? {} : { cause: this.lastCause }),
    });
    services.logger?.logSessionFailed?.(session, error);
    this.finished = { error };
  }
}

/**
 * Why a `fail` decision ends the session: limits and a chain with nothing
 * left are `exhausted` (or `deadline`); gates, a rule's `fail`, an unmapped
 * error or no condition holding are `rejected`.
 */
function failureReasonOf(decision: Decision, policy: Policy): 'exhausted' | 'rejected' | 'deadline' {
  const rule = decision.rule;
  if (rule === 'limit:deadline') return 'deadline';
  if (rule === 'limit:max_attempts') return 'exhausted';
  if (rule.startsWith('gate:') || rule === 'strategy:error_type:no-mapping' || rule === 'strategy:conditional:no-condition') return 'rejected';
  if (decision.source === 'rule') return policy.rules.find((candidate) => candidate.name === rule)?.then.fail === true ? 'rejected' : 'exhausted';
  return decision.source === 'strategy' ? 'exhausted' : 'rejected';
}

const STRATEGY_REASONS: Readonly<Record<Plan['strategy'], string>> = {
  sequential: 'strategy:sequential',
  parallel: 'strategy:parallel',
  random: 'strategy:random',
  error_type: 'strategy:error_type',
  conditional: 'strategy:conditional',
  priority: 'strategy:priority',
};

/** The `request.*` facts of a call (metadata, requested model, stream). */
export function requestFactsOf(options: GenerateOptions, stream: boolean): RequestFactsInput {
  return {
    ...(options.metadata === undefined ? {} : { metadata: options.metadata }),
    model: options.model ?? null,
    stream,
  };
}

/** The provider type of a model whose adapter could not be built: its provider entry's, else the best name at hand. */
function providerTypeOf(policy: Policy, provider: string | undefined, fact: ErrorFact): ProviderType {
  const configured = provider === undefined ? undefined : policy.providers[provider]?.type;
  if (configured !== undefined) return configured;
  for (const name of [provider, fact.provider]) if (name !== undefined && name !== null && (PROVIDER_TYPES as readonly string[]).includes(name)) return name as ProviderType;
  return 'openai_compatible';
}

/** What went wrong in an attempt: an adapter's own fact, else the classifier's, else `unknown` (classifying never throws into the session). */
function attemptFact(error: unknown, run: AttemptRun | null): ErrorFact {
  if (ProviderCallError.isInstance(error)) return error.fact;
  try {
    return classifyError(error, { provider: run?.adapter.providerType ?? null, duringStream: run?.committed ?? false });
  } catch {
    return syntheticFact('unknown', error instanceof Error ? error.message : String(error), run?.adapter.providerType ?? null);
  }
}

function attemptRecord(
  number: number,
  model: string,
  modelId: string | null,
  provider: string | null,
  outcome: AttemptOutcome,
  reason: string,
  hedged: boolean,
  startTime: number,
  durationMs: number,
  error: ErrorFact | null,
  response?: GenerateResponse,
): FallbackAttempt {
  return new FallbackAttempt({ number, model, modelId, provider, outcome, reason, hedged, startTime, durationMs, error, usage: response?.usage ?? null });
}

function summary(attempt: FallbackAttempt): FailedAttemptSummary {
  return {
    number: attempt.number,
    model: attempt.model,
    provider: attempt.provider,
    outcome: attempt.outcome === 'success' ? 'failure' : attempt.outcome,
    error: attempt.error,
    reason: attempt.reason,
    durationMs: attempt.durationMs,
  };
}

function lastFact(records: readonly FallbackAttempt[]): ErrorFact | null {
  for (let index = records.length - 1; index >= 0; index--) {
    const record = records[index];
    if (record?.error && record.outcome !== 'aborted') return record.error;
  }
  return records.at(-1)?.error ?? null;
}

const REASON_TEXT: Record<FallbackFailureReason, string> = {
  exhausted: 'every model it could try failed',
  rejected: 'the policy said not to fall back',
  deadline: 'the session deadline passed',
  aborted: 'the caller aborted',
  disabled: 'fallback is disabled and the primary failed',
};

function failureMessage(policy: string, reason: FallbackFailureReason, attempts: number, lastError: ErrorFact | null): string {
  const last = lastError === null ? '' : `; last error: ${lastError.type}: ${lastError.message}`;
  return `policy "${policy}": no answer after ${attempts} attempt${attempts === 1 ? '' : 's'} (${reason}: ${REASON_TEXT[reason]})${last}`;
}
