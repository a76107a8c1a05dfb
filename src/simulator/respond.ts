/**
 * Writing one answer on the wire: a JSON body, a stream (optionally cut
 * after N chunks), a documented error, a reset, or nothing at all (hang).
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { providerErrorResponse, type DocumentedProvider, type FaultName } from '../errors/catalog.js';
import { joinFrames, type Frame, type HeaderList, type ReplyPlan, type WireProtocol } from './protocols/types.js';
import { sampleLatency, type Random } from './random.js';
import type { Latency } from './scenarioTypes.js';

/** One request in flight, and whether either side has gone away. */
export interface Exchange {
  readonly request: IncomingMessage;
  readonly response: ServerResponse;
  /** The connection closed (by either side) before the answer ended. */
  closed: boolean;
  /** The simulator destroyed the socket itself (reset, cut_stream): not the client's doing. */
  destroyedBySimulator: boolean;
  timer: NodeJS.Timeout | undefined;
}

/** Runs `action` after `ms`, unless the connection closes first. */
export function after(exchange: Exchange, ms: number, action: () => void): void {
  if (ms <= 0) {
    action();
    return;
  }
  exchange.timer = setTimeout(() => {
    exchange.timer = undefined;
    if (!exchange.closed) action();
  }, ms);
}

export function sendBody(exchange: Exchange, status: number, headers: HeaderList, body: string): void {
  const response = exchange.response;
  response.writeHead(status, { ...headers, 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

/** Destroys the connection under the request: the client sees a reset / `terminated`. */
export function destroyConnection(exchange: Exchange): void {
  exchange.destroyedBySimulator = true;
  exchange.request.socket.destroy();
}

/**
 * How a stream stops early: after `after` content chunks, the connection is
 * destroyed (`cut`), goes silent (`stall`), or gets an in-stream error frame and ends.
 */
export interface StreamInterruption {
  readonly after: number;
  readonly then: 'cut' | 'stall' | { readonly errorFrame: Frame };
}

/**
 * Writes a stream: headers and head frames, then the content chunks with
 * `chunkLatency` between them, then the tail — or, with an interruption,
 * whatever it says after its chunks.
 */
export function sendStream(
  exchange: Exchange,
  protocol: WireProtocol,
  plan: ReplyPlan,
  requestId: string,
  chunkLatency: Latency,
  random: Random,
  interruption: StreamInterruption | null,
): void {
  const response = exchange.response;
  const frames = protocol.streamFrames(plan);
  const contentCount = interruption === null ? frames.content.length : Math.min(interruption.after, frames.content.length);
  const finish = (): void => {
    if (interruption === null) response.end(frames.tail);
    else if (interruption.then === 'cut') destroyConnection(exchange);
    else if (interruption.then !== 'stall') response.end(interruption.then.errorFrame);
  };
  response.writeHead(200, protocol.streamHeaders(requestId));
  if (chunkLatency.kind === 'fixed' && chunkLatency.ms === 0) {
    const all = joinFrames([frames.head, ...frames.content.slice(0, contentCount), ...(interruption === null ? [frames.tail] : [])]);
    if (interruption === null) response.end(all);
    else if (all.length === 0) finish();
    else response.write(all, finish);
    return;
  }
  if (frames.head.length > 0) response.write(frames.head);
  let index = 0;
  const next = (): void => {
    if (exchange.closed) return;
    if (index < contentCount) {
      response.write(frames.content[index]!);
      index += 1;
      after(exchange, index < contentCount ? sampleLatency(chunkLatency, random) : 0, next);
      return;
    }
    finish();
  };
  next();
}

export function ignore(): void {
  // A client that goes away mid-request is normal here; the 'close' handler counts it.
}

/** Runs a step of an answer; a bug in it becomes a 500 (or a dropped connection), never a crash. */
export function safely(exchange: Exchange, step: () => void): void {
  try {
    step();
  } catch (error) {
    if (exchange.response.headersSent) {
      destroyConnection(exchange);
      return;
    }
    const body = JSON.stringify({ error: { message: `detour simulator: ${error instanceof Error ? error.message : String(error)}`, type: 'server_error' } });
    sendBody(exchange, 500, { 'content-type': 'application/json' }, body);
  }
}

interface PreparedError {
  readonly status: number;
  readonly headers: HeaderList;
  readonly body: string;
}

const errorCache = new Map<string, PreparedError>();
const ERROR_CACHE_LIMIT = 1000;

/**
 * The provider's documented error response for a fault (from the shared
 * catalog), serialised once per (provider, fault, retry-after, model).
 */
export function documentedError(
  provider: DocumentedProvider,
  fault: FaultName,
  retryAfterSeconds: number | undefined,
  model: string,
): PreparedError {
  const key = `${provider}\u0000${fault}\u0000${retryAfterSeconds ?? ''}\u0000${model}`;
  const cached = errorCache.get(key);
  if (cached !== undefined) return cached;
  let prepared: PreparedError;
  try {
    const documented = providerErrorResponse(provider, fault, {
      model,
      ...(retryAfterSeconds === undefined ? {} : { retryAfterSeconds }),
    });
    const contentType = provider === 'google' ? 'application/json; charset=UTF-8' : 'application/json';
    prepared = {
      status: documented.status,
      headers: { 'content-type': contentType, ...documented.headers },
      body: JSON.stringify(documented.body),
    };
  } catch (error) {
    prepared = {
      status: 500,
      headers: { 'content-type': 'application/json' },
      body: JSON.stringify({ error: { message: `detour simulator: no documented ${fault} response for ${provider}: ${String(error)}`, type: 'server_error' } }),
    };
  }
  if (errorCache.size >= ERROR_CACHE_LIMIT) errorCache.clear();
  errorCache.set(key, prepared);
  return prepared;
}
