/** What a CallControl is made from (a subset of `CallOptions`, which extends it). */
export interface CallControlOptions {
  /** Aborts the call; the adapter throws a ProviderCallError of kind `aborted`. */
  readonly signal?: AbortSignal;
  /** Per-call timeout in ms; when it fires the adapter throws kind `timeout`. */
  readonly timeout?: number;
  /**
   * Leave the SDK's error (the thrown ProviderCallError's `cause`) unscrubbed
   * until the caller passes it to `scrubCause`, which it must do before it logs,
   * keeps or rethrows the error. For callers that decide on the fact alone and
   * keep only some errors (the executor). The fact is always redacted.
   * @default false
   */
  readonly deferCauseScrub?: boolean;
  /**
   * The call's control, made by the caller (the executor makes one per
   * attempt): the adapter uses it as it is instead of making its own from
   * `signal` and `timeout`, so a call has one AbortController and one timer.
   */
  readonly control?: CallControl;
}

/**
 * One call's cancellation: the caller's signal and detour's own per-call timer
 * folded into one AbortController, so every SDK sees the same signal and the
 * timeout behaves the same on all of them. It also remembers which of the two
 * fired, because the SDKs report both as a bare abort.
 *
 * An adapter takes the caller's with `CallControl.of(options)`, which makes
 * one only when the caller did not and asked for a signal or a timeout.
 *
 * @example
 * const control = CallControl.of(options);
 * try { await sdkCall({ signal: control?.signal }); } finally { control?.dispose(); }
 */
export class CallControl {
  readonly controller = new AbortController();
  readonly signal: AbortSignal = this.controller.signal;
  /** detour's timer fired first. */
  timedOut = false;
  /** The caller's signal fired first. */
  aborted = false;
  /** The caller scrubs the error's cause itself (`CallOptions.deferCauseScrub`). */
  readonly deferScrub: boolean;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The pending `race`'s reject: called when this control aborts, without a listener on its own signal. */
  private raceReject: ((reason: unknown) => void) | null = null;
  private readonly callerSignal: AbortSignal | undefined;
  private readonly onCallerAbort: (() => void) | undefined;

  constructor(options: CallControlOptions | undefined) {
    this.deferScrub = options?.deferCauseScrub === true;
    const timeout = options?.timeout;
    const callerSignal = options?.signal;
    this.callerSignal = callerSignal;
    if (callerSignal !== undefined) {
      if (callerSignal.aborted) {
        this.aborted = true;
        this.abort(callerSignal.reason);
      } else {
        this.onCallerAbort = () => {
          if (this.signal.aborted) return;
          this.aborted = true;
          this.abort(callerSignal.reason);
        };
        callerSignal.addEventListener('abort', this.onCallerAbort, { once: true });
      }
    }
    if (timeout !== undefined && Number.isFinite(timeout) && !this.signal.aborted) {
      this.timer = setTimeout(() => {
        if (this.signal.aborted) return;
        this.timedOut = true;
        this.abort(new DOMException(`detour: the call did not finish within ${timeout} ms`, 'TimeoutError'));
      }, Math.max(0, timeout));
    }
  }

  /** Whether a call without signal or timeout can skip the controller altogether (`of` decides it too). */
  static isNeeded(options: CallControlOptions | undefined): boolean {
    return options !== undefined && (options.control !== undefined || options.signal !== undefined || options.timeout !== undefined);
  }

  /**
   * The call's control: the caller's own (`options.control`), else a new one
   * when the call has a signal or a timeout, else none.
   *
   * @example
   * const control = CallControl.of(options);
   */
  static of(options: CallControlOptions | undefined): CallControl | undefined {
    if (options === undefined) return undefined;
    if (options.control !== undefined) return options.control;
    return options.signal !== undefined || options.timeout !== undefined ? new CallControl(options) : undefined;
  }

  /**
   * Settles as soon as the signal fires, whatever the SDK is doing, so the
   * deadline is honoured even where an SDK reacts late. The SDK's promise keeps
   * a handler, so its later rejection is never unhandled.
   */
  race<T>(promise: Promise<T>): Promise<T> {
    const signal = this.signal;
    if (signal.aborted) {
      promise.then(undefined, () => undefined);
      return Promise.reject(signal.reason);
    }
    if (this.raceReject === null) {
      // The usual case, one race per call: this control rejects it itself when it aborts.
      return new Promise<T>((resolve, reject) => {
        this.raceReject = reject;
        promise.then(
          (value) => {
            this.raceReject = null;
            resolve(value);
          },
          (error: unknown) => {
            this.raceReject = null;
            reject(error);
          },
        );
      });
    }
    return new Promise<T>((resolve, reject) => {
      const onAbort = () => reject(signal.reason);
      signal.addEventListener('abort', onAbort, { once: true });
      promise.then(
        (value) => {
          signal.removeEventListener('abort', onAbort);
          resolve(value);
        },
        (error: unknown) => {
          signal.removeEventListener('abort', onAbort);
          reject(error);
        },
      );
    });
  }

  /**
   * Some SDKs (OpenAI's, Anthropic's) end a stream's iteration quietly when its
   * signal aborts; call this after the loop so the abort is still reported.
   */
  throwIfAborted(): void {
    if (this.signal.aborted) throw this.signal.reason ?? new DOMException('The operation was aborted.', 'AbortError');
  }

  /** Abort the request (an early stop by the consumer); not counted as timeout or caller abort. */
  cancel(): void {
    if (!this.signal.aborted) this.abort(undefined);
  }

  private abort(reason: unknown): void {
    this.controller.abort(reason);
    const reject = this.raceReject;
    this.raceReject = null;
    reject?.(this.signal.reason);
  }

  dispose(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    if (this.onCallerAbort !== undefined) this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }
}
