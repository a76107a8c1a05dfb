/**
 * CallControl: one call's cancellation — the caller's signal and detour's
 * timer folded into one, a signal made only when asked for, and a timer its
 * maker may keep until it releases it.
 */
import { afterEach, describe, expect, it, vi } from 'vitest';
import { CallControl } from '../../src/providers/call-control.js';

afterEach(() => {
  vi.useRealTimers();
});

describe('CallControl', () => {
  it('times out once, says so, and rejects a race in flight with the timeout', async () => {
    vi.useFakeTimers();
    const control = new CallControl({ timeout: 1_000 });
    const race = control.race(new Promise<never>(() => undefined));
    const settled = race.then(
      () => 'resolved',
      (reason: unknown) => reason,
    );
    await vi.advanceTimersByTimeAsync(1_000);
    expect(control.timedOut).toBe(true);
    expect(control.stopped).toBe(true);
    expect(await settled).toMatchObject({ name: 'TimeoutError' });
    expect(control.signal.aborted).toBe(true);
    expect(control.signal.reason).toMatchObject({ name: 'TimeoutError' });
  });

  it('makes its signal only when asked, aborted already when the call was stopped before', () => {
    const caller = new AbortController();
    const control = new CallControl({ signal: caller.signal });
    caller.abort(new Error('caller gave up'));
    expect(control.aborted).toBe(true);
    expect(control.signal.aborted).toBe(true);
    expect(control.signal.reason).toEqual(new Error('caller gave up'));
    const cancelled = new CallControl({});
    cancelled.cancel();
    expect(cancelled.signal.reason).toMatchObject({ name: 'AbortError' });
    expect(cancelled.aborted || cancelled.timedOut).toBe(false);
  });

  it('aborts the SDK controllers it reached, at once for one reached after it stopped', () => {
    const control = new CallControl({});
    const before = new AbortController();
    control.reach(before);
    control.cancel();
    expect(before.signal.aborted).toBe(true);
    const after = new AbortController();
    control.reach(after);
    expect(after.signal.aborted).toBe(true);
  });

  it('with releasedByMaker, an adapter’s dispose() leaves the timer to the maker’s release()', async () => {
    vi.useFakeTimers();
    const kept = new CallControl({ timeout: 1_000, releasedByMaker: true });
    kept.dispose();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(kept.timedOut).toBe(true);

    const released = new CallControl({ timeout: 1_000, releasedByMaker: true });
    released.release();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(released.timedOut).toBe(false);

    const plain = new CallControl({ timeout: 1_000 });
    plain.dispose();
    await vi.advanceTimersByTimeAsync(1_000);
    expect(plain.timedOut).toBe(false);
  });
});
