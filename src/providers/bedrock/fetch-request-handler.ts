/**
 * The AWS SDK's HTTP layer over a WHATWG fetch. The SDK's own handler speaks
 * HTTP/2 (TLS only) and ignores detour's transport settings; this one sends
 * Bedrock's requests through the same fetch as every other provider (the
 * pooled fetch of `max_connections`, or the one a caller passes), over
 * `http:` too (a local endpoint, the simulator), and lets the call's signal
 * abort the request.
 */
import { Readable } from 'node:stream';
import type { FetchFunction } from '../client-settings.js';

/** The parts of the SDK's request detour reads (`@smithy/protocol-http` HttpRequest). */
interface SdkHttpRequest {
  readonly method: string;
  readonly protocol: string;
  readonly hostname: string;
  readonly port?: number | undefined;
  readonly path: string;
  readonly query?: Readonly<Record<string, string | readonly string[] | null>> | undefined;
  readonly headers: Readonly<Record<string, string>>;
  readonly body?: unknown;
}

interface SdkHttpResponse {
  readonly statusCode: number;
  readonly reason?: string;
  readonly headers: Record<string, string>;
  readonly body: unknown;
}

/** Headers fetch sets itself (and refuses or ignores when given). */
const FETCH_OWNED_HEADERS = new Set(['host', 'content-length', 'connection', 'transfer-encoding', 'expect']);

function queryString(query: SdkHttpRequest['query']): string {
  if (query === undefined) return '';
  const pairs: string[] = [];
  for (const [key, value] of Object.entries(query)) {
    const name = encodeURIComponent(key);
    if (value === null) pairs.push(name);
    else if (typeof value === 'string') pairs.push(`${name}=${encodeURIComponent(value)}`);
    else for (const item of value) pairs.push(`${name}=${encodeURIComponent(item)}`);
  }
  return pairs.length === 0 ? '' : `?${pairs.join('&')}`;
}

type RequestBody = NonNullable<RequestInit['body']>;

function requestBody(body: unknown): RequestBody | undefined {
  if (body === undefined || body === null) return undefined;
  if (typeof body === 'string' || body instanceof Uint8Array) return body as RequestBody;
  if (body instanceof Readable) return Readable.toWeb(body) as unknown as RequestBody;
  return body as RequestBody;
}

/**
 * An SDK `requestHandler` that sends each request with `fetch`.
 *
 * @example
 * new BedrockRuntimeClient({ region: 'us-east-1', requestHandler: new FetchRequestHandler(fetch), maxAttempts: 1 });
 */
export class FetchRequestHandler {
  readonly metadata = { handlerProtocol: 'http/1.1' };
  readonly #fetch: FetchFunction;

  constructor(fetch: FetchFunction) {
    this.#fetch = fetch;
  }

  async handle(request: SdkHttpRequest, options: { readonly abortSignal?: AbortSignal | { readonly aborted: boolean } } = {}): Promise<{ response: SdkHttpResponse }> {
    const port = request.port === undefined ? '' : `:${request.port}`;
    const url = `${request.protocol}//${request.hostname}${port}${request.path}${queryString(request.query)}`;
    const headers: Record<string, string> = {};
    for (const [name, value] of Object.entries(request.headers)) if (!FETCH_OWNED_HEADERS.has(name.toLowerCase())) headers[name] = value;
    const body = requestBody(request.body);
    const signal = options.abortSignal instanceof AbortSignal ? options.abortSignal : undefined;
    const init: RequestInit & { duplex?: 'half' } = { method: request.method, headers };
    if (body !== undefined) {
      init.body = body;
      if (typeof body === 'object' && !(body instanceof Uint8Array)) init.duplex = 'half';
    }
    if (signal !== undefined) init.signal = signal;
    const response = await this.#fetch(url, init);
    const responseHeaders: Record<string, string> = {};
    response.headers.forEach((value, name) => {
      responseHeaders[name] = value;
    });
    const stream = response.body === null ? Readable.from([]) : Readable.fromWeb(response.body as import('node:stream/web').ReadableStream<Uint8Array>);
    return { response: { statusCode: response.status, reason: response.statusText, headers: responseHeaders, body: stream } };
  }

  updateHttpClientConfig(): void {
    // Nothing to update: the fetch carries its own settings.
  }

  httpHandlerConfigs(): Record<string, never> {
    return {};
  }

  destroy(): void {
    // The fetch's pool (if any) belongs to whoever created it.
  }
}
