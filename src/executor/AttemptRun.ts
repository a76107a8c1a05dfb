import type { ErrorFact } from '../errors/kinds.js';
import { CallControl } from '../providers/call-control.js';
import type { CallOptions, ProviderAdapter } from '../providers/spec.js';
import type { AttemptScope } from '../telemetry/hooks.js';

/**
 * `signal` on an attempt's call options: the control's, made only when an
 * adapter reads it (detour's own adapters use the control). Own and
 * enumerable, so an adapter that spreads the options keeps it.
 */
const SIGNAL: PropertyDescriptor = {
  get(this: { readonly control: CallControl }): AbortSignal {
    return this.control.signal;
  },
  enumerable: true,
  configurable: true,
};

/** Why detour itself aborted an attempt (null: it was not aborted by detour). */
export type AttemptAbortReason = 'loser' | 'session' | 'first-chunk-timeout' | null;

/**
 * One call in flight: its adapter, its control (the one abort signal and
 * timeout timer of the call: the adapter uses it rather than making its own),
 * its first-chunk timer, and (streams) the text so far. The caller's signal
 * and `executor.close()` reach it through the session, which aborts its
 * attempts itself: no listener per attempt.
 */
export class AttemptRun {
  readonly control: CallControl;
  /** What the adapter is called with. */
  readonly callOptions: CallOptions;
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
    /** The call's timeout in ms. */
    readonly timeout: number,
  ) {
    const control = new CallControl({ timeout, deferCauseScrub: true, releasedByMaker: true });
    this.control = control;
    // signal and timeout too, for adapters that make their own control; the signal only once one reads it
    // (detour's own adapters over clients it built never do: the control reaches their requests itself).
    this.callOptions = Object.defineProperty({ control, timeout, deferCauseScrub: true }, 'signal', SIGNAL) as CallOptions;
  }

  /** The call's own timeout fired (not one of detour's aborts). */
  get timedOut(): boolean {
    return this.control.timedOut;
  }

  /** Abort the call. */
  abort(reason: Exclude<AttemptAbortReason, null>): void {
    if (this.abortReason === null) this.abortReason = reason;
    this.clearTimers();
    this.control.cancel();
  }

  /** The call settled (or was given up on): its timeout timer goes. */
  settled(): void {
    this.control.release();
  }

  clearTimers(): void {
    if (this.firstChunkTimer !== null) {
      clearTimeout(this.firstChunkTimer);
      this.firstChunkTimer = null;
    }
  }
}
