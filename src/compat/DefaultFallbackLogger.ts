import type { FallbackLogger } from '../executor/types.js';
import type { FallbackAttempt } from '../stats/FallbackAttempt.js';
import type { FallbackSession } from '../stats/FallbackSession.js';

/** Where DefaultFallbackLogger writes: `console` or any object with these methods (pino, winston…). */
export interface LogSink {
  debug(message: string, data?: unknown): void;
  info(message: string, data?: unknown): void;
  warn(message: string, data?: unknown): void;
  error(message: string, data?: unknown): void;
}

/**
 * The seed's `DefaultFallbackLogger`: one line per failed attempt and per
 * session that needed a fallback or failed. Lines name models, kinds and
 * statuses, never message content or keys.
 *
 * @example
 * const executor = await createExecutor({ policies: './policies', logger: new DefaultFallbackLogger() })
 */
export class DefaultFallbackLogger implements FallbackLogger {
  constructor(private readonly sink: LogSink = console) {}

  logAttemptFailed(attempt: FallbackAttempt, context: { readonly policy: string; readonly primaryModel: string }): void {
    const error = attempt.error;
    const what = error === null ? attempt.reason : `${error.type}${error.status === null ? '' : ` (${error.status})`}: ${error.message}`;
    const verb = attempt.outcome === 'skipped' ? 'skipped' : 'failed';
    this.sink.warn(`[detour] ${context.policy}: attempt ${attempt.number} on ${attempt.model} ${verb} — ${what}`);
  }

  logSessionSucceeded(session: FallbackSession): void {
    if (!session.usedFallback) return;
    this.sink.info(`[detour] ${session.policy}: ${session.primaryModel} fell back to ${session.finalModel} after ${session.getTotalAttempts()} attempts (${session.getTotalDuration()} ms)`);
  }

  logSessionFailed(session: FallbackSession, error: Error): void {
    this.sink.error(`[detour] ${session.policy}: ${error.message}`);
  }

  logInternalError(message: string, error: unknown): void {
    this.sink.error(`[detour] internal: ${message}`, error instanceof Error ? error.message : error);
  }
}
