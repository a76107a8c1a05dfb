/**
 * When each request reached the simulator and when its answer was handed to
 * the socket, on the simulator's monotonic clock: the server-side view of a
 * client's dispatch (a failed answer sent → the fallback request received),
 * free of the client's own timers. Off unless `startSimulator({ timeline })`
 * asks for it; bounded, oldest entries dropped first.
 */

/** One request as the simulator saw it. Times are `performance.now()` ms in the simulator's process. */
export interface TimelineEntry {
  /** The request path (`/v1/chat/completions`, `/v1/messages`, …). */
  readonly path: string;
  /** The `x-simulator-tag` request header, for telling clients apart; null without one. */
  readonly tag: string | null;
  readonly status: number;
  /** The request's headers were parsed. */
  readonly receivedAt: number;
  /** The last byte of the answer was handed to the socket. */
  readonly finishedAt: number;
}

export class Timeline {
  private entries: TimelineEntry[] = [];

  constructor(private readonly limit: number) {}

  add(entry: TimelineEntry): void {
    if (this.entries.length >= this.limit) this.entries.splice(0, Math.ceil(this.limit / 10));
    this.entries.push(entry);
  }

  /** Every entry, in the order the answers finished. */
  snapshot(): readonly TimelineEntry[] {
    return [...this.entries];
  }

  clear(): void {
    this.entries = [];
  }
}
