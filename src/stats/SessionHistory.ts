/**
 * A bounded ring buffer of the most recent items: memory stays at `capacity`
 * slots however many sessions run.
 *
 * @example
 * const history = new SessionHistory<FallbackSession>(100)
 * history.push(session)
 * history.recent(10) // up to 10 newest, oldest first
 */
export class SessionHistory<T> {
  readonly capacity: number;
  private readonly slots: (T | undefined)[];
  private next = 0;
  private count = 0;

  constructor(capacity: number) {
    if (!Number.isInteger(capacity) || capacity < 0) {
      throw new RangeError(`history size must be a non-negative integer, got ${String(capacity)}`);
    }
    this.capacity = capacity;
    this.slots = new Array<T | undefined>(capacity);
  }

  get length(): number {
    return this.count;
  }

  push(item: T): void {
    if (this.capacity === 0) return;
    this.slots[this.next] = item;
    this.next = (this.next + 1) % this.capacity;
    if (this.count < this.capacity) this.count++;
  }

  /** The newest `limit` items (all when omitted), oldest first. */
  recent(limit?: number): T[] {
    const take = Math.max(0, Math.min(this.count, limit ?? this.count));
    const items: T[] = new Array<T>(take);
    let index = (this.next - take + this.capacity) % (this.capacity || 1);
    for (let i = 0; i < take; i++) {
      items[i] = this.slots[index] as T;
      index = (index + 1) % this.capacity;
    }
    return items;
  }

  clear(): void {
    this.slots.fill(undefined);
    this.next = 0;
    this.count = 0;
  }
}
