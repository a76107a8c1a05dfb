/**
 * The simulator in a child process, so the server never shares the
 * client's event loop or skews its timers.
 */
import { spawn } from 'node:child_process';
import type { SimulatorCounts, TimelineEntry } from '../src/simulator/index.js';
import { realtime } from './realtime.js';

export interface ChildSimulator {
  readonly url: string;
  counts(): Promise<SimulatorCounts>;
  /** With `timeline` set: every request's arrival and answer times (the simulator's clock). */
  timeline(): Promise<readonly TimelineEntry[]>;
  /** Zero the counts (and timeline) and restart every model's seeded draws, so two runs see the same latencies. */
  reset(): Promise<void>;
  close(): Promise<void>;
}

/** `startSimulator` in a child process; the scenario is a file path or the YAML's shape. `timeline`: entries to keep. */
export async function childSimulator(scenario: string | Record<string, unknown> = { models: {} }, options: { readonly timeline?: number } = {}): Promise<ChildSimulator> {
  const module = new URL('../src/simulator/index.js', import.meta.url).href;
  const code = `const { startSimulator } = await import(${JSON.stringify(module)});
const simulator = await startSimulator({ port: 0, scenario: JSON.parse(process.argv[1]), timeline: Number(process.argv[2]) });
process.stdout.write('listening on ' + simulator.url + '\\n');`;
  const child = spawn(process.execPath, ['--input-type=module', '-e', code, JSON.stringify(scenario), String(options.timeline ?? 0)], { stdio: ['ignore', 'pipe', 'inherit'] });
  // BENCH_REALTIME=1: the simulator at real-time priority too.
  realtime(child.pid);
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    child.stdout.on('data', (data: Buffer) => {
      output += data.toString();
      const match = /listening on (\S+)/.exec(output);
      if (match?.[1] !== undefined) resolve(match[1]);
    });
    child.once('exit', (code) => reject(new Error(`simulator child exited with ${String(code)}`)));
  });
  return {
    url,
    counts: async () => (await (await fetch(`${url}/_detour/counts`)).json()) as SimulatorCounts,
    timeline: async () => (await (await fetch(`${url}/_detour/timeline`)).json()) as TimelineEntry[],
    reset: async () => void (await (await fetch(`${url}/_detour/reset`, { method: 'POST' })).text()),
    close: () =>
      new Promise<void>((resolve) => {
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
      }),
  };
}
