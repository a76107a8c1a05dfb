/**
 * Events handled one at a time, in the order they come: an event pushed
 * while none is being handled is handled at once, in the pusher's tick (so a
 * session decides on a failure, and starts the next attempt, in the tick the
 * failure arrives); one pushed meanwhile waits for the one in hand.
 */
export class SerialEvents<Event> {
  private readonly queue: Event[] = [];
  private handling = false;
  private crashed: { readonly error: unknown } | null = null;
  private wake: (() => void) | null = null;

  /** `handle` takes one event; `finished` says when no event matters any more. */
  constructor(
    private readonly handle: (event: Event) => void,
    private readonly finished: () => boolean,
  ) {}

  /**
   * Run `start` as if it were an event, then handle events until `finished`.
   * Rejects with whatever `start` or a handler threw (a logger that throws).
   */
  async run(start: () => void): Promise<void> {
    this.handling = true;
    try {
      start();
    } catch (error) {
      this.crashed = { error };
    }
    this.handling = false;
    this.drain();
    while (!this.over()) await new Promise<void>((resolve) => (this.wake = resolve));
    if (this.crashed !== null) throw this.crashed.error;
  }

  push(event: Event): void {
    this.queue.push(event);
    if (!this.handling) this.drain();
  }

  private over(): boolean {
    return this.crashed !== null || this.finished();
  }

  private drain(): void {
    this.handling = true;
    try {
      while (!this.over()) {
        const event = this.queue.shift();
        if (event === undefined) break;
        this.handle(event);
      }
    } catch (error) {
      this.crashed = { error };
    } finally {
      this.handling = false;
    }
    if (!this.over()) return;
    this.queue.length = 0;
    const wake = this.wake;
    this.wake = null;
    wake?.();
  }
}
