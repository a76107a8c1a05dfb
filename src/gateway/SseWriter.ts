/**
 * Server-sent events onto a node:http response, waiting for the socket when
 * its buffer is full and never writing after the client went away.
 */
import type { ServerResponse } from 'node:http';

export class SseWriter {
  constructor(private readonly response: ServerResponse) {}

  /** True once the client has gone or the response has ended. */
  get closed(): boolean {
    return this.response.destroyed || this.response.writableEnded;
  }

  /** One `data:` event (with an `event:` line when named). Resolves when the socket can take more. */
  send(data: string, event?: string): Promise<void> | undefined {
    if (this.closed) return undefined;
    const ok = this.response.write(event === undefined ? `data: ${data}\n\n` : `event: ${event}\ndata: ${data}\n\n`);
    return ok ? undefined : this.drained();
  }

  end(): void {
    if (!this.closed) this.response.end();
  }

  private drained(): Promise<void> {
    return new Promise((resolve) => {
      const done = (): void => {
        this.response.off('drain', done);
        this.response.off('close', done);
        resolve();
      };
      this.response.on('drain', done);
      this.response.on('close', done);
    });
  }
}
