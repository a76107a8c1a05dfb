import { expect, test } from 'vitest';
import { InMemoryStateStore } from '../../src/executor/InMemoryStateStore.js';
import { FallbackMonitor } from '../../src/stats/FallbackMonitor.js';
import { SessionHistory } from '../../src/stats/SessionHistory.js';

test('the ring buffer keeps the newest items, oldest first, and never grows', () => {
  const history = new SessionHistory<number>(3);
  for (let index = 1; index <= 7; index++) history.push(index);
  expect(history.length).toBe(3);
  expect(history.recent()).toEqual([5, 6, 7]);
  expect(history.recent(2)).toEqual([6, 7]);
  expect(history.recent(10)).toEqual([5, 6, 7]);
  const none = new SessionHistory<number>(0);
  none.push(1);
  expect(none.recent()).toEqual([]);
  expect(() => new SessionHistory(-1)).toThrow(RangeError);
});

test('the breaker window forgets results older than the window', () => {
  const store = new InMemoryStateStore();
  const rule = { windowMs: 1000, minRequests: 2, minFailures: 2, failureRate: 0.5, openForMs: 1000, probes: 0 };
  expect(store.recordResult('p/a', true, 0, rule)).toBe(false);
  expect(store.recordResult('p/a', false, 1400, rule)).toBe(false);
  expect(store.recordResult('p/a', true, 1500, rule)).toBe(false);
  expect(store.recordResult('p/a', true, 1600, rule)).toBe(true);
  expect(store.cooldownUntil('p/a', 2599)).toBe(2600);
  store.setCooldown('p/b', 2000);
  expect(store.cooldownUntil('p/b', 1999)).toBe(2000);
  expect(store.cooldownUntil('p/b', 2000)).toBeNull();
});

test('the monitor alerts once per crossed threshold and survives a throwing sink', () => {
  const monitor = new FallbackMonitor({ thresholds: { averageAttempts: 2 }, onAlert: () => { throw new Error('sink down'); } });
  const stats = { totalSessions: 4, successfulSessions: 4, failedSessions: 0, successRate: 1, fallbackRate: 1, averageAttempts: 2.5, byModel: {}, byErrorKind: {}, byOutcome: {} };
  expect(monitor.check(stats).map((alert) => alert.metric)).toEqual(['averageAttempts']);
});
