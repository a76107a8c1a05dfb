/**
 * The demo's progress on stderr. On a terminal: one bar redrawn in place (at
 * most ten times a second). Elsewhere (CI logs, pipes): a plain line at every
 * quarter of the requests, each state once. Driven by the run's own events, so it holds no
 * timer that could keep the process alive.
 */
import type { DemoProgress } from './DemoRun.js';

export interface ProgressDisplay {
  update(progress: DemoProgress): void;
  /** Draw the final state and end the line. */
  finish(): void;
}

const BAR_WIDTH = 30;
const REDRAW_EVERY_MS = 100;

function counts(progress: DemoProgress): string {
  const done = progress.answered + progress.failed;
  return `${progress.sent}/${progress.total} sent, ${done} done (${progress.answered} answered, ${progress.failed} failed), ${(progress.elapsedMs / 1000).toFixed(1)} s`;
}

/**
 * A progress display for `stream`; a terminal gets the bar, anything else plain lines.
 *
 * @example
 * const progress = createProgressDisplay(process.stderr);
 * await driveDemoTraffic({ …, onProgress: (state) => progress.update(state) });
 * progress.finish();
 */
export function createProgressDisplay(stream: NodeJS.WritableStream & { isTTY?: boolean }): ProgressDisplay {
  let last: DemoProgress | null = null;
  if (stream.isTTY === true) {
    let drawnAt = 0;
    const draw = (progress: DemoProgress): void => {
      const done = progress.answered + progress.failed;
      const filled = progress.total === 0 ? BAR_WIDTH : Math.round((done / progress.total) * BAR_WIDTH);
      stream.write(`\r\u001b[2K[${'█'.repeat(filled)}${'░'.repeat(BAR_WIDTH - filled)}] ${counts(progress)}`);
    };
    return {
      update(progress) {
        last = progress;
        const now = Date.now();
        if (now - drawnAt < REDRAW_EVERY_MS) return;
        drawnAt = now;
        draw(progress);
      },
      finish() {
        if (last !== null) draw(last);
        stream.write('\n');
      },
    };
  }
  // One line per update at most, even when it crosses several quarters at once
  // (a run of 1 to 3 requests), and finish() adds a line only for a state not yet shown.
  let nextQuarter = 1;
  let printed = '';
  const print = (progress: DemoProgress): void => {
    const line = `demo: ${counts(progress)}\n`;
    if (line === printed) return;
    printed = line;
    stream.write(line);
  };
  return {
    update(progress) {
      last = progress;
      const done = progress.answered + progress.failed;
      let crossed = false;
      while (nextQuarter <= 4 && done >= (progress.total * nextQuarter) / 4) {
        crossed = true;
        nextQuarter++;
      }
      if (crossed) print(progress);
    },
    finish() {
      if (last !== null && nextQuarter <= 4) print(last);
    },
  };
}
