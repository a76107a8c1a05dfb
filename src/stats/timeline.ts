/**
 * A session record as a person reads it at a glance: one aligned row per
 * attempt (number, model, provider, start offset, duration, outcome, error
 * kind and status, the rule or strategy step that chose it), then one line
 * for how the session ended. Used by `detour run` and `detour demo`.
 */
import type { ErrorFact } from '../errors/kinds.js';
import type { FallbackAttemptData } from './FallbackAttempt.js';
import type { FallbackSessionData } from './FallbackSession.js';

/**
 * Columns padded to their widest cell, two spaces apart; trailing space trimmed.
 *
 * @example
 * alignColumns([['#', 'model'], ['1', 'gpt-4o']]); // ['#  model', '1  gpt-4o']
 */
export function alignColumns(rows: readonly (readonly string[])[]): string[] {
  const widths: number[] = [];
  for (const row of rows) row.forEach((cell, column) => (widths[column] = Math.max(widths[column] ?? 0, cell.length)));
  return rows.map((row) => row.map((cell, column) => cell.padEnd(widths[column] ?? 0)).join('  ').trimEnd());
}

/**
 * A duration for people: `840 ms`, `1.25 s`, `2 m 05 s`.
 *
 * @example
 * formatDuration(1250); // '1.25 s'
 */
export function formatDuration(milliseconds: number): string {
  if (!Number.isFinite(milliseconds)) return '-';
  const rounded = Math.round(milliseconds);
  if (rounded < 1000) return `${rounded} ms`;
  if (rounded < 60_000) return `${(rounded / 1000).toFixed(2)} s`;
  const minutes = Math.floor(rounded / 60_000);
  const seconds = Math.round((rounded % 60_000) / 1000);
  return `${minutes} m ${String(seconds).padStart(2, '0')} s`;
}

/**
 * An error as the timeline shows it: the kind, then the HTTP status when there is one.
 *
 * @example
 * formatErrorFact(attempt.error); // 'rate_limit 429', or 'connection'
 */
export function formatErrorFact(error: ErrorFact | null): string {
  if (error === null) return '';
  return [error.kind, error.status === null ? null : String(error.status)].filter((part) => part !== null).join(' ');
}

const OUTCOME_WORDS: Readonly<Record<FallbackAttemptData['outcome'], string>> = {
  success: 'ok',
  failure: 'failed',
  skipped: 'skipped',
  aborted: 'aborted',
};

function attemptRow(attempt: FallbackAttemptData, sessionStart: number): string[] {
  const sent = attempt.outcome !== 'skipped';
  const offset = Math.max(0, attempt.startTime - sessionStart);
  const model = attempt.hedged ? `${attempt.model} (hedged)` : attempt.model;
  const error = attempt.outcome === 'aborted' && attempt.error?.kind === 'aborted' ? attempt.error.message : formatErrorFact(attempt.error);
  return [
    String(attempt.number),
    model,
    attempt.provider ?? '-',
    // Same units as "took", so a start of 20 s reads as such and not as "+20156 ms".
    `+${formatDuration(offset)}`,
    sent ? formatDuration(attempt.durationMs) : '-',
    OUTCOME_WORDS[attempt.outcome],
    error === '' ? '-' : error,
    attempt.reason,
  ];
}

/**
 * The header and one row per attempt, aligned.
 *
 * @example
 * formatAttemptTable(session.toJSON());
 * // ['#  model   provider  start  took   outcome  error  chosen by', '1  gpt-4o  openai    +0 ms  74 ms  ok       -      primary']
 */
export function formatAttemptTable(session: FallbackSessionData): string[] {
  const header = ['#', 'model', 'provider', 'start', 'took', 'outcome', 'error', 'chosen by'];
  return alignColumns([header, ...session.attempts.map((attempt) => attemptRow(attempt, session.startTime))]);
}

function plural(count: number, word: string): string {
  return `${count} ${word}${count === 1 ? '' : 's'}`;
}

const FAILURE_REASONS: Readonly<Record<string, string>> = {
  exhausted: 'every model it could try failed',
  rejected: 'a rule or the policy said not to fall back on this error',
  deadline: "the session's deadline passed",
  aborted: 'the request was cancelled',
  disabled: 'fallback is disabled and the primary failed',
};

/**
 * One line: how the session ended, and for a failure why, with the last error.
 *
 * @example
 * formatOutcomeLine(session.toJSON());
 * // 'success: claude-haiku answered on attempt 2 (1 fallback) in 412 ms'
 */
export function formatOutcomeLine(session: FallbackSessionData): string {
  const sent = session.attempts.filter((attempt) => attempt.outcome !== 'skipped').length;
  const took = formatDuration(session.durationMs);
  if (session.success) {
    const winner = session.attempts.find((attempt) => attempt.outcome === 'success');
    const fallbacks = winner === undefined ? 0 : session.attempts.filter((attempt) => attempt.number < winner.number).length;
    const via = fallbacks === 0 ? 'first try' : plural(fallbacks, 'fallback');
    return `success: ${session.finalModel ?? winner?.model ?? '?'} answered on attempt ${winner?.number ?? sent} (${via}) in ${took}`;
  }
  const why = FAILURE_REASONS[session.outcome] ?? session.outcome;
  const last = [...session.attempts].reverse().find((attempt) => attempt.error !== null)?.error ?? null;
  const lastText = last === null ? '' : `; last error ${formatErrorFact(last)}: ${last.message.split('\n', 1)[0]}`;
  return `${session.outcome}: no model answered after ${plural(sent, 'attempt')} in ${took}: ${why}${lastText}`;
}

/**
 * The whole timeline: a title line, the attempt table, the outcome line.
 *
 * @example
 * process.stdout.write(formatTimeline(result.session.toJSON()).join('\n') + '\n');
 */
export function formatTimeline(session: FallbackSessionData): string[] {
  const route = session.route === null ? '' : `, route ${session.route}`;
  const title = `session ${session.id} · policy ${session.policy} (${session.policyVersion}) · ${session.strategy}${route}${session.stream ? ' · stream' : ''}`;
  return [title, ...formatAttemptTable(session).map((line) => `  ${line}`), formatOutcomeLine(session)];
}
