import type { ErrorFact } from '../errors/kinds.js';
import type { ModelConfig } from '../policy/types.js';
import type { GenerateResponse, ProviderAdapter } from '../providers/spec.js';
import type { AttemptScope } from '../telemetry/hooks.js';

/** Why detour itself aborted an attempt (null: it was not aborted by detour). */
export type AttemptAbortReason = 'loser' | 'session' | 'first-chunk-timeout' | null;

/** One call in flight: its adapter, its abort controller, its timers, and (streams) the text so far. */
export class AttemptRun {
  readonly controller = new AbortController();
  abortReason: AttemptAbortReason = null;
  /** Streams: the first chunk arrived and this attempt won the session. */
  committed = false;
  /** Streams: text forwarded so far. */
  text = '';
  firstChunkTimer: ReturnType<typeof setTimeout> | null = null;

  constructor(
    readonly number: number,
    readonly model: string,
    readonly config: ModelConfig,
    readonly adapter: ProviderAdapter,
    readonly reason: string,
    readonly hedged: boolean,
    readonly startTime: number,
    readonly scope: AttemptScope,
  ) {}

  abort(reason: Exclude<AttemptAbortReason, null>): void {
    if (this.abortReason === null) this.abortReason = reason;
    this.clearTimers();
    this.controller.abort();
  }

  clearTimers(): void {
    if (this.firstChunkTimer !== null) {
      clearTimeout(this.firstChunkTimer);
      this.firstChunkTimer = null;
    }
  }
}

/** What the session loop reacts to. */
export type SessionEvent =
  | { readonly type: 'succeeded'; readonly run: AttemptRun; readonly response: GenerateResponse }
  | { readonly type: 'failed'; readonly run: AttemptRun; readonly error: unknown }
  | { readonly type: 'unavailable'; readonly model: string; readonly provider: string | null; readonly fact: ErrorFact; readonly number: number }
  | { readonly type: 'hedge' }
  | { readonly type: 'delay-over' }
  | { readonly type: 'aborted' }
  | { readonly type: 'deadline' };
