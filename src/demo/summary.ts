/**
 * The demo's closing report: rates, latency, which model answered when (a
 * text chart, one row per model and one column per time bucket), the rules
 * that chose models, what was skipped, and one session that fell back.
 */
import { alignColumns, formatDuration, formatTimeline } from '../stats/timeline.js';
import type { FallbackSession } from '../stats/FallbackSession.js';
import type { DemoTraffic } from './DemoRun.js';

const BLOCKS = ['▁', '▂', '▃', '▄', '▅', '▆', '▇', '█'] as const;

/** How many columns the chart has, whatever the run's length. */
export const CHART_COLUMNS = 15;

/**
 * The `p`th percentile (nearest rank) of `samples`; NaN when empty.
 *
 * @example
 * percentile([5, 1, 3], 50); // 3
 */
export function percentile(samples: readonly number[], p: number): number {
  if (samples.length === 0) return Number.NaN;
  const sorted = [...samples].sort((a, b) => a - b);
  const rank = Math.min(sorted.length - 1, Math.max(0, Math.ceil((p / 100) * sorted.length) - 1));
  return sorted[rank]!;
}

/**
 * A count of requests in words, singular or plural.
 *
 * @example
 * requestCount(1); // '1 request'
 * requestCount(300); // '300 requests'
 */
export function requestCount(count: number): string {
  return `${count} request${count === 1 ? '' : 's'}`;
}

function percent(value: number): string {
  return `${(value * 100).toFixed(1)}%`;
}

/**
 * One block per count, scaled to `max`; a dot for none.
 *
 * @example
 * sparkline([0, 1, 4, 8], 8); // '·▁▄█'
 */
export function sparkline(counts: readonly number[], max: number): string {
  return counts
    .map((count) => {
      if (count <= 0 || max <= 0) return '·';
      const level = Math.min(BLOCKS.length, Math.max(1, Math.ceil((count / max) * BLOCKS.length)));
      return BLOCKS[level - 1];
    })
    .join('');
}

/**
 * Which model answered how many requests in each time bucket (by the time
 * the request was sent), plus a `failed` row when any session failed.
 *
 * @example
 * servedByModelChart(traffic);
 * // ['who answered (one column per 1.00 s of sending; █ = 20 requests)', '  gpt-4o  ██··…  56', …, '  0 s  15 s']
 */
export function servedByModelChart(traffic: DemoTraffic, columns = CHART_COLUMNS): string[] {
  const bucketMs = Math.max(1, traffic.durationMs / columns);
  const rows = new Map<string, number[]>();
  const ordered = [...traffic.sessions].sort((a, b) => a.startTime - b.startTime);
  for (const session of ordered) {
    const label = session.success ? (session.finalModel ?? '?') : 'failed';
    let row = rows.get(label);
    if (row === undefined) {
      row = new Array<number>(columns).fill(0);
      rows.set(label, row);
    }
    const column = Math.min(columns - 1, Math.max(0, Math.floor((session.startTime - traffic.startedAt) / bucketMs)));
    row[column]! += 1;
  }
  const failedRow = rows.get('failed');
  rows.delete('failed');
  if (failedRow !== undefined) rows.set('failed', failedRow);
  const max = Math.max(0, ...[...rows.values()].flat());
  const table = [...rows].map(([label, counts]) => [label, sparkline(counts, max), String(counts.reduce((sum, count) => sum + count, 0))]);
  const lines = alignColumns(table);
  const labelWidth = Math.max(0, ...table.map((row) => row[0]!.length));
  const start = '0 s';
  const end = formatDuration(traffic.durationMs).replace(/\.00 s$/, ' s');
  const axis = `${' '.repeat(labelWidth + 2)}${start}${' '.repeat(Math.max(1, columns - start.length - end.length))}${end}`;
  return [
    `who answered (one column per ${formatDuration(bucketMs)} of sending; █ = ${requestCount(max)})`,
    ...lines.map((line) => `  ${line}`),
    `  ${axis}`,
  ];
}

function countBy<T>(items: Iterable<T>, key: (item: T) => string | null): [string, number][] {
  const counts = new Map<string, number>();
  for (const item of items) {
    const name = key(item);
    if (name !== null) counts.set(name, (counts.get(name) ?? 0) + 1);
  }
  return [...counts].sort((a, b) => b[1] - a[1] || a[0].localeCompare(b[0]));
}

/** Skip reasons without their numbers (`cooling down for 1234 ms` → `cooling down`). */
function skipKind(reason: string): string {
  return reason.replace(/\s+for\s+\d+\s*ms/u, '').replace(/\s*\(.*\)$/u, '');
}

/**
 * The rules (and strategy steps) that chose a model after a failure, and the skips, with counts.
 *
 * @example
 * ruleCounts(traffic.sessions); // ['rules that fired (…)', '  overloaded-go-to-gemini  87', …]
 */
export function ruleCounts(sessions: readonly FallbackSession[]): string[] {
  const attempts = sessions.flatMap((session) => session.attempts);
  const chosen = countBy(attempts, (attempt) => (attempt.outcome === 'skipped' || attempt.reason === 'primary' ? null : attempt.reason));
  const skipped = countBy(attempts, (attempt) => (attempt.outcome === 'skipped' ? `${attempt.model}: ${skipKind(attempt.reason)}` : null));
  const lines = ['rules that fired (how often each chose the next model; strategy:… is the chain\'s next step)'];
  lines.push(...(chosen.length === 0 ? ['(none: every request was answered by its primary)'] : alignColumns(chosen.map(([name, count]) => [name, String(count)]))).map((line) => `  ${line}`));
  if (skipped.length > 0) {
    lines.push('models skipped without a call');
    lines.push(...alignColumns(skipped.map(([name, count]) => [name, String(count)])).map((line) => `  ${line}`));
  }
  return lines;
}

/**
 * Failed attempts by error kind, most frequent first, as `kind count, …`;
 * null when there are none.
 */
function errorKindCounts(sessions: readonly FallbackSession[]): string | null {
  const counts = countBy(
    sessions.flatMap((session) => session.attempts),
    (attempt) => (attempt.outcome === 'failure' && attempt.error ? attempt.error.kind : null),
  );
  return counts.length === 0 ? null : counts.map(([kind, count]) => `${kind} ${count}`).join(', ');
}

/**
 * The errors lines: those of answered requests were absorbed (the caller
 * never saw them); those of failed requests were not, so they are not called
 * absorbed, and a run where nothing was answered says so.
 *
 * @example
 * errorLines(traffic.sessions); // ['errors absorbed: overloaded 10, rate_limit 8', 'errors in failed requests: service_unavailable 3']
 */
export function errorLines(sessions: readonly FallbackSession[]): string[] {
  const answered = sessions.filter((session) => session.success);
  const failed = sessions.filter((session) => !session.success);
  const lines: string[] = [];
  if (answered.length > 0) lines.push(`errors absorbed: ${errorKindCounts(answered) ?? 'none'}`);
  if (failed.length > 0) lines.push(`errors in failed requests: ${errorKindCounts(failed) ?? 'none'}`);
  if (lines.length === 0) lines.push('errors: none');
  return lines;
}

/** The session with the most attempts among those that were answered after a fallback, if any. */
function exampleFallback(sessions: readonly FallbackSession[]): FallbackSession | null {
  let best: FallbackSession | null = null;
  for (const session of sessions) {
    if (!session.success || session.getTotalAttempts() < 2) continue;
    if (best === null || session.getTotalAttempts() > best.getTotalAttempts()) best = session;
  }
  return best;
}

export interface DemoSummaryContext {
  readonly policy: string;
  readonly scenario: string;
}

/**
 * Every line of the closing report.
 *
 * @example
 * process.stdout.write(formatDemoSummary(traffic, { policy: 'demo', scenario: 'outage' }).join('\n') + '\n');
 */
export function formatDemoSummary(traffic: DemoTraffic, context: DemoSummaryContext): string[] {
  const stats = traffic.stats;
  // Requests cut short by Ctrl-C were neither answered nor failed: they are counted apart.
  const sessions = traffic.sessions.filter((session) => session.outcome !== 'aborted');
  const cut = traffic.sessions.length - sessions.length;
  const finished = { ...traffic, sessions };
  const answered = sessions.filter((session) => session.success).length;
  const durations = sessions.map((session) => session.getTotalDuration());
  const fellBack = sessions.filter((session) => session.usedFallback).length;
  const attempts = sessions.reduce((sum, session) => sum + session.getTotalAttempts(), 0);
  const share = (count: number): number => (sessions.length === 0 ? 0 : count / sessions.length);
  const lines = [
    `detour demo: ${requestCount(stats.totalSessions)} in ${formatDuration(traffic.elapsedMs)} through policy ${context.policy}, scenario ${context.scenario}${traffic.interrupted ? ' (interrupted)' : ''}`,
    '',
    ...alignColumns([
      ['success rate', percent(share(answered)), `${answered} of ${sessions.length} answered${cut > 0 ? ' (interrupted requests not counted)' : ''}`],
      ...(cut > 0 ? [['interrupted', String(cut), `${cut === 1 ? 'request' : 'requests'} in flight at Ctrl-C: neither answered nor failed`]] : []),
      ['fallback rate', percent(share(fellBack)), `${fellBack} needed more than their first model`],
      ['average attempts', share(attempts).toFixed(2), 'calls sent per request'],
      ['latency', `p50 ${formatDuration(percentile(durations, 50))}`, `p99 ${formatDuration(percentile(durations, 99))} (whole request, fallbacks included)`],
    ]).map((line) => `  ${line}`),
    ...errorLines(sessions).map((line) => `  ${line}`),
    '',
    ...servedByModelChart(finished),
    '',
    ...ruleCounts(sessions),
  ];
  const example = exampleFallback(sessions);
  if (example !== null) lines.push('', 'one of the requests that fell back:', ...formatTimeline(example.toJSON()).map((line) => `  ${line}`));
  return lines;
}
