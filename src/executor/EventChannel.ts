/** Buffered events before the producer is asked to wait. */
const HIGH_WATER_MARK = 32;

/**
 * A single-consumer async queue between a streaming session (producer) and
 * the caller's `for await` (consumer), with backpressure: when the consumer
 * falls behind, `push` returns a promise that resolves once it catches up.
 * Starts the producer on the first `next()`; a consumer that stops early
 * (`break`, `return()`) cancels it.
 */
export class EventChannel<T> implements AsyncIterator<T> {
  private readonly buffer: T[] = [];
  private reader: { resolve: (result: IteratorResult<T>) => void; reject: (error: unknown) => void } | null = null;
  private producerWaiters: (() => void)[] = [];
  private started = false;
  private closed = false;
  private failure: { error: unknown } | null = null;

  constructor(
    private readonly onStart: () => void,
    private readonly onCancel: () => void,
  ) {}

  push(value: T): Promise<void> | undefined {
    if (this.closed) return undefined;
    const reader = this.reader;
    if (reader !== null) {
      this.reader = null;
      reader.resolve({ value, done: false });
      return undefined;
    }
    this.buffer.push(value);
    if (this.buffer.length < HIGH_WATER_MARK) return undefined;
    return new Promise<void>((resolve) => this.producerWaiters.push(resolve));
  }

  /** The producer is done; buffered values are still delivered. */
  end(): void {
    this.settle(null);
  }

  /** The producer failed; buffered values are delivered first, then `error` is thrown. */
  fail(error: unknown): void {
    this.settle({ error });
  }

  next(): Promise<IteratorResult<T>> {
    if (!this.started) {
      this.started = true;
      this.onStart();
    }
    const value = this.buffer.shift();
    if (value !== undefined) {
      if (this.buffer.length < HIGH_WATER_MARK / 2) this.releaseProducer();
      return Promise.resolve({ value, done: false });
    }
    if (this.closed) {
      if (this.failure !== null) {
        const { error } = this.failure;
        this.failure = null;
        return Promise.reject(error);
      }
      return Promise.resolve({ value: undefined, done: true });
    }
    return new Promise((resolve, reject) => (this.reader = { resolve, reject }));
  }

  return(): Promise<IteratorResult<T>> {
    if (!this.closed) {
      this.closed = true;
      this.buffer.length = 0;
      this.releaseProducer();
      if (this.started) this.onCancel();
    }
    this.failure = null;
    return Promise.resolve({ value: undefined, done: true });
  }

  private settle(failure: { error: unknown } | null): void {
    if (this.closed) return;
    this.closed = true;
    this.releaseProducer();
    const reader = this.reader;
    if (reader === null) {
      this.failure = failure;
      return;
    }
    this.reader = null;
    if (failure === null) reader.resolve({ value: undefined, done: true });
    else reader.reject(failure.error);
  }

  private releaseProducer(): void {
    const waiters = this.producerWaiters;
    if (waiters.length === 0) return;
    this.producerWaiters = [];
    for (const resolve of waiters) resolve();
  }
}
