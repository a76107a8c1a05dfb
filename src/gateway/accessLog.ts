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

/**
 * An access log that writes one JSON line per request. The lines of requests
 * that end in the same turn of the event loop go out in one write (one
 * system call instead of one per request under load).
 *
 * @example
 * createGateway({ executor, accessLog: jsonLinesAccessLog(process.stdout) })
 */
export function jsonLinesAccessLog(stream: { write(text: string): unknown }): (entry: AccessLogEntry) => void {
  let pending = '';
  const flush = (): void => {
    const text = pending;
    pending = '';
    stream.write(text);
  };
  return (entry) => {
    if (pending === '') setImmediate(flush);
    pending += `${JSON.stringify(entry)}\n`;
  };
}
