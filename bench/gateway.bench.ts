/**
 * `detour serve` against the alternatives, same machine, same simulator, same
 * run. The simulator, `detour serve` and the Portkey gateway
 * (`@portkey-ai/gateway`, with a fallback config whose targets point at the
 * simulator) each run in a child process; this process is the client (the
 * real `openai` SDK) for all three arms:
 * - direct: the SDK calls the simulator;
 * - detour: the SDK calls `detour serve` (a policy whose primary is the
 *   simulator's gpt-a, falling back to claude-b), access log on;
 * - portkey: the SDK calls the Portkey gateway (fallback gpt-a → claude-b);
 * - proxy floor: the SDK calls a bare Node proxy (node:http + an undici pool,
 *   no SDK, no policy: gatewayFrameworkServer.ts `proxy`) — what any gateway
 *   written in Node adds on this machine before doing anything.
 * Figures: added latency (arm − direct) at the median and p99, sequential
 * (arms interleaved call by call, order rotating) and at 100 concurrent
 * (rounds of 100 workers per arm, order rotating); requests per second at
 * saturation (200 in flight) and the gateway process's CPU time per request,
 * from which one core's capacity follows (the machine's other core runs the
 * client and the simulator). Then the framework floor that chose node:http:
 * the same trivial JSON handler on node:http, fastify and hono.
 *
 * The 100-concurrent arm is a closed loop: each worker sends its next request
 * the moment the last one ends, so it saturates whatever it calls and
 * measures queueing in the gateway, not the latency the gateway adds. The
 * open-loop arm (TensorZero's way) sends at a fixed rate below saturation to
 * a model the simulator answers after a fixed latency, so about
 * rate × latency requests are in flight (200/s × 500 ms = 100), and times
 * each call from when it was due (a late send counts against the arm). Each
 * call through a gateway goes out with a direct call at the same instant; the
 * added latency is the pairs' difference.
 *
 * BENCH_REALTIME=1 (Linux, as root) runs every process of the benchmark (this
 * client, the simulator and the servers) at real-time round-robin priority
 * (`chrt -r 10`, all threads), so other work on a shared machine does not
 * land in the p99s. The results say which it was.
 *
 * `npm run bench -- gateway` (BENCH_GATEWAY_CALLS: sequential calls per arm,
 * default 1000; BENCH_GATEWAY_RATE: open-loop requests/s, default 200;
 * BENCH_GATEWAY_OPEN_SECONDS: open-loop seconds per arm and round, default 6).
 */
import { spawn, type ChildProcess } from 'node:child_process';
import { readFileSync } from 'node:fs';
import { mkdir, mkdtemp, rm, writeFile } from 'node:fs/promises';
import { tmpdir } from 'node:os';
import path from 'node:path';
import { fileURLToPath } from 'node:url';
import OpenAI from 'openai';
import { Pool } from 'undici';
import { freePort } from './free-port.js';
import { realtime } from './realtime.js';
import { percentile, type BenchResult } from './types.js';

export const title = 'gateway';

const SEQUENTIAL = Number(process.env['BENCH_GATEWAY_CALLS'] ?? 1000);
const CONCURRENCY = 100;
const CONCURRENT_PER_ROUND = 1000;
const ROUNDS = 2;
const SATURATION_IN_FLIGHT = 200;
const SATURATION_MS = 4000;
const OPEN_LOOP_RATE = Number(process.env['BENCH_GATEWAY_RATE'] ?? 200);
const OPEN_LOOP_SECONDS = Number(process.env['BENCH_GATEWAY_OPEN_SECONDS'] ?? 6);
const OPEN_LOOP_ROUNDS = 3;
/** The simulator answers the open-loop model after this long, every time. */
const OPEN_LOOP_LATENCY_MS = 500;
const here = path.dirname(fileURLToPath(import.meta.url));
const cli = path.resolve(here, '../src/cli/main.js');
const portkeyServer = fileURLToPath(new URL('../../node_modules/@portkey-ai/gateway/build/start-server.js', import.meta.url));
const messages = [{ role: 'user' as const, content: 'ping' }];

interface Child {
  readonly process: ChildProcess;
  readonly url: string;
  /** User + system CPU time the process has used, in µs (from /proc; null where there is none). */
  cpuMicros(): number | null;
  close(): Promise<void>;
}


function cpuMicrosOf(pid: number | undefined): number | null {
  try {
    const fields = readFileSync(`/proc/${pid}/stat`, 'utf8').split(') ')[1]!.split(' ');
    // utime and stime are fields 14 and 15 of stat; after "pid (comm) " they are at 11 and 12. 100 ticks/s on Linux.
    return (Number(fields[11]) + Number(fields[12])) * 10_000;
  } catch {
    return null;
  }
}

/** Spawn a server; resolve once `pattern` appears on its stdout or stderr (or `probe` answers). */
async function startChild(args: readonly string[], ready: RegExp | ((output: string) => string | null), env: Record<string, string> = {}): Promise<Child> {
  const child = spawn(process.execPath, args, { stdio: ['ignore', 'pipe', 'pipe'], env: { ...process.env, ...env } });
  const url = await new Promise<string>((resolve, reject) => {
    let output = '';
    realtime(child.pid);
    const look = (data: Buffer): void => {
      output += data.toString();
      const found = typeof ready === 'function' ? ready(output) : (ready.exec(output)?.[1] ?? null);
      if (found !== null) {
        child.stdout!.off('data', look);
        child.stderr!.off('data', look);
        child.stdout!.resume();
        child.stderr!.resume();
        resolve(found);
      }
    };
    child.stdout!.on('data', look);
    child.stderr!.on('data', look);
    child.once('exit', (code) => reject(new Error(`${args.join(' ')} exited with ${String(code)}:\n${output.slice(-2000)}`)));
  });
  return {
    process: child,
    url,
    cpuMicros: () => cpuMicrosOf(child.pid),
    close: () =>
      new Promise<void>((resolve) => {
        if (child.exitCode !== null) return resolve();
        child.once('exit', () => resolve());
        child.kill('SIGTERM');
        setTimeout(() => child.kill('SIGKILL'), 5000).unref();
      }),
  };
}

interface Arm {
  readonly name: string;
  readonly client: OpenAI;
  readonly model: string;
  /** The model the simulator answers after OPEN_LOOP_LATENCY_MS. */
  readonly slowModel: string;
  readonly server: Child | null;
  readonly sequential: number[];
  readonly concurrent: number[];
  readonly openLoop: number[];
  /** Open loop: this arm's latency minus that of the direct call sent at the same instant, per pair (µs). */
  readonly openLoopAdded: number[];
  /** Server CPU µs and calls over the open-loop rounds. */
  openLoopCpu: { micros: number; calls: number } | null;
  /** Calls that failed (counted, not timed), and the first failure. */
  errors: number;
  firstError: string | null;
}

const call = (arm: Arm, model = arm.model): Promise<unknown> => arm.client.chat.completions.create({ model, messages });

function failed(arm: Arm, error: unknown): void {
  arm.errors += 1;
  if (arm.firstError === null) {
    const cause = error instanceof Error && error.cause instanceof Error ? ` (${error.cause.message})` : '';
    arm.firstError = `${error instanceof Error ? error.message : String(error)}${cause}`;
    process.stderr.write(`gateway bench: ${arm.name}: ${arm.firstError}\n`);
  }
}

async function timed(arm: Arm, into: number[]): Promise<void> {
  const start = performance.now();
  try {
    await call(arm);
  } catch (error) {
    failed(arm, error);
    return;
  }
  into.push((performance.now() - start) * 1000);
}

async function concurrentRound(arm: Arm, total: number): Promise<void> {
  let sent = 0;
  await Promise.all(
    Array.from({ length: CONCURRENCY }, async () => {
      while (sent < total) {
        sent += 1;
        await timed(arm, arm.concurrent);
      }
    }),
  );
}

/**
 * Open loop: OPEN_LOOP_RATE calls a second for OPEN_LOOP_SECONDS, each sent
 * when due whether or not earlier ones have answered, timed from when it was
 * due. Each call through `arm` is paired with a direct call sent at the same
 * instant, and the pair's difference is the latency the gateway added: a
 * stall of the machine (at ~100 in flight it delays every call in flight)
 * lands in both and cancels out, where a difference of two separately taken
 * p99s would be mostly which arm had the stall.
 */
async function openLoopRound(arm: Arm, direct: Arm): Promise<void> {
  const total = Math.round(OPEN_LOOP_RATE * OPEN_LOOP_SECONDS);
  const interval = 1000 / OPEN_LOOP_RATE;
  const cpuBefore = [arm.server?.cpuMicros() ?? null, direct.server?.cpuMicros() ?? null] as const;
  const calls: Promise<void>[] = [];
  const start = performance.now();
  const timedFrom = (each: Arm, model: string, dueAt: number): Promise<number | null> =>
    call(each, model).then(
      () => (performance.now() - dueAt) * 1000,
      (error: unknown) => {
        failed(each, error);
        return null;
      },
    );
  let next = 0;
  await new Promise<void>((resolve) => {
    const send = (): void => {
      const now = performance.now();
      for (let due = start + next * interval; next < total && due <= now; due = start + next * interval) {
        const dueAt = due;
        next += 1;
        calls.push(
          Promise.all([timedFrom(arm, arm.slowModel, dueAt), timedFrom(direct, direct.slowModel, dueAt)]).then(([through, straight]) => {
            if (through === null || straight === null) return;
            arm.openLoop.push(through);
            direct.openLoop.push(straight);
            arm.openLoopAdded.push(through - straight);
          }),
        );
      }
      if (next < total) setTimeout(send, Math.max(0, start + next * interval - performance.now()));
      else resolve();
    };
    send();
  });
  await Promise.all(calls);
  const cpuAfter = [arm.server?.cpuMicros() ?? null, direct.server?.cpuMicros() ?? null] as const;
  for (const [index, each] of [arm, direct].entries()) {
    const before = cpuBefore[index]!;
    const after = cpuAfter[index]!;
    if (before !== null && after !== null) each.openLoopCpu = { micros: (each.openLoopCpu?.micros ?? 0) + after - before, calls: (each.openLoopCpu?.calls ?? 0) + total };
  }
}

/** Requests per second with SATURATION_IN_FLIGHT in flight, and the server's CPU µs per request. */
async function saturation(arm: Arm): Promise<{ perSecond: number; cpuPerRequest: number | null }> {
  const cpuBefore = arm.server?.cpuMicros() ?? null;
  const started = performance.now();
  const until = started + SATURATION_MS;
  let done = 0;
  await Promise.all(
    Array.from({ length: SATURATION_IN_FLIGHT }, async () => {
      while (performance.now() < until) {
        try {
          await call(arm);
          done += 1;
        } catch (error) {
          failed(arm, error);
        }
      }
    }),
  );
  const seconds = (performance.now() - started) / 1000;
  const cpuAfter = arm.server?.cpuMicros() ?? null;
  return { perSecond: done / seconds, cpuPerRequest: cpuBefore === null || cpuAfter === null ? null : (cpuAfter - cpuBefore) / done };
}

async function frameworkFloor(results: BenchResult[]): Promise<void> {
  const body = JSON.stringify({ model: 'default', messages: [{ role: 'user', content: 'hello there, how are you?' }] });
  const server = path.join(here, 'gatewayFrameworkServer.js');
  const rows: { name: string; median: number; p99: number; perSecond: number }[] = [];
  for (const framework of ['node', 'fastify', 'hono']) {
    const child = await startChild([server, framework], /listening on (\d+)/);
    const pool = new Pool(`http://127.0.0.1:${child.url}`, { connections: CONCURRENCY });
    const one = async (): Promise<void> => {
      const response = await pool.request({ path: '/v1/chat/completions', method: 'POST', headers: { 'content-type': 'application/json' }, body });
      await response.body.text();
    };
    try {
      for (let index = 0; index < 1000; index++) await one();
      const samples: number[] = [];
      for (let index = 0; index < 3000; index++) {
        const start = performance.now();
        await one();
        samples.push((performance.now() - start) * 1000);
      }
      const total = 20_000;
      let sent = 0;
      const started = performance.now();
      await Promise.all(
        Array.from({ length: CONCURRENCY }, async () => {
          while (sent < total) {
            sent += 1;
            await one();
          }
        }),
      );
      rows.push({ name: framework, median: percentile(samples, 50), p99: percentile(samples, 99), perSecond: total / ((performance.now() - started) / 1000) });
    } finally {
      await pool.close();
      await child.close();
    }
  }
  const floor = rows.find((row) => row.name === 'node')!;
  for (const row of rows) {
    const label = row.name === 'node' ? 'node:http' : row.name === 'hono' ? 'hono + @hono/node-server' : 'fastify';
    results.push({
      name: `framework floor: ${label}, sequential median / p99`,
      value: row.median,
      unit: 'µs',
      note: `p99 ${row.p99.toFixed(0)} µs; 100 concurrent: ${row.perSecond.toFixed(0)} req/s`,
      ...(row.name === 'node' ? {} : { baseline: { name: 'node:http', value: floor.median } }),
    });
  }
}

/** The gateways side by side; `priority` says in the rows how the processes ran. */
async function comparison(priority: string): Promise<BenchResult[]> {
  const results: BenchResult[] = [];
  const folder = await mkdtemp(path.join(tmpdir(), 'detour-gateway-bench-'));
  const children: Child[] = [];
  try {
    const scenario = path.join(folder, 'scenario.yaml');
    await writeFile(scenario, `name: gateway-bench\nmodels:\n  gpt-slow: { latency: ${OPEN_LOOP_LATENCY_MS}ms }\n`);
    const simulator = await startChild([cli, 'simulate', '--port', '0', '--scenario', scenario], /listening on (\S+)/);
    children.push(simulator);
    const policies = path.join(folder, 'policies');
    await mkdir(policies);
    const providers = `provider_config:\n  openai: { base_url: ${simulator.url}/v1 }\n  anthropic: { base_url: ${simulator.url} }\n`;
    for (const [name, primary] of [
      ['bench', 'gpt-a'],
      ['bench-slow', 'gpt-slow'],
    ] as const) {
      await writeFile(
        path.join(policies, `${name}.yaml`),
        `version: 1\nname: ${name}\n${providers}models:\n  a: { provider: openai, model: ${primary} }\n  b: { provider: anthropic, model: claude-b, params: { max_tokens: 256 } }\nprimary_model: a\nfallback_models: [b]\n`,
      );
    }
    const detour = await startChild([cli, 'serve', policies, '--port', '0', '--no-watch'], /listening on (\S+) /, { OPENAI_API_KEY: 'bench', ANTHROPIC_API_KEY: 'bench' });
    children.push(detour);
    const portkeyPort = await freePort();
    const portkey = await startChild([portkeyServer, `--port=${portkeyPort}`, '--headless'], (output) => (output.includes('Ready for connections') ? `http://127.0.0.1:${portkeyPort}` : null));
    children.push(portkey);
    const floorPort = await startChild([path.join(here, 'gatewayFrameworkServer.js'), 'proxy', simulator.url], /listening on (\d+)/);
    children.push(floorPort);
    const proxyFloor = { ...floorPort, url: `http://127.0.0.1:${floorPort.url}` };
    // The fallback config's first target answers; the request's model picks the simulator's gpt-a or gpt-slow.
    const portkeyConfig = JSON.stringify({
      strategy: { mode: 'fallback' },
      targets: [
        { provider: 'openai', api_key: 'bench', custom_host: `${simulator.url}/v1` },
        { provider: 'anthropic', api_key: 'bench', custom_host: `${simulator.url}/v1`, override_params: { model: 'claude-b', max_tokens: 256 } },
      ],
    });
    const arm = (name: string, baseURL: string, [model, slowModel]: readonly [string, string], server: Child | null, headers: Record<string, string> = {}): Arm => ({
      name,
      client: new OpenAI({ apiKey: 'bench', baseURL, maxRetries: 0, defaultHeaders: headers }),
      model,
      slowModel,
      server,
      sequential: [],
      concurrent: [],
      openLoop: [],
      openLoopAdded: [],
      openLoopCpu: null,
      errors: 0,
      firstError: null,
    });
    const arms = [
      arm('direct', `${simulator.url}/v1`, ['gpt-a', 'gpt-slow'], simulator),
      arm('detour serve', `${detour.url}/v1`, ['bench', 'bench-slow'], detour),
      arm('Portkey gateway', `${portkey.url}/v1`, ['gpt-a', 'gpt-slow'], portkey, { 'x-portkey-config': portkeyConfig }),
      arm('a bare Node proxy (no SDK, no policy)', `${proxyFloor.url}/v1`, ['gpt-a', 'gpt-slow'], proxyFloor),
    ] as const;
    const [direct, viaDetour, viaPortkey, viaFloor] = arms;

    // Warm up every path (JIT, connection pools), then interleave call by call.
    for (let index = 0; index < 300; index++) for (const each of arms) await call(each);
    for (let index = 0; index < SEQUENTIAL; index++) {
      for (let offset = 0; offset < arms.length; offset++) await timed(arms[(index + offset) % arms.length]!, arms[(index + offset) % arms.length]!.sequential);
    }
    for (let round = 0; round < ROUNDS; round++) {
      for (let offset = 0; offset < arms.length; offset++) await concurrentRound(arms[(round + offset) % arms.length]!, CONCURRENT_PER_ROUND);
    }
    const gateways = arms.filter((each) => each !== direct);
    for (let round = 0; round < OPEN_LOOP_ROUNDS; round++) {
      for (let offset = 0; offset < gateways.length; offset++) await openLoopRound(gateways[(round + offset) % gateways.length]!, direct);
    }
    const added = (samples: readonly number[], base: readonly number[], p: number): number => (percentile(samples, p) - percentile(base, p)) / 1000;
    for (const [kind, pick] of [
      ['sequential', (each: Arm) => each.sequential],
      [`${CONCURRENCY} concurrent`, (each: Arm) => each.concurrent],
    ] as const) {
      for (const p of [50, 99]) {
        const label = p === 50 ? 'median' : 'p99';
        results.push({
          name: `added latency, ${kind}, ${label}: detour serve`,
          value: added(pick(viaDetour), pick(direct), p),
          unit: 'ms',
          baseline: { name: 'Portkey gateway', value: added(pick(viaPortkey), pick(direct), p) },
          note: `direct SDK call ${label}: ${(percentile(pick(direct), p) / 1000).toFixed(3)} ms; a bare Node proxy adds ${added(pick(viaFloor), pick(direct), p).toFixed(3)} ms`,
          aim: kind === 'sequential' ? 'less than Portkey' : p === 99 ? '< 1 ms, less than Portkey' : 'less than Portkey',
        });
      }
    }
    const inFlight = Math.round((OPEN_LOOP_RATE * OPEN_LOOP_LATENCY_MS) / 1000);
    for (const p of [50, 99]) {
      const label = p === 50 ? 'median' : 'p99';
      results.push({
        name: `added latency, open loop ${OPEN_LOOP_RATE} req/s (~${inFlight} in flight), ${label}: detour serve`,
        value: percentile(viaDetour.openLoopAdded, p) / 1000,
        unit: 'ms',
        baseline: { name: 'Portkey gateway', value: percentile(viaPortkey.openLoopAdded, p) / 1000 },
        note: `${label} of (through the gateway − a direct call sent at the same instant), ${viaDetour.openLoopAdded.length} pairs; the simulator answers after ${OPEN_LOOP_LATENCY_MS} ms; direct call ${label}: ${(percentile(direct.openLoop, p) / 1000).toFixed(3)} ms from when it was due; ${priority}`,
        aim: p === 99 ? '< 1 ms, less than Portkey' : 'less than Portkey',
      });
      results.push({
        name: `added latency, open loop ${OPEN_LOOP_RATE} req/s (~${inFlight} in flight), ${label}: a bare Node proxy (node:http + undici, no SDK, no policy)`,
        value: percentile(viaFloor.openLoopAdded, p) / 1000,
        unit: 'ms',
        note: 'what a gateway written in Node adds on this machine before it does any work of its own (paired the same way)',
      });
    }
    if (viaDetour.openLoopCpu !== null && viaPortkey.openLoopCpu !== null) {
      const perCall = (cpu: { micros: number; calls: number }): number => cpu.micros / cpu.calls;
      results.push({
        name: `gateway CPU per request, open loop ${OPEN_LOOP_RATE} req/s: detour serve`,
        value: perCall(viaDetour.openLoopCpu),
        unit: 'µs',
        baseline: { name: 'Portkey gateway', value: perCall(viaPortkey.openLoopCpu), unit: 'µs' },
        note: `a bare Node proxy: ${viaFloor.openLoopCpu === null ? '?' : perCall(viaFloor.openLoopCpu).toFixed(0)} µs per request`,
      });
    }
    const saturated = new Map<string, { perSecond: number; cpuPerRequest: number | null }>();
    for (const each of arms) saturated.set(each.name, await saturation(each));
    const detourSaturation = saturated.get('detour serve')!;
    const portkeySaturation = saturated.get('Portkey gateway')!;
    results.push({
      name: `requests/s at saturation (${SATURATION_IN_FLIGHT} in flight, shared 2-core machine): detour serve`,
      value: detourSaturation.perSecond,
      unit: 'req/s',
      baseline: { name: 'Portkey gateway', value: portkeySaturation.perSecond },
      note: `direct to the simulator: ${saturated.get('direct')!.perSecond.toFixed(0)} req/s`,
    });
    if (detourSaturation.cpuPerRequest !== null && portkeySaturation.cpuPerRequest !== null) {
      results.push({
        name: 'gateway CPU per request (one core: 1e6 / this = req/s): detour serve',
        value: detourSaturation.cpuPerRequest,
        unit: 'µs',
        baseline: { name: 'Portkey gateway', value: portkeySaturation.cpuPerRequest, unit: 'µs' },
        note: `one core: detour ${(1e6 / detourSaturation.cpuPerRequest).toFixed(0)} req/s, Portkey ${(1e6 / portkeySaturation.cpuPerRequest).toFixed(0)} req/s; a bare Node proxy: ${saturated.get(viaFloor.name)!.cpuPerRequest?.toFixed(0) ?? '?'} µs per request`,
      });
    }
    for (const each of arms) {
      if (each.errors > 0) results.push({ name: `failed calls (not timed): ${each.name}`, value: each.errors, unit: 'calls', note: each.firstError ?? '' });
    }
  } finally {
    for (const child of children.reverse()) await child.close();
    await rm(folder, { recursive: true, force: true });
  }
  return results;
}

/**
 * Run the comparison, then the framework floors, this process at real-time
 * priority throughout when BENCH_REALTIME=1.
 */
export async function run(): Promise<BenchResult[]> {
  const priority = realtime(process.pid) ? 'every process at real-time priority (BENCH_REALTIME=1: chrt -r 10)' : 'normal priority';
  try {
    const results = await comparison(priority);
    await frameworkFloor(results);
    return results;
  } finally {
    realtime(process.pid, false);
  }
}
