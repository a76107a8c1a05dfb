/**
 * The demo's plain progress lines (stderr not a terminal) and its exit code.
 */
import { describe, expect, it } from 'vitest';
import { demoExitCode } from '../../src/cli/runDemo.js';
import type { DemoProgress } from '../../src/demo/DemoRun.js';
import { createProgressDisplay } from '../../src/demo/progress.js';

function capture(): { stream: NodeJS.WritableStream & { isTTY?: boolean }; lines: () => string[] } {
  let written = '';
  const stream = { write: (text: string) => ((written += text), true), isTTY: false } as unknown as NodeJS.WritableStream & { isTTY?: boolean };
  return { stream, lines: () => written.split('\n').filter((line) => line !== '') };
}

const state = (total: number, sent: number, answered: number, failed: number, elapsedMs = 100): DemoProgress => ({ total, sent, answered, failed, elapsedMs });

describe('plain progress lines', () => {
  it('prints one line per update even when it crosses several quarters, and finish adds nothing already shown', () => {
    const { stream, lines } = capture();
    const progress = createProgressDisplay(stream);
    progress.update(state(2, 1, 0, 0));
    progress.update(state(2, 2, 1, 0)); // crosses 1/4 and 2/4
    progress.update(state(2, 2, 2, 0)); // crosses 3/4 and 4/4
    progress.finish();
    expect(lines()).toEqual(['demo: 2/2 sent, 1 done (1 answered, 0 failed), 0.1 s', 'demo: 2/2 sent, 2 done (2 answered, 0 failed), 0.1 s']);
  });

  it('on an interrupted run, finish prints the last state once, not again if it was the last line printed', () => {
    const { stream, lines } = capture();
    const progress = createProgressDisplay(stream);
    progress.update(state(8, 4, 2, 0));
    progress.finish();
    expect(lines()).toEqual(['demo: 4/8 sent, 2 done (2 answered, 0 failed), 0.1 s']);

    const other = capture();
    const later = createProgressDisplay(other.stream);
    later.update(state(8, 4, 2, 0));
    later.update(state(8, 5, 2, 0, 200));
    later.finish();
    expect(other.lines()).toEqual(['demo: 4/8 sent, 2 done (2 answered, 0 failed), 0.1 s', 'demo: 5/8 sent, 2 done (2 answered, 0 failed), 0.2 s']);
  });
});

describe('demo exit code', () => {
  it('is 0 from half the requests answered, 1 below, 130 when interrupted', () => {
    expect(demoExitCode({ interrupted: false, answered: 2, requests: 4 })).toBe(0);
    expect(demoExitCode({ interrupted: false, answered: 1, requests: 4 })).toBe(1);
    expect(demoExitCode({ interrupted: false, answered: 0, requests: 1 })).toBe(1);
    expect(demoExitCode({ interrupted: true, answered: 0, requests: 4 })).toBe(130);
  });
});
