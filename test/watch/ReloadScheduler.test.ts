import { afterEach, beforeEach, describe, expect, it, vi } from 'vitest';
import { ReloadScheduler } from '../../src/watch/ReloadScheduler.js';

/** A task whose runs the test finishes by hand, to hold one "in flight". */
function controllableTask() {
  const runs: { finish: () => void; fail: (error: Error) => void }[] = [];
  const task = () =>
    new Promise<void>((resolve, reject) => {
      runs.push({ finish: resolve, fail: reject });
    });
  return { task, runs };
}

describe('ReloadScheduler', () => {
  beforeEach(() => {
    vi.useFakeTimers();
  });
  afterEach(() => {
    vi.useRealTimers();
  });

  it('runs a burst of ten signals in 50 ms once, after the folder goes quiet', async () => {
    let runs = 0;
    const scheduler = new ReloadScheduler(async () => void (runs += 1), { quietMs: 30, maxWaitMs: 300 });
    for (let index = 0; index < 10; index += 1) {
      scheduler.signal();
      await vi.advanceTimersByTimeAsync(5);
    }
    expect(runs).toBe(0);
    await vi.advanceTimersByTimeAsync(24);
    expect(runs).toBe(0);
    await vi.advanceTimersByTimeAsync(2);
    expect(runs).toBe(1);
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs).toBe(1);
  });

  it('schedules exactly one more run for any number of signals during a run', async () => {
    const { task, runs } = controllableTask();
    const scheduler = new ReloadScheduler(task, { quietMs: 10 });
    scheduler.signal();
    await vi.advanceTimersByTimeAsync(10);
    expect(runs).toHaveLength(1);
    for (let index = 0; index < 20; index += 1) {
      scheduler.signal();
      await vi.advanceTimersByTimeAsync(7);
    }
    expect(scheduler.signalsDuringRun).toBe(20);
    await vi.advanceTimersByTimeAsync(100);
    expect(runs).toHaveLength(1);
    runs[0]?.finish();
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toHaveLength(2);
    expect(scheduler.signalsDuringRun).toBe(0);
    runs[1]?.finish();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(runs).toHaveLength(2);
  });

  it('still runs every maxWaitMs while signals never stop', async () => {
    let runs = 0;
    const scheduler = new ReloadScheduler(async () => void (runs += 1), { quietMs: 30, maxWaitMs: 100 });
    for (let index = 0; index < 100; index += 1) {
      scheduler.signal();
      await vi.advanceTimersByTimeAsync(10);
    }
    // 1,000 ms of signals every 10 ms: never quiet for 30 ms, so only the cap fires.
    expect(runs).toBeGreaterThanOrEqual(9);
    expect(runs).toBeLessThanOrEqual(10);
    scheduler.stop();
  });

  it('keeps running after a task throws', async () => {
    let calls = 0;
    const scheduler = new ReloadScheduler(async () => {
      calls += 1;
      if (calls === 1) throw new Error('boom');
    }, { quietMs: 5 });
    scheduler.signal();
    await vi.advanceTimersByTimeAsync(5);
    scheduler.signal();
    await vi.advanceTimersByTimeAsync(5);
    expect(calls).toBe(2);
  });

  it('flush runs at once and waits for a run in flight plus the one it asked for', async () => {
    const { task, runs } = controllableTask();
    const scheduler = new ReloadScheduler(task, { quietMs: 1_000 });
    const first = scheduler.flush();
    expect(runs).toHaveLength(1);
    let settled = false;
    const second = scheduler.flush().then(() => void (settled = true));
    runs[0]?.finish();
    await first;
    await vi.advanceTimersByTimeAsync(0);
    expect(runs).toHaveLength(2);
    expect(settled).toBe(false);
    runs[1]?.finish();
    await second;
    expect(settled).toBe(true);
  });

  it('stop cancels the pending run', async () => {
    let runs = 0;
    const scheduler = new ReloadScheduler(async () => void (runs += 1), { quietMs: 10 });
    scheduler.signal();
    scheduler.stop();
    scheduler.signal();
    await vi.advanceTimersByTimeAsync(100);
    expect(runs).toBe(0);
  });
});
