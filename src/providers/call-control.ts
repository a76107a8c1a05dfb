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
  /**
   * Whoever makes the control disposes of it (`release()`), not the adapter
   * that uses it: the executor keeps an attempt's timer until the next
   * attempt's is set, so that Node keeps its timer list for the duration
   * instead of dropping it and building it again between the two.
   * @default false
   */
  readonly releasedByMaker?: boolean;
}

/**
 * The key under which a call's control travels to its client's fetch, in the
 * SDK's per-request `fetchOptions` (`CallControl.fetchOptions`): the SDKs hand
 * those to `fetch` as they are.
 */
export const CALL_CONTROL: unique symbol = Symbol.for('detour.callControl');

/**
 * One call's cancellation: the caller's signal and detour's own per-call timer
 * folded into one, so every SDK is stopped the same way and the timeout
 * behaves the same on all of them. It also remembers which of the two fired,
 * because the SDKs report both as a bare abort.
 *
 * The call reaches its request one of two ways. Through an abort `signal`,
 * made on first read, for any SDK or fetch. Or, for a client detour built over
 * a `controlledFetch`, through `fetchOptions`: the request then goes out with
 * the SDK's own signal and this control aborts the SDK's controller itself —
 * no signal of ours for the SDK to compose with its own, which costs the SDKs
 * (weak references and finalizers on every call) more than detour's whole
 * decision about a failure.
 *
 * An adapter takes the caller's with `CallControl.of(options)`, which makes
 * one only when the caller did not and asked for a signal or a timeout.
 *
 * @example
 * const control = CallControl.of(options);
 * try { await sdkCall({ signal: control?.signal }); } finally { control?.dispose(); }
 */
export class CallControl {
  /** detour's timer fired first. */
  timedOut = false;
  /** The caller's signal fired first. */
  aborted = false;
  /** The caller scrubs the error's cause itself (`CallOptions.deferCauseScrub`). */
  readonly deferScrub: boolean;
  /** `dispose()` leaves the control to its maker's `release()` (`CallControlOptions.releasedByMaker`). */
  private readonly releasedByMaker: boolean;
  /** Made on the first read of `signal`. */
  private controller: AbortController | null = null;
  /** Why the call was stopped, once it was (null: it runs). */
  private stopReason: { readonly reason: unknown } | null = null;
  private timer: ReturnType<typeof setTimeout> | undefined;
  /** The pending `race`'s reject: called when this control aborts, without a listener on its own signal. */
  private raceReject: ((reason: unknown) => void) | null = null;
  private readonly callerSignal: AbortSignal | undefined;
  private readonly onCallerAbort: (() => void) | undefined;
  /** The SDK controllers of the requests this control reached through a `controlledFetch`, aborted with it. */
  private requests: AbortController[] | null = null;
  private requestOptions: { readonly [CALL_CONTROL]: CallControl } | null = null;

  constructor(options: CallControlOptions | undefined) {
    this.deferScrub = options?.deferCauseScrub === true;
    this.releasedByMaker = options?.releasedByMaker === true;
    const timeout = options?.timeout;
    const callerSignal = options?.signal;
    this.callerSignal = callerSignal;
    if (callerSignal !== undefined) {
      if (callerSignal.aborted) {
        this.aborted = true;
        this.abort(callerSignal.reason);
      } else {
        this.onCallerAbort = () => {
          if (this.stopped) return;
          this.aborted = true;
          this.abort(callerSignal.reason);
        };
        callerSignal.addEventListener('abort', this.onCallerAbort, { once: true });
      }
    }
    if (timeout !== undefined && Number.isFinite(timeout) && !this.stopped) {
      this.timer = setTimeout(() => {
        if (this.stopped) return;
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

  /** The call's abort signal (aborted already if the call was stopped before it was asked for). */
  get signal(): AbortSignal {
    if (this.controller === null) {
      this.controller = new AbortController();
      if (this.stopReason !== null) this.controller.abort(this.stopReason.reason);
    }
    return this.controller.signal;
  }

  /** The call was stopped: its timer fired, the caller aborted, or `cancel()`. */
  get stopped(): boolean {
    return this.stopReason !== null;
  }

  /**
   * Settles as soon as the control aborts, whatever the SDK is doing, so the
   * deadline is honoured even where an SDK reacts late. The SDK's promise keeps
   * a handler, so its later rejection is never unhandled.
   */
  race<T>(promise: Promise<T>): Promise<T> {
    if (this.stopReason !== null) {
      promise.then(undefined, () => undefined);
      return Promise.reject(this.stopReason.reason);
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
    const signal = this.signal;
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
   * What to pass as the SDK's per-request `fetchOptions` instead of `signal`,
   * for a client whose fetch is a `controlledFetch`.
   */
  get fetchOptions(): { readonly [CALL_CONTROL]: CallControl } {
    return (this.requestOptions ??= { [CALL_CONTROL]: this });
  }

  /**
   * A request of this call is going out with the SDK's own `controller`
   * (`controlledFetch` found it): aborting this control aborts it.
   */
  reach(controller: AbortController): void {
    if (this.stopReason !== null) controller.abort(this.stopReason.reason);
    else (this.requests ??= []).push(controller);
  }

  /**
   * Some SDKs (OpenAI's, Anthropic's) end a stream's iteration quietly when its
   * signal aborts; call this after the loop so the abort is still reported.
   */
  throwIfAborted(): void {
    if (this.stopReason !== null) throw this.stopReason.reason ?? new DOMException('The operation was aborted.', 'AbortError');
  }

  /** Abort the request (an early stop by the consumer); not counted as timeout or caller abort. */
  cancel(): void {
    if (this.stopReason === null) this.abort(undefined);
  }

  private abort(reason: unknown): void {
    // What `AbortController.abort()` gives a signal aborted without a reason.
    const stopped = reason === undefined ? new DOMException('This operation was aborted', 'AbortError') : reason;
    this.stopReason = { reason: stopped };
    this.controller?.abort(stopped);
    const requests = this.requests;
    this.requests = null;
    if (requests !== null) for (const request of requests) request.abort(stopped);
    const reject = this.raceReject;
    this.raceReject = null;
    reject?.(stopped);
  }

  /** The call settled: its timer and listener go (unless the control's maker releases it itself). */
  dispose(): void {
    if (!this.releasedByMaker) this.release();
  }

  /** Clear the timer and drop the listeners, whoever made the control. */
  release(): void {
    if (this.timer !== undefined) clearTimeout(this.timer);
    this.timer = undefined;
    this.requests = null;
    if (this.onCallerAbort !== undefined) this.callerSignal?.removeEventListener('abort', this.onCallerAbort);
  }
}
