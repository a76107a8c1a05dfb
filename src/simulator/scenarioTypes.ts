/**
 * The compiled form of a simulator scenario: durations in milliseconds, every
 * default filled in. Built once by `parseScenario`/`compileScenario`, read on
 * every request without further parsing.
 */
import { DOCUMENTED_PROVIDERS, FAULT_NAMES, type DocumentedProvider, type FaultName } from '../errors/catalog.js';

/** Faults that are about the wire rather than a documented error response. */
export const WIRE_FAULTS = [
  'reset',
  'cut_stream',
  'no_terminator',
  'malformed_json',
  'hang',
  'filtered',
  'truncated',
] as const;

export type WireFault = (typeof WIRE_FAULTS)[number];

/** Every documented error response the catalog knows (`src/errors/catalog.ts`). */
export const DOCUMENTED_FAULTS: readonly FaultName[] = FAULT_NAMES;

export type SimulatorFaultType = FaultName | WireFault;

export { DOCUMENTED_PROVIDERS };

/** A latency drawn without stalls: one fixed value, a seeded lognormal fitted to p50/p99, or a seeded uniform range. */
export type BaseLatency =
  | { readonly kind: 'fixed'; readonly ms: number }
  | { readonly kind: 'lognormal'; readonly p50: number; readonly p99: number }
  | { readonly kind: 'uniform'; readonly min: number; readonly max: number };

/**
 * A base latency with stalls mixed in: with `probability`, a request waits a
 * `stall` draw instead of a `base` draw. Real provider tails look like this
 * (a few requests stuck in a queue) more than like one long lognormal tail.
 */
export interface StallLatency {
  readonly kind: 'stall';
  readonly base: BaseLatency;
  /** Share of requests that stall, 0 to 1. */
  readonly probability: number;
  readonly stall: BaseLatency;
}

/** How long to wait: a base latency, or one with stalls mixed in. */
export type Latency = BaseLatency | StallLatency;

/** When a fault applies. Every condition given must hold (they are ANDed); none given means always. */
export interface FaultWhen {
  /** The model's first N requests (since start or `reset()`). */
  readonly first?: number;
  /** Every Nth request of the model (N, 2N, 3N…). */
  readonly every?: number;
  /** With this probability, drawn from the simulator's seeded generator. */
  readonly probability?: number;
  /** From this many ms after start (inclusive). */
  readonly fromMs?: number;
  /** Until this many ms after start (exclusive). */
  readonly toMs?: number;
}

export interface FaultRule {
  readonly type: SimulatorFaultType;
  /** Whose error shape to answer with; defaults to the protocol of the endpoint called. */
  readonly provider?: DocumentedProvider;
  readonly retryAfterSeconds?: number;
  readonly when: FaultWhen;
  /** For `cut_stream` (and the partial text of `filtered`): content chunks sent before the break. */
  readonly afterChunks: number;
  /**
   * `after_chunks` was given on a documented error or `hang`: a streaming
   * request gets that many chunks first, then the error as an in-stream event
   * (or, for `hang`, silence). Non-streaming requests are unaffected.
   */
  readonly midStream: boolean;
}

export interface ModelBehaviour {
  readonly latency: Latency;
  /** Between two stream chunks. */
  readonly chunkLatency: Latency;
  /** How many content chunks a stream splits its text into. */
  readonly chunks: number;
  /** A fixed reply instead of the echo. */
  readonly reply?: string;
  /** When the request offers tools and does not end with tool results: call these instead of answering. */
  readonly toolCalls?: readonly { readonly name: string; readonly arguments: unknown }[];
  /** Thinking to send before the answer. */
  readonly reasoning?: string;
  /** Refuse with this message (OpenAI's `refusal` field; Anthropic's `refusal` stop reason). */
  readonly refusal?: string;
  /** When JSON is asked for: an object that fits the request's schema, one that does not, or text that is not JSON. */
  readonly json?: 'valid' | 'invalid' | 'malformed';
  /** Tried in order; the first that applies is served. */
  readonly faults: readonly FaultRule[];
}

/** A validated scenario, ready for `startSimulator`. */
export interface Scenario {
  readonly kind: 'detour.simulator.scenario';
  readonly name: string | null;
  readonly seed: number | null;
  /** Exact model ids and `*`-patterns (e.g. `claude-*`, `*`) to their behaviour. */
  readonly models: ReadonlyMap<string, ModelBehaviour>;
}

export const ZERO_LATENCY: Latency = { kind: 'fixed', ms: 0 };

export const HEALTHY_BEHAVIOUR: ModelBehaviour = {
  latency: ZERO_LATENCY,
  chunkLatency: ZERO_LATENCY,
  chunks: 4,
  faults: [],
};

export function isScenario(value: unknown): value is Scenario {
  return typeof value === 'object' && value !== null && (value as { kind?: unknown }).kind === 'detour.simulator.scenario';
}
