/**
 * The provider simulator: one `node:http` server that speaks the OpenAI,
 * Anthropic, Google and Bedrock wire protocols and fails exactly as a scenario says.
 */
import { createServer, type IncomingMessage, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import type { DocumentedProvider, FaultName } from '../errors/catalog.js';
import { CountBook, type SimulatorCounts } from './counts.js';
import { chooseFault, newModelState, type ModelState } from './faults.js';
import { anthropicProtocol } from './protocols/anthropic.js';
import { bedrockAuthProblem, bedrockProtocol } from './protocols/bedrock.js';
import { googleProtocol } from './protocols/google.js';
import { azureOpenAIProtocol, openAIProtocol } from './protocols/openai.js';
import { sequenceId, type SimulatedRequest, type WireProtocol } from './protocols/types.js';
import { vertexAnthropicProtocol, vertexGeminiProtocol } from './protocols/vertex.js';
import { sampleLatency } from './random.js';
import { planReply } from './reply.js';
import { after, destroyConnection, documentedError, ignore, safely, sendBody, sendStream, type Exchange } from './respond.js';
import { compileScenario, loadScenarioFile } from './scenario.js';
import type { FaultRule, Scenario } from './scenarioTypes.js';
import { serveInfo } from './info.js';
import { Timeline, type TimelineEntry } from './timeline.js';

/** A scenario as a compiled `Scenario`, a path to a YAML/JSON file, or the YAML's shape as an object. */
export type ScenarioInput = Scenario | string | Record<string, unknown>;

export interface SimulatorOptions {
  /** @default 0 (any free port) */
  readonly port?: number;
  /** @default '127.0.0.1' */
  readonly host?: string;
  /** @default every model healthy, no latency */
  readonly scenario?: ScenarioInput;
  /** Seeds probabilities and latency draws. @default the scenario's `seed`, else 1 */
  readonly seed?: number;
  /** The clock fault time windows are measured on, in ms. @default Date.now */
  readonly now?: () => number;
  /**
   * Record when each request arrived and when its answer was sent (`timeline()`,
   * `GET /_detour/timeline`), keeping this many entries. @default 0 (off)
   */
  readonly timeline?: number;
  /** Keep every model request's parsed body, for `requests()`. @default false */
  readonly recordRequests?: boolean;
}

/** One model request as the simulator received it (with `recordRequests: true`). */
export interface RecordedRequest {
  /** Whose wire format: `openai`, `azure_openai`, `anthropic`, `google`, `bedrock`, `vertex` (Gemini on Vertex AI), `vertex_anthropic` (Claude on Vertex AI). */
  readonly protocol: DocumentedProvider;
  readonly path: string;
  readonly model: string;
  readonly stream: boolean;
  /** The request body, parsed JSON. */
  readonly body: unknown;
}

export interface Simulator {
  /** e.g. `http://127.0.0.1:54321` (OpenAI SDK: `baseURL: url + '/v1'`; Anthropic: `baseURL: url`; Google: `httpOptions: { baseUrl: url }`). */
  readonly url: string;
  readonly port: number;
  /** Stops listening and closes every connection, hung ones included. */
  close(): Promise<void>;
  /** A snapshot of what reached the simulator since start or the last `reset()`. */
  counts(): SimulatorCounts;
  /**
   * Zeroes the counts and per-model request numbers, and restarts the fault
   * clock: now, or with `{ clockFrom: 'first-request' }` when the next model
   * request arrives (a scenario's story then opens with the first request,
   * however long the client takes to send it).
   */
  reset(options?: { readonly clockFrom?: 'now' | 'first-request' }): void;
  /** The model requests received since start or `reset()`, oldest first; empty unless `recordRequests` is on. */
  requests(): readonly RecordedRequest[];
  /** Swaps the scenario. Per-model request numbers restart; counts and the clock carry on (call `reset()` for a fresh start). */
  setScenario(scenario: ScenarioInput): Promise<void>;
  /** With `timeline` on: every request's arrival and answer times since start or the last `reset()`; else empty. */
  timeline(): readonly TimelineEntry[];
}

async function resolveScenario(input: ScenarioInput | undefined): Promise<Scenario> {
  if (input === undefined) return compileScenario({ models: {} });
  if (typeof input === 'string') return loadScenarioFile(input);
  return compileScenario(input);
}

const AZURE_PATH = /^\/openai\/deployments\/([^/]+)\/chat\/completions$/;
const GOOGLE_PATH = /^\/v1(?:beta|alpha)?\/models\/([^/:]+):(generateContent|streamGenerateContent)$/;
const BEDROCK_PATH = /^\/model\/([^/]+)\/(converse|converse-stream)$/;
const VERTEX_PATH = /^\/v1(?:beta1)?\/projects\/[^/]+\/locations\/[^/]+\/publishers\/(google|anthropic)\/models\/([^/:]+):(generateContent|streamGenerateContent|rawPredict|streamRawPredict)$/;

/** The cloud endpoints check that a credential arrived (any value): Azure's `api-key` or a bearer token, Vertex AI's bearer token. */
function signedIn(request: IncomingMessage, protocol: WireProtocol): boolean {
  const bearer = /^Bearer \S+/.test(request.headers.authorization ?? '');
  if (protocol.provider === 'azure_openai') return bearer || (typeof request.headers['api-key'] === 'string' && request.headers['api-key'] !== '');
  if (protocol.provider === 'vertex' || protocol.provider === 'vertex_anthropic') return bearer;
  return true;
}

/**
 * Starts the simulator.
 *
 * @example
 * const simulator = await startSimulator({ scenario: 'scenarios/outage.yaml', seed: 7 });
 * const openai = new OpenAI({ apiKey: 'test', baseURL: `${simulator.url}/v1`, maxRetries: 0 });
 * await openai.chat.completions.create({ model: 'gpt-4o', messages: [{ role: 'user', content: 'hi' }] });
 * simulator.counts().models['gpt-4o']?.requests; // 1
 * await simulator.close();
 */
export async function startSimulator(options: SimulatorOptions = {}): Promise<Simulator> {
  let scenario = await resolveScenario(options.scenario);
  const now = options.now ?? Date.now;
  const book = new CountBook();
  let states = new Map<string, ModelState>();
  /** When the fault clock started; null: it starts at the next model request. */
  let startedAt: number | null = now();
  let sequence = 0;
  let shuttingDown = false;
  const timeline = options.timeline !== undefined && options.timeline > 0 ? new Timeline(options.timeline) : null;
  const seedOf = (): number => options.seed ?? scenario.seed ?? 1;

  const stateOf = (model: string): ModelState => {
    let state = states.get(model);
    if (state === undefined) {
      state = newModelState(scenario, model, seedOf());
      states.set(model, state);
    }
    return state;
  };

  const recorded: RecordedRequest[] = [];
  const reset = (options: { readonly clockFrom?: 'now' | 'first-request' } = {}): void => {
    book.clear();
    timeline?.clear();
    recorded.length = 0;
    states = new Map();
    startedAt = options.clockFrom === 'first-request' ? null : now();
  };

  const serveModel = (exchange: Exchange, protocol: WireProtocol, parsed: SimulatedRequest): void => {
    const state = stateOf(parsed.model);
    state.requestNumber += 1;
    book.received(parsed.model, parsed.images, parsed.files);
    const arrived = now();
    startedAt ??= arrived;
    const fault = chooseFault(state, arrived - startedAt);
    book.served(parsed.model, fault === undefined ? 'success' : fault.type);
    sequence += 1;
    const number = sequence;
    const latency = sampleLatency(state.behaviour.latency, state.latencyRandom);
    after(exchange, latency, () => safely(exchange, () => answer(exchange, protocol, parsed, state, fault, number)));
  };

  const answer = (
    exchange: Exchange,
    protocol: WireProtocol,
    parsed: SimulatedRequest,
    state: ModelState,
    fault: FaultRule | undefined,
    number: number,
  ): void => {
    const requestId = protocol.provider === 'anthropic' ? sequenceId('req_011DTR', number, 18) : sequenceId('req_', number, 32);
    const behaviour = state.behaviour;
    const type = fault?.type;
    if (type === undefined || type === 'filtered' || type === 'truncated' || type === 'no_terminator' || type === 'cut_stream') {
      const ending = type === 'filtered' ? 'filtered' : type === 'truncated' ? 'length' : type === 'no_terminator' ? 'none' : 'stop';
      const plan = planReply(parsed, behaviour, ending, protocol.newId(number), fault?.afterChunks ?? 1);
      if (parsed.stream) {
        const interruption = type === 'cut_stream' ? { after: fault?.afterChunks ?? 2, then: 'cut' as const } : null;
        sendStream(exchange, protocol, plan, requestId, behaviour.chunkLatency, state.latencyRandom, interruption);
        return;
      }
      const body = protocol.jsonBody(plan);
      if (type === 'cut_stream') {
        exchange.response.writeHead(200, { ...protocol.jsonHeaders(requestId), 'content-length': Buffer.byteLength(body) });
        exchange.response.write(body.slice(0, Math.floor(body.length / 2)), () => destroyConnection(exchange));
        return;
      }
      sendBody(exchange, 200, protocol.jsonHeaders(requestId), body);
      return;
    }
    if (fault?.midStream === true && parsed.stream) {
      const plan = planReply(parsed, behaviour, 'stop', protocol.newId(number), 1);
      const then =
        type === 'hang'
          ? ('stall' as const)
          : (() => {
              const error = documentedError(fault.provider ?? protocol.provider, type as FaultName, fault.retryAfterSeconds, parsed.model);
              return { errorFrame: protocol.streamErrorFrame(error.body, error.headers) };
            })();
      sendStream(exchange, protocol, plan, requestId, behaviour.chunkLatency, state.latencyRandom, { after: fault.afterChunks, then });
      return;
    }
    switch (type) {
      case 'reset':
        destroyConnection(exchange);
        return;
      case 'hang':
        return;
      case 'malformed_json': {
        const plan = planReply(parsed, behaviour, 'stop', protocol.newId(number), 1);
        if (parsed.stream) {
          exchange.response.writeHead(200, protocol.streamHeaders(requestId));
          exchange.response.end(protocol.malformedStream(plan));
        } else {
          sendBody(exchange, 200, protocol.jsonHeaders(requestId), protocol.malformedJson(plan));
        }
        return;
      }
      default: {
        const provider: DocumentedProvider = fault?.provider ?? protocol.provider;
        const error = documentedError(provider, type as FaultName, fault?.retryAfterSeconds, parsed.model);
        if (error.status === 200 && parsed.stream) {
          // A documented 200 (Gemini's blocked prompt) streams as one SSE frame, as the API sends it.
          exchange.response.writeHead(200, protocol.streamHeaders(requestId));
          exchange.response.end(`data: ${error.body}\r\n\r\n`);
          return;
        }
        const idHeader = protocol.provider === 'anthropic' ? 'request-id' : protocol.provider === 'openai' ? 'x-request-id' : protocol.provider === 'bedrock' ? 'x-amzn-requestid' : null;
        sendBody(exchange, error.status, idHeader === null ? error.headers : { ...error.headers, [idHeader]: requestId }, error.body);
      }
    }
  };

  const reject = (exchange: Exchange, provider: DocumentedProvider, fault: FaultName, message: string): void => {
    book.rejectedRequest();
    const error = documentedError(provider, fault, undefined, '');
    let body = error.body;
    try {
      const parsed = JSON.parse(body) as { error?: { message?: string }; message?: string };
      if (parsed.error !== undefined) parsed.error.message = message;
      else if (typeof parsed.message === 'string') parsed.message = message;
      body = JSON.stringify(parsed);
    } catch {
      // keep the documented body as it is
    }
    sendBody(exchange, error.status, error.headers, body);
  };

  const handle = (request: IncomingMessage, response: ServerResponse): void => {
    request.on('error', ignore);
    response.on('error', ignore);
    const exchange: Exchange = { request, response, closed: false, destroyedBySimulator: false, timer: undefined };
    if (timeline !== null) {
      const receivedAt = performance.now();
      const tag = request.headers['x-simulator-tag'];
      response.once('finish', () =>
        timeline.add({ path: (request.url ?? '/').split('?')[0] ?? '/', tag: typeof tag === 'string' ? tag : null, status: response.statusCode, receivedAt, finishedAt: performance.now() }),
      );
    }
    response.on('close', () => {
      if (!response.writableFinished) {
        exchange.closed = true;
        if (exchange.timer !== undefined) clearTimeout(exchange.timer);
        if (!exchange.destroyedBySimulator && !shuttingDown) book.closedEarly();
      }
    });
    const url = request.url ?? '/';
    const queryAt = url.indexOf('?');
    const path = queryAt < 0 ? url : url.slice(0, queryAt);
    if (request.method !== 'POST') {
      if (path === '/_detour/timeline') {
        sendBody(exchange, 200, { 'content-type': 'application/json' }, JSON.stringify(timeline?.snapshot() ?? []));
        return;
      }
      serveInfo(request, response, path, scenario, book);
      return;
    }
    let protocol: WireProtocol;
    let urlModel: string | null = null;
    let urlStream = false;
    if (path === '/v1/chat/completions' || path === '/chat/completions') protocol = openAIProtocol;
    else if (path === '/v1/messages') protocol = anthropicProtocol;
    else if (path.startsWith('/openai/deployments/')) {
      const match = AZURE_PATH.exec(path);
      protocol = azureOpenAIProtocol;
      urlModel = match === null ? null : decodeURIComponent(match[1] ?? '');
    } else if (path.startsWith('/model/')) {
      const match = BEDROCK_PATH.exec(path);
      protocol = bedrockProtocol;
      urlModel = match === null ? null : decodeURIComponent(match[1] ?? '');
      urlStream = match?.[2] === 'converse-stream';
      const problem = bedrockAuthProblem(request.headers);
      if (problem !== null) {
        book.rejectedRequest();
        sendBody(exchange, 403, { 'content-type': 'application/json', 'x-amzn-errortype': problem.errorType }, JSON.stringify({ message: problem.message }));
        request.resume();
        return;
      }
    } else if (path.includes('/publishers/')) {
      const match = VERTEX_PATH.exec(path);
      if (match === null) {
        reject(exchange, 'vertex', 'not_found', `detour simulator: no Vertex AI route for POST ${path}`);
        request.resume();
        return;
      }
      protocol = match[1] === 'anthropic' ? vertexAnthropicProtocol : vertexGeminiProtocol;
      urlModel = decodeURIComponent(match[2] ?? '');
      urlStream = match[3] === 'streamGenerateContent' || match[3] === 'streamRawPredict';
    } else {
      const match = GOOGLE_PATH.exec(path);
      if (match === null) {
        if (path === '/_detour/reset') {
          reset();
          sendBody(exchange, 200, { 'content-type': 'application/json' }, '{"reset":true}');
        } else {
          reject(exchange, 'openai', 'not_found', `detour simulator: no route for POST ${path}`);
        }
        request.resume();
        return;
      }
      protocol = googleProtocol;
      urlModel = decodeURIComponent(match[1] ?? '');
      urlStream = match[2] === 'streamGenerateContent';
    }
    if (!signedIn(request, protocol)) {
      reject(exchange, protocol.provider, 'unauthorized', `detour simulator: ${protocol.provider === 'azure_openai' ? 'an api-key header or a bearer token' : 'a bearer token'} is required`);
      request.resume();
      return;
    }
    let text = '';
    request.setEncoding('utf8');
    request.on('data', (piece: string) => {
      text += piece;
    });
    request.on('end', () => safely(exchange, () => {
      let body: unknown;
      try {
        body = JSON.parse(text);
      } catch {
        reject(exchange, protocol.provider, 'bad_request', 'detour simulator: the request body is not valid JSON');
        return;
      }
      const parsed = protocol.readRequest(body, urlModel, urlStream);
      if (typeof parsed === 'string') {
        reject(exchange, protocol.provider, 'bad_request', parsed);
        return;
      }
      if (options.recordRequests === true) recorded.push({ protocol: protocol.provider, path, model: parsed.model, stream: parsed.stream, body });
      serveModel(exchange, protocol, parsed);
    }));
  };

  const server = createServer({ keepAlive: true }, handle);
  server.keepAliveTimeout = 65_000;
  server.headersTimeout = 66_000;
  server.requestTimeout = 0;
  await new Promise<void>((resolve, reject) => {
    server.once('error', reject);
    server.listen(options.port ?? 0, options.host ?? '127.0.0.1', () => {
      server.off('error', reject);
      resolve();
    });
  });
  const address = server.address() as AddressInfo;
  const host = options.host ?? '127.0.0.1';
  const urlHost = host.includes(':') ? `[${host}]` : host;
  let closing: Promise<void> | undefined;

  return {
    url: `http://${urlHost}:${address.port}`,
    port: address.port,
    close: () => {
      shuttingDown = true;
      closing ??= new Promise<void>((resolve) => {
        server.close(() => resolve());
        server.closeAllConnections();
      });
      return closing;
    },
    counts: () => book.snapshot(),
    timeline: () => timeline?.snapshot() ?? [],
    requests: () => [...recorded],
    reset,
    setScenario: async (input) => {
      scenario = await resolveScenario(input);
      states = new Map();
    },
  };
}
