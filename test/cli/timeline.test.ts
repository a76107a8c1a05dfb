import { describe, expect, it } from 'vitest';
import { formatDuration, formatOutcomeLine, formatTimeline } from '../../src/stats/timeline.js';
import { percentile, servedByModelChart, sparkline } from '../../src/demo/summary.js';
import { FallbackAttempt, type FallbackAttemptData } from '../../src/stats/FallbackAttempt.js';
import { FallbackSession } from '../../src/stats/FallbackSession.js';
import type { FallbackSessionData } from '../../src/stats/FallbackSession.js';

const start = 1_000_000;

function attempt(overrides: Partial<FallbackAttemptData>): FallbackAttemptData {
  return {
    number: 1,
    model: 'gpt-4o',
    modelId: 'gpt-4o',
    provider: 'openai',
    outcome: 'success',
    reason: 'primary',
    hedged: false,
    startTime: start,
    durationMs: 100,
    error: null,
    usage: null,
    ...overrides,
  };
}

function session(attempts: FallbackAttemptData[], outcome: FallbackSessionData['outcome'], sessionStart = start): FallbackSession {
  const success = attempts.find((entry) => entry.outcome === 'success');
  return new FallbackSession({
    id: 7,
    policy: 'demo',
    policyVersion: 'abc123',
    primaryModel: 'gpt-4o',
    requestModel: null,
    route: null,
    strategy: 'sequential',
    stream: false,
    startTime: sessionStart,
    endTime: sessionStart + 1500,
    outcome,
    finalModel: success?.model ?? null,
    metadata: null,
    attempts: attempts.map((entry) => new FallbackAttempt(entry)),
    content: null,
  });
}

const rateLimit = { kind: 'rate_limit', type: 'RateLimitError', status: 429, code: null, message: 'slow down', retryAfterMs: 2000, retryable: true, provider: 'openai', sdkError: 'RateLimitError' } as const;
const down = { ...rateLimit, kind: 'service_unavailable', type: 'ServiceUnavailableError', status: 503, message: 'Service Unavailable\nmore lines' } as const;

describe('the session timeline', () => {
  it('aligns one row per attempt: skipped, failed, hedged, aborted and ok, with the rule that chose each', () => {
    const lines = formatTimeline(
      session(
        [
          attempt({ number: 1, outcome: 'skipped', reason: 'cooling down for 1200 ms', durationMs: 0 }),
          attempt({ number: 2, model: 'claude-haiku', provider: 'anthropic', outcome: 'failure', reason: 'strategy:sequential', startTime: start + 2, durationMs: 410, error: rateLimit }),
          attempt({ number: 3, model: 'gemini-flash', provider: 'google', outcome: 'success', reason: 'primary-rate-limited', startTime: start + 415, durationMs: 1090 }),
          attempt({ number: 4, model: 'gpt-4o-mini', outcome: 'aborted', reason: 'hedge', hedged: true, startTime: start + 900, durationMs: 600, error: { ...rateLimit, kind: 'aborted', status: null, message: 'another attempt answered first' } }),
        ],
        'success',
      ).toJSON(),
    );
    expect(lines).toEqual([
      'session 7 · policy demo (abc123) · sequential',
      '  #  model                 provider   start    took    outcome  error                           chosen by',
      '  1  gpt-4o                openai     +0 ms    -       skipped  -                               cooling down for 1200 ms',
      '  2  claude-haiku          anthropic  +2 ms    410 ms  failed   rate_limit 429                  strategy:sequential',
      '  3  gemini-flash          google     +415 ms  1.09 s  ok       -                               primary-rate-limited',
      '  4  gpt-4o-mini (hedged)  openai     +900 ms  600 ms  aborted  another attempt answered first  hedge',
      'success: gemini-flash answered on attempt 3 (2 fallbacks) in 1.50 s',
    ]);
  });

  it('a failed session says why and shows the first line of the last error', () => {
    const record = session([attempt({ outcome: 'failure', error: down })], 'exhausted').toJSON();
    expect(formatOutcomeLine(record)).toBe('exhausted: no model answered after 1 attempt in 1.50 s: every model it could try failed; last error service_unavailable 503: Service Unavailable');
  });

  it('formats durations for people', () => {
    expect([formatDuration(999.4), formatDuration(1250), formatDuration(125_000)]).toEqual(['999 ms', '1.25 s', '2 m 05 s']);
  });
});

describe('the demo summary', () => {
  it('percentile is nearest-rank; sparkline scales to the largest count', () => {
    expect(percentile([5, 1, 3, 2, 4], 50)).toBe(3);
    expect(percentile([5, 1, 3, 2, 4], 99)).toBe(5);
    expect(percentile([], 50)).toBeNaN();
    expect(sparkline([0, 1, 4, 8], 8)).toBe('·▁▄█');
  });

  it('charts who answered per time bucket, failures last', () => {
    const sessions = [
      session([attempt({})], 'success', start),
      session([attempt({})], 'success', start + 100),
      session([attempt({ outcome: 'failure', error: down }), attempt({ number: 2, model: 'gemini-flash', outcome: 'success' })], 'success', start + 1500),
      session([attempt({ outcome: 'failure', error: down })], 'exhausted', start + 2900),
    ];
    const chart = servedByModelChart({ sessions, stats: {} as never, startedAt: start, durationMs: 3000, elapsedMs: 3000, interrupted: false, interruptedRequests: 0 }, 3);
    expect(chart.slice(1)).toEqual(['  gpt-4o        █··  2', '  gemini-flash  ·▄·  1', '  failed        ··▄  1', '                0 s 3 s']);
  });
});
