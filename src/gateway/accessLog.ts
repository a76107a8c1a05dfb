/**
 * One access-log line per gateway request: who (the key's name, never the
 * key), what (policy, model, session, attempts), how it ended and how long it
 * took. Never message content.
 */

export interface AccessLogEntry {
  /** ISO time the request arrived. */
  readonly time: string;
  readonly method: string;
  readonly path: string;
  /** The status sent (499 when the client went away first). */
  readonly status: number;
  readonly durationMs: number;
  /** The gateway key's name; null when the gateway has no keys. */
  readonly key: string | null;
  readonly policy: string | null;
  /** The catalog model that answered. */
  readonly model: string | null;
  readonly session: number | null;
  readonly attempts: number | null;
  readonly stream: boolean;
  /** The error's code (`rate_limit`, `deadline`, `body_too_large`…) for failed requests. */
  readonly error: string | null;
}

/** Where the access log writes: a stream, or anything with `write`. */
export interface AccessLogOutput {
  write(text: string): unknown;
  /** Bytes written but not yet taken by the reader (Node's writable streams have it). */
  readonly writableLength?: number;
  /** True once the stream can take no more (its reader went away). */
  readonly destroyed?: boolean;
}

export interface AccessLogOptions {
  /**
   * How far the reader may fall behind, in bytes queued on `output`: while
   * more is queued, lines are dropped (and counted) instead of held, so a
   * stalled log reader costs the gateway neither memory nor latency. The
   * next line written after a drop says how many were lost. @default 8 MiB
   */
  readonly maxQueuedBytes?: number;
}

/**
 * An access log that writes one JSON line per request. The lines of requests
 * that end in the same turn of the event loop go out in one write (one
 * system call instead of one per request under load). When the reader falls
 * more than `maxQueuedBytes` behind, lines are dropped, and the first line
 * written afterwards is `{"time":…,"dropped":N,…}`.
 *
 * @example
 * createGateway({ executor, accessLog: jsonLinesAccessLog(createWriteStream('access.log', { flags: 'a' })) })
 */
export function jsonLinesAccessLog(output: AccessLogOutput, options: AccessLogOptions = {}): (entry: AccessLogEntry) => void {
  const maxQueuedBytes = options.maxQueuedBytes ?? 8 * 1024 * 1024;
  let pending = '';
  let pendingLines = 0;
  let dropped = 0;
  const flush = (): void => {
    const text = pending;
    const lines = pendingLines;
    pending = '';
    pendingLines = 0;
    if (output.destroyed === true) return;
    if ((output.writableLength ?? 0) > maxQueuedBytes) {
      dropped += lines;
      return;
    }
    if (dropped > 0) {
      output.write(`${JSON.stringify({ time: new Date().toISOString(), dropped, reason: 'the access log\'s reader fell behind; these lines were not written' })}\n${text}`);
      dropped = 0;
      return;
    }
    output.write(text);
  };
  return (entry) => {
    if (pending === '') setImmediate(flush);
    pending += `${JSON.stringify(entry)}\n`;
    pendingLines += 1;
  };
}
