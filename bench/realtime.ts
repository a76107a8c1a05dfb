/**
 * BENCH_REALTIME=1 (Linux, as root): benchmark processes at real-time
 * round-robin priority, so other work on a shared machine stays out of the
 * tails. Round-robin, not FIFO: a busy process at FIFO priority can starve
 * its peers for as long as it spins.
 */
import { spawnSync } from 'node:child_process';

/**
 * Real-time round-robin priority (SCHED_RR 10) for every thread of `pid`
 * (`on`), or back to normal; false where that cannot be had (not Linux, not
 * root, no chrt) or was not asked for.
 */
export function realtime(pid: number | undefined, on = true): boolean {
  if (pid === undefined || process.platform !== 'linux' || process.env['BENCH_REALTIME'] !== '1') return false;
  const result = spawnSync('chrt', on ? ['-a', '-r', '-p', '10', String(pid)] : ['-a', '-o', '-p', '0', String(pid)], { stdio: 'ignore' });
  return result.status === 0;
}
