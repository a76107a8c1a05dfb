/**
 * One gateway request in flight: its abort controller (client gone,
 * deadline, shutdown) and what its access-log line will say.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { AccessLogEntry } from './accessLog.js';
import type { GatewayKey } from './GatewayKeys.js';

/** Why a request was aborted before its session ended. */
export type AbortCause = 'client' | 'deadline' | 'shutdown';

export class Exchange {
  readonly controller = new AbortController();
  abortCause: AbortCause | null = null;
  key: GatewayKey | null = null;
  policy: string | null = null;
  model: string | null = null;
  session: number | null = null;
  attempts: number | null = null;
  stream = false;
  errorCode: string | null = null;
  private readonly arrived: number;
  private readonly started = performance.now();

  constructor(
    readonly request: IncomingMessage,
    readonly response: ServerResponse,
    readonly path: string,
    now: () => number,
  ) {
    this.arrived = now();
    response.once('close', () => {
      if (!response.writableFinished) this.abort('client');
    });
  }

  abort(cause: AbortCause): void {
    if (this.abortCause !== null) return;
    this.abortCause = cause;
    this.controller.abort(new Error(`gateway request aborted (${cause})`));
  }

  /** The status sent, or 499 when the client left before the answer ended. */
  status(): number {
    return this.abortCause === 'client' && !this.response.writableFinished ? 499 : this.response.statusCode;
  }

  log(accessLog: ((entry: AccessLogEntry) => void) | null): void {
    if (accessLog === null) return;
    try {
      accessLog({
        time: new Date(this.arrived).toISOString(),
        method: this.request.method ?? '',
        path: this.path,
        status: this.status(),
        durationMs: Math.round((performance.now() - this.started) * 100) / 100,
        key: this.key?.name ?? null,
        policy: this.policy,
        model: this.model,
        session: this.session,
        attempts: this.attempts,
        stream: this.stream,
        error: this.errorCode,
      });
    } catch {
      // A broken log sink never fails a request.
    }
  }
}
