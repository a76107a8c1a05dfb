/**
 * The executor services embed: one per process (or per tenant), shared by
 * every request. It holds the policies, the adapters, cooldowns, stats and
 * history; each `generate` / `stream` runs one Session.
 */
import { LLMFallbackError } from '../errors/LLMFallbackError.js';
import type { Policy, PolicySet } from '../policy/types.js';
import type { AdapterSource } from '../providers/factory.js';
import { requestShape } from '../providers/capabilities.js';
import { SelfManagingFallbackFactory } from '../providers/factory.js';
import { buildRequestFacts } from '../rules/facts.js';
import { planRequest } from '../rules/plan.js';
import { drawSeed } from '../rules/random.js';
import type { Plan } from '../rules/types.js';
import { FallbackStats } from '../stats/FallbackStats.js';
import type { FallbackStatsSnapshot } from '../stats/FallbackStats.js';
import type { FallbackSession } from '../stats/FallbackSession.js';
import { SessionHistory } from '../stats/SessionHistory.js';
import { LiveStats } from '../stats/LiveStats.js';
import type { LiveModelStats } from '../stats/LiveStats.js';
import { createOpenTelemetryHooks } from '../telemetry/createOpenTelemetryHooks.js';
import type { TelemetryHooks } from '../telemetry/hooks.js';
import { Cooldowns } from './CircuitBreaker.js';
import { EventChannel } from './EventChannel.js';
import { estimateInputTokens, requestFactsOf } from './request.js';
import { Session } from './Session.js';
import type { SessionServices, StreamSink } from './services.js';
import { InMemoryStateStore } from './InMemoryStateStore.js';
import { cooldownKey } from './StateStore.js';
import { memberFigures } from './liveCalls.js';
import { addStatsFacts, statsFactsOf } from '../rules/stats-facts.js';
import type { StateStore, StateStoreHealth } from './StateStore.js';
import { StoreStickyStore } from './StoreStickyStore.js';
import { messagesProblem, requestRejected, toolsProblem, unknownPolicy } from './validateRequest.js';
import type { ExecutorOptions, ExecutorResult, ExecutorStream, ExecutorStreamEvent, GenerateOptions, PolicySource } from './types.js';

const DEFAULT_HISTORY_SIZE = 100;

/** Why `watch: true` needs a folder path (shared with `createExecutor`). */
export const WATCH_NEEDS_FOLDER =
  'watch: true needs policies to be one folder path, given to createExecutor; a PolicySet or PolicySource is not watched (to watch yourself: pass watchPolicies(folder) as policies)';

const MODELS_NEED_DEFAULT_FACTORY = 'models: AI SDK models go to the default factory; with your own factory, pass them to it (new SelfManagingFallbackFactory({ models }))';

function isPolicySource(value: unknown): value is PolicySource {
  return typeof value === 'object' && value !== null && typeof (value as PolicySource).current === 'function';
}

/**
 * Runs policies. Build it with `createExecutor` (which also loads folders), or
 * construct it directly from a PolicySet or a PolicySource.
 *
 * @example
 * const executor = new Executor({ policies: set, factory })
 * const { text, model } = await executor.generate({ policy: 'default', messages: [{ role: 'user', content: 'Hi' }] })
 */
export class Executor {
  /** Where sessions read their policies from. */
  readonly policies: PolicySource;
  private readonly ownsSource: boolean;
  private readonly services: SessionServices;
  private readonly statistics = new FallbackStats();
  private readonly sessions: SessionHistory<FallbackSession>;
  private readonly active = new Set<Session>();
  private readonly defaultPlans = new WeakMap<Policy, Plan | null>();
  private readonly telemetry: TelemetryHooks;
  private readonly stateStore: StateStore;
  private closed = false;
  private sessionCount = 0;

  constructor(options: Omit<ExecutorOptions, 'policies'> & { readonly policies: PolicySet | PolicySource }, ownsSource = false) {
    const policies = options.policies;
    if (options.watch === true && !ownsSource) throw new TypeError(WATCH_NEEDS_FOLDER);
    this.policies = isPolicySource(policies) ? policies : { current: () => policies };
    this.ownsSource = ownsSource;
    this.sessions = new SessionHistory(options.historySize ?? DEFAULT_HISTORY_SIZE);
    // The global API: no span while no SDK is registered, spans once one is (docs/tracing.md).
    this.telemetry = options.telemetry ?? createOpenTelemetryHooks();
    if (options.factory !== undefined && options.models !== undefined) throw new TypeError(MODELS_NEED_DEFAULT_FACTORY);
    const factory: AdapterSource = options.factory ?? new SelfManagingFallbackFactory(options.models === undefined ? {} : { models: options.models });
    const clock = options.clock ?? Date;
    this.stateStore = options.stateStore ?? new InMemoryStateStore();
    this.services = {
      factory,
      clock,
      random: options.random ?? Math.random,
      logger: options.logger ?? null,
      cooldowns: new Cooldowns(this.stateStore),
      live: new LiveStats(this.stateStore),
      telemetry: this.telemetry,
      sticky: new StoreStickyStore(this.stateStore, clock),
      captureContent: options.captureContent ?? false,
      record: (session) => {
        this.statistics.record(session);
        this.sessions.push(session);
      },
      nextId: () => ++this.sessionCount,
    };
  }

  /**
   * Run one request through a policy and resolve with the first answer.
   * Rejects with `LLMFallbackError` when no model answered (its `reason` says why).
   *
   * @example
   * const result = await executor.generate({
   *   policy: 'default',
   *   messages: [{ role: 'user', content: 'Summarise this' }],
   *   params: { maxTokens: 200 },
   *   metadata: { tier: 'free', user_id: 'u-42' },
   *   signal: AbortSignal.timeout(10_000),
   * })
   * console.log(result.model, result.text, result.session.getTotalAttempts())
   */
  async generate(options: GenerateOptions): Promise<ExecutorResult> {
    const session = this.open(options, null);
    this.active.add(session);
    try {
      return await session.run();
    } finally {
      this.active.delete(session);
    }
  }

  /**
   * Stream one request through a policy. Iterate the result: `text-delta`
   * events carry text, `attempt-failed` reports a failed attempt, `restart`
   * says the text so far is void (policy `mid_stream: restart`), `finish`
   * carries the result. A failed session throws `LLMFallbackError` from the
   * loop (with `partialText` when it broke mid-stream). Nothing is sent until
   * the first `next()`; leaving the loop early aborts the session.
   * `sessionId` is the session's number at once, before the first event (the
   * `id` its history record and its `LLMFallbackError.session` will carry),
   * e.g. for a response header sent ahead of the stream.
   *
   * @example
   * const events = executor.stream({ policy: 'default', messages })
   * response.setHeader('x-session', String(events.sessionId))
   * for await (const event of events) {
   *   if (event.type === 'restart') output.clear()
   *   if (event.type === 'text-delta') output.write(event.text)
   *   if (event.type === 'finish') console.log('answered by', event.result.model)
   * }
   */
  stream(options: GenerateOptions): ExecutorStream {
    const sessionId = this.services.nextId();
    let session: Session | null = null;
    const channel: EventChannel<ExecutorStreamEvent> = new EventChannel<ExecutorStreamEvent>(
      () => {
        try {
          session = this.open(options, channel, sessionId);
        } catch (error) {
          channel.fail(error);
          return;
        }
        const running = session;
        this.active.add(running);
        running.run().then(
          (result) => {
            this.active.delete(running);
            void channel.push({ type: 'finish', result });
            channel.end();
          },
          (error: unknown) => {
            this.active.delete(running);
            channel.fail(error);
          },
        );
      },
      () => session?.cancel(),
    );
    return { sessionId, [Symbol.asyncIterator]: () => channel };
  }

  /**
   * Stats over every session since the last reset, and `live`: each model's
   * statistics over its policy's `stats_window` (`policy/model` → latency
   * percentiles, error rates, requests and tokens per minute, calls in
   * flight; every process sharing the state store counted).
   */
  stats(): FallbackStatsSnapshot & { readonly live: Readonly<Record<string, LiveModelStats>> } {
    return { ...this.statistics.snapshot(), live: this.services.live.all(this.services.clock.now()) };
  }

  /**
   * Whether the executor's parts are in working order: today its state store
   * (`degraded` while a shared store is unreachable and the process serves from
   * its local copy; requests never fail because of it).
   *
   * @example
   * const { stateStore } = executor.health()
   * if (stateStore.state !== 'ok') console.warn('shared state:', stateStore.detail)
   */
  health(): { readonly stateStore: StateStoreHealth } {
    return { stateStore: this.stateStore.health() };
  }

  /** The newest `limit` finished sessions (all kept when omitted), oldest first; at most `historySize`. */
  history(limit?: number): FallbackSession[] {
    return this.sessions.recent(limit);
  }

  /** Clear stats and history (the seed's `reset_fallback_stats`). Cooldowns are kept. */
  resetStats(): void {
    this.statistics.reset();
    this.sessions.clear();
  }

  /** Abort sessions in flight (they end `aborted`), refuse new ones, and close a policy source the executor loaded itself. */
  async close(): Promise<void> {
    if (this.closed) return;
    this.closed = true;
    for (const session of this.active) session.cancel();
    if (this.ownsSource) await this.policies.close?.();
  }

  private open(options: GenerateOptions, sink: StreamSink | null, id: number | null = null): Session {
    if (this.closed) throw new LLMFallbackError({ message: 'executor is closed', reason: 'aborted', attempts: [], policy: typeof options?.policy === 'string' ? options.policy : null });
    if (typeof options !== 'object' || options === null) throw requestRejected('generate takes { policy, messages, … }', null);
    const set = this.policies.current();
    const policy = typeof options.policy === 'string' ? set.get(options.policy) : undefined;
    if (policy === undefined) throw unknownPolicy(options.policy, set);
    const problem = messagesProblem(options.messages) ?? toolsProblem(options.tools);
    if (problem !== null) throw requestRejected(`policy "${policy.name}": ${problem}`, policy.name);
    const { plan, seed } = this.plan(policy, options, sink !== null);
    const scope = this.telemetry.sessionStarted({
      policy: policy.name,
      policyVersion: policy.version,
      strategy: plan.strategy,
      requestModel: options.model ?? null,
      stream: sink !== null,
    });
    return new Session(this.services, policy, plan, seed, options, scope, sink, id ?? this.services.nextId());
  }

  /**
   * The session's plan and seed. Routes, groups, random order and a requested
   * model need the rules (with the session's seed); a plain policy's plan is
   * the same every time, and its seed is drawn only if a decision needs one.
   */
  private plan(policy: Policy, options: GenerateOptions, stream: boolean): { plan: Plan; seed: number | null } {
    let fixed = this.defaultPlans.get(policy);
    if (fixed === undefined) {
      fixed = trivialPlan(policy);
      this.defaultPlans.set(policy, fixed);
    }
    if (fixed !== null && (options.model === undefined || options.model === fixed.primary)) return { plan: fixed, seed: options.randomSeed ?? null };
    const services = this.services;
    const seed = options.randomSeed ?? drawSeed(services.random);
    try {
      const inputTokens = estimateInputTokens(options.messages);
      const facts = buildRequestFacts({ ...requestFactsOf(options, stream, requestShape(options, options.messages)), estimatedInputTokens: inputTokens });
      const statsFacts = statsFactsOf(policy).routes;
      if (statsFacts.length > 0) addStatsFacts(facts as Record<string, unknown>, statsFacts, (model) => services.live.get(cooldownKey(policy.name, model), policy.statsWindowMs, services.clock.now()));
      const figures = memberFigures(services, policy, options, () => inputTokens);
      return { plan: planRequest(policy, facts, { seed, now: () => services.clock.now(), sticky: services.sticky, turn: (key) => services.cooldowns.turn(key), figures }), seed };
    } catch (error) {
      services.logger?.logInternalError?.('planRequest failed; using the policy default plan', error);
      return { plan: { route: null, primary: policy.primaryModel, chain: policy.fallbackModels, maxAttempts: policy.maxAttempts, strategy: policy.strategyType, groupChoices: {}, seed }, seed };
    }
  }
}

/** The plan of a policy without routes, groups or random order; null when the rules must plan. */
function trivialPlan(policy: Policy): Plan | null {
  if (policy.routes.length > 0 || policy.strategyType === 'random') return null;
  if (policy.groups[policy.primaryModel] !== undefined) return null;
  for (const model of policy.fallbackModels) if (policy.groups[model] !== undefined) return null;
  return {
    route: null,
    primary: policy.primaryModel,
    chain: policy.enabled ? policy.fallbackModels : [],
    maxAttempts: policy.maxAttempts,
    strategy: policy.strategyType,
    groupChoices: {},
    seed: 0,
  };
}
