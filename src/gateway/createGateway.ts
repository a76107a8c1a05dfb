/**
 * `createGateway`: detour's policies behind an HTTP server that speaks the
 * OpenAI Chat Completions and Anthropic Messages wire formats, on plain
 * `node:http` (measured against fastify and hono: no faster here, and no
 * dependency to carry).
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { TracerProvider } from '@opentelemetry/api';
import type { Executor } from '../executor/Executor.js';
import type { AccessLogEntry } from './accessLog.js';
import type { GatewayKeys } from './GatewayKeys.js';
import { GatewayProblem } from './GatewayProblem.js';
import { modelList } from './models.js';
import { anthropicMessages } from './anthropic/messages.js';
import { openAIChatCompletions } from './openai/chatCompletions.js';
import { Exchange } from './Exchange.js';
import { serveGeneration, type GenerationContext } from './serveGeneration.js';
import { readiness } from './readiness.js';
import { gatewayTracer, startServerSpan } from './serverSpan.js';
import type { WireFormat } from './wire.js';

export interface GatewayOptions {
  /** Runs every request; the gateway never closes it. */
  readonly executor: Executor;
  /**
   * The keys clients must present (`Authorization: Bearer …` or `x-api-key`).
   * Without keys every client is accepted, and `listen()` binds loopback only.
   * @default null
   */
  readonly keys?: GatewayKeys | null;
  /** Larger request bodies are refused with 413. @default 10 MiB */
  readonly maxBodyBytes?: number;
  /** A request still running after this many ms is aborted (504, or the stream ends with an error). @default 600_000 */
  readonly requestTimeout?: number;
  /** How long `close()` lets requests in flight finish before aborting them, in ms. @default 30_000 */
  readonly drainTimeout?: number;
  /** Called once per request, after its response ended. @default none */
  readonly accessLog?: ((entry: AccessLogEntry) => void) | null;
  /**
   * Where each request's SERVER span goes (the parent of its session spans;
   * a client's W3C `traceparent` is read with the global propagator).
   * @default the global tracer provider
   */
  readonly tracerProvider?: TracerProvider;
  /**
   * `/readyz` answers 503 while the executor's shared state store is
   * unreachable. By default it stays 200 with `status: "degraded"`: requests
   * are still served, from this process's own copy of the state.
   * @default false
   */
  readonly requireStateStore?: boolean;
  /** Milliseconds for key rate limits. @default Date.now */
  readonly now?: () => number;
}

export interface GatewayAddress {
  /** e.g. `http://127.0.0.1:8787` (OpenAI SDK: `baseURL: url + '/v1'`; Anthropic SDK: `baseURL: url`). */
  readonly url: string;
  readonly host: string;
  readonly port: number;
  /** Why the gateway listens somewhere else than asked (no keys: loopback only); null when it does not. */
  readonly notice: string | null;
}

export interface Gateway {
  /** The request listener, to mount in a server of your own: `createServer(gateway.handle)`. */
  readonly handle: (request: IncomingMessage, response: ServerResponse) => void;
  /** Start a server of the gateway's own. @default port 8787, host 127.0.0.1 */
  listen(options?: { readonly port?: number; readonly host?: string }): Promise<GatewayAddress>;
  /**
   * Drain: refuse new requests (503, `/readyz` fails), stop accepting
   * connections, let requests in flight finish for up to `drainTimeout` ms,
   * then abort the rest and close every connection.
   */
  close(options?: { readonly drainTimeout?: number }): Promise<void>;
  /** Requests being served now. */
  readonly inFlight: number;
}

const DEFAULTS = { maxBodyBytes: 10 * 1024 * 1024, requestTimeout: 600_000, drainTimeout: 30_000, port: 8787, host: '127.0.0.1' } as const;

/** After the drain timeout: how long aborted requests get to send their last event. */
const ABORTED_GRACE_MS = 1000;

const LOOPBACK: ReadonlySet<string> = new Set(['127.0.0.1', 'localhost', '::1']);

const GENERATION_ROUTES: ReadonlyMap<string, WireFormat> = new Map([
  ['/v1/chat/completions', openAIChatCompletions],
  ['/chat/completions', openAIChatCompletions],
  ['/v1/messages', anthropicMessages],
]);

function sendJson(response: ServerResponse, status: number, body: unknown, headers: Record<string, string> = {}): void {
  if (response.headersSent || response.destroyed) return;
  const text = JSON.stringify(body);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text), ...headers });
  response.end(text);
}

/** The key a client presented: `Authorization: Bearer …`, else `x-api-key`. */
function presentedKey(request: IncomingMessage): string | null {
  const authorization = request.headers.authorization;
  if (typeof authorization === 'string' && /^bearer /i.test(authorization)) return authorization.slice(7).trim();
  const apiKey = request.headers['x-api-key'];
  return typeof apiKey === 'string' && apiKey !== '' ? apiKey : null;
}

/**
 * Build a gateway over an executor.
 *
 * @example
 * const executor = await createExecutor({ policies: './policies', watch: true })
 * const gateway = createGateway({ executor, keys: GatewayKeys.fromEnv() })
 * const { url } = await gateway.listen({ port: 8787 })
 * process.once('SIGTERM', () => gateway.close().then(() => executor.close()))
 *
 * // or inside a server of your own:
 * http.createServer(gateway.handle).listen(8787)
 */
export function createGateway(options: GatewayOptions): Gateway {
  const executor = options.executor;
  const keys = options.keys ?? null;
  const maxBodyBytes = options.maxBodyBytes ?? DEFAULTS.maxBodyBytes;
  const requestTimeout = options.requestTimeout ?? DEFAULTS.requestTimeout;
  const accessLog = options.accessLog ?? null;
  const now = options.now ?? Date.now;
  const requireStateStore = options.requireStateStore ?? false;
  const tracer = gatewayTracer(options.tracerProvider ?? null);
  const exchanges = new Set<Exchange>();
  const idleWaiters: (() => void)[] = [];
  let draining = false;
  let server: Server | null = null;

  const finished = (exchange: Exchange): void => {
    exchanges.delete(exchange);
    if (exchanges.size === 0) for (const resolve of idleWaiters.splice(0)) resolve();
  };

  const sendProblem = (exchange: Exchange, wire: WireFormat, problem: GatewayProblem): void => {
    exchange.errorCode = problem.code ?? problem.type;
    const headers: Record<string, string> = {};
    if (problem.retryAfterMs !== null) headers['retry-after'] = String(Math.max(1, Math.ceil(problem.retryAfterMs / 1000)));
    if (problem.session !== null) {
      if (problem.session.session !== null) headers['x-detour-session'] = String(problem.session.session);
      headers['x-detour-attempts'] = String(problem.session.attempts.length);
    }
    if (draining) headers.connection = 'close';
    sendJson(exchange.response, wire.status(problem), wire.errorBody(problem), headers);
  };

  const authorize = (exchange: Exchange, wire: WireFormat): boolean => {
    if (keys === null) return true;
    const presented = presentedKey(exchange.request);
    const key = presented === null ? null : keys.find(presented);
    if (key === null) {
      const message = presented === null ? 'missing gateway key: send it as Authorization: Bearer <key> or x-api-key: <key>' : 'invalid gateway key';
      sendProblem(exchange, wire, new GatewayProblem(401, 'authentication_error', message, 'invalid_api_key'));
      return false;
    }
    exchange.key = key;
    const wait = keys.take(key, now());
    if (wait > 0) {
      sendProblem(exchange, wire, new GatewayProblem(429, 'rate_limit_error', `gateway key "${key.name}" is over its request rate`, 'key_rate_limit', null, wait));
      return false;
    }
    return true;
  };

  const context: GenerationContext = { executor, maxBodyBytes, sendJson, sendProblem, draining: () => draining };

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    const url = request.url ?? '/';
    const query = url.indexOf('?');
    const path = query < 0 ? url : url.slice(0, query);
    if (request.method === 'GET' && path === '/healthz') return sendJson(response, 200, { status: 'ok' });
    if (request.method === 'GET' && path === '/readyz') {
      const ready = readiness(executor, draining, requireStateStore);
      return sendJson(response, ready.httpStatus, ready.body);
    }
    const wire = GENERATION_ROUTES.get(path);
    const isModels = path === '/v1/models' || path === '/models' || path.startsWith('/v1/models/');
    const exchange = new Exchange(request, response, path, now);
    const errorWire = wire ?? (request.headers['anthropic-version'] !== undefined ? anthropicMessages : openAIChatCompletions);
    if (wire === undefined && !isModels) {
      sendProblem(exchange, errorWire, new GatewayProblem(404, 'not_found_error', `no route ${request.method ?? ''} ${path} (POST /v1/chat/completions, POST /v1/messages, GET /v1/models)`, 'unknown_route'));
      return exchange.log(accessLog);
    }
    if (request.method !== (wire === undefined ? 'GET' : 'POST')) {
      sendProblem(exchange, errorWire, new GatewayProblem(405, 'invalid_request_error', `${path} takes ${wire === undefined ? 'GET' : 'POST'}`, 'method_not_allowed'));
      return exchange.log(accessLog);
    }
    if (draining) {
      sendProblem(exchange, errorWire, new GatewayProblem(503, 'overloaded_error', 'the gateway is shutting down; retry on another instance', 'draining'));
      return exchange.log(accessLog);
    }
    if (!authorize(exchange, errorWire)) return exchange.log(accessLog);
    if (wire === undefined) {
      const set = executor.policies.current();
      const list = modelList(set, request.headers['anthropic-version'] !== undefined, exchange.key?.policies ?? null) as { data: { id: string }[] };
      if (path.startsWith('/v1/models/')) {
        const id = decodeURIComponent(path.slice('/v1/models/'.length));
        const entry = list.data.find((model) => model.id === id);
        if (entry === undefined) sendProblem(exchange, errorWire, new GatewayProblem(404, 'not_found_error', `no model ${JSON.stringify(id)}`, 'model_not_found'));
        else sendJson(response, 200, entry);
      } else sendJson(response, 200, list);
      return exchange.log(accessLog);
    }
    exchanges.add(exchange);
    const span = startServerSpan(tracer, request, path);
    const timer = setTimeout(() => exchange.abort('deadline'), requestTimeout);
    serveGeneration(context, exchange, wire, span.context)
      .catch((error: unknown) => {
        // A bug, not a provider failure: one generic answer, no internals.
        exchange.errorCode = 'internal';
        sendProblem(exchange, wire, new GatewayProblem(500, 'api_error', 'internal gateway error', 'internal'));
        if (!response.headersSent) return;
        response.destroy(error instanceof Error ? error : undefined);
      })
      .finally(() => {
        clearTimeout(timer);
        span.end(exchange.status(), exchange.errorCode);
        finished(exchange);
        exchange.log(accessLog);
      });
  };

  return {
    handle,
    get inFlight() {
      return exchanges.size;
    },
    async listen(listenOptions = {}) {
      if (server !== null) throw new Error('the gateway is already listening');
      const asked = listenOptions.host ?? DEFAULTS.host;
      const host = keys === null && !LOOPBACK.has(asked) ? DEFAULTS.host : asked;
      const notice =
        keys === null
          ? `no gateway keys configured (DETOUR_GATEWAY_KEYS or --keys-file): every client is accepted, so the gateway listens on loopback only (${host})${host === asked ? '' : `, not ${asked}`}`
          : null;
      const created = createServer(handle);
      server = created;
      await new Promise<void>((resolve, reject) => {
        created.once('error', reject);
        created.listen(listenOptions.port ?? DEFAULTS.port, host, () => {
          created.off('error', reject);
          resolve();
        });
      });
      const address = created.address() as AddressInfo;
      const shown = address.family === 'IPv6' ? `[${address.address}]` : address.address;
      return { url: `http://${shown}:${address.port}`, host: address.address, port: address.port, notice };
    },
    async close(closeOptions = {}) {
      draining = true;
      const current = server;
      const closed = current === null ? Promise.resolve() : new Promise<void>((resolve) => current.close(() => resolve()));
      current?.closeIdleConnections();
      if (exchanges.size > 0) {
        const drainTimeout = closeOptions.drainTimeout ?? options.drainTimeout ?? DEFAULTS.drainTimeout;
        let timer: NodeJS.Timeout | undefined;
        await Promise.race([
          new Promise<void>((resolve) => idleWaiters.push(resolve)),
          new Promise<void>((resolve) => {
            timer = setTimeout(resolve, drainTimeout);
          }),
        ]);
        clearTimeout(timer);
        for (const exchange of exchanges) exchange.abort('shutdown');
        // Aborted sessions end at once; a client that stopped reading is not waited for long.
        if (exchanges.size > 0) {
          await Promise.race([
            new Promise<void>((resolve) => idleWaiters.push(resolve)),
            new Promise<void>((resolve) => {
              timer = setTimeout(resolve, ABORTED_GRACE_MS);
            }),
          ]);
          clearTimeout(timer);
        }
      }
      current?.closeAllConnections();
      await closed;
      server = null;
    },
  };
}
