import type { ErrorFact } from '../errors/kinds.js';
import type { ProviderAdapter } from '../providers/spec.js';
import type { AttemptScope } from '../telemetry/hooks.js';
import type { AbortGeneration, SharedAbort } from './SharedAbort.js';

/** Why detour itself aborted an attempt (null: it was not aborted by detour). */
export type AttemptAbortReason = 'loser' | 'session' | 'first-chunk-timeout' | null;

/**
 * One call in flight: its adapter, its abort signal, its timers, and (streams)
 * the text so far. An attempt only `executor.close()` can abort borrows the
 * executor's shared signal instead of building its own (see SharedAbort).
 */
export class AttemptRun {
  readonly signal: AbortSignal;
  private readonly controller: AbortController | null;
  private generation: AbortGeneration | null;
  abortReason: AttemptAbortReason = null;
  /** Streams: the first chunk arrived and this attempt won the session. */
  committed = false;
  /** Streams: text forwarded so far. */
  text = '';
  /** Streams: some event reached the consumer (a commit alone, at an empty answer's finish, sends nothing). */
  forwarded = false;
  firstChunkTimer: ReturnType<typeof setTimeout> | null = null;
  /** Streams: when the first chunk arrived (ms since the epoch). */
  firstChunkAt: number | null = null;
  /** The fact of the error it settled with, once it failed. */
  fact: ErrorFact | null = null;

  constructor(
    readonly number: number,
    readonly model: string,
    readonly adapter: ProviderAdapter,
    readonly reason: string,
    readonly hedged: boolean,
    readonly startTime: number,
    readonly scope: AttemptScope,
    private readonly shared: SharedAbort | null = null,
  ) {
    if (shared === null) {
      this.controller = new AbortController();
      this.signal = this.controller.signal;
      this.generation = null;
    } else {
      this.controller = null;
      this.generation = shared.acquire();
      this.signal = this.generation.signal;
    }
  }

  /** Abort the call. With a shared signal only `executor.close()` aborts it: the session just stops listening. */
  abort(reason: Exclude<AttemptAbortReason, null>): void {
    if (this.abortReason === null) this.abortReason = reason;
    this.clearTimers();
    this.controller?.abort();
  }

  /** The call settled (or was given up on): hand a shared signal back. */
  settled(): void {
    if (this.generation !== null) {
      this.shared?.release(this.generation);
      this.generation = null;
    }
  }

  clearTimers(): void {
    if (this.firstChunkTimer !== null) {
      clearTimeout(this.firstChunkTimer);
      this.firstChunkTimer = null;
    }
  }
}

