/**
 * A lean `fetch` for the SDK clients, over undici's `request` instead of its
 * WHATWG `fetch`: the SDKs only need a status, headers and a body, and
 * undici's `fetch` spends about a third of a call's client-side CPU on the
 * rest of the standard (Request/Response objects, header lists, web streams
 * for every body). `detour serve` uses it; with `transport: 'undici'` any
 * factory can.
 *
 * What it does not do, because no LLM API needs it: follow redirects, send
 * cookies, or take bodies other than text and bytes (those, and `Request`
 * inputs, go through undici's `fetch` unchanged). Compressed answers are
 * decompressed as `fetch` would.
 */
import { Readable } from 'node:stream';
import { createBrotliDecompress, createGunzip, createInflate } from 'node:zlib';
import type { Dispatcher } from 'undici';
import type { FetchFunction } from './client-settings.js';

type HeadersInput = RequestInit['headers'];

function plainHeaders(headers: HeadersInput): Record<string, string> {
  const plain: Record<string, string> = {};
  if (headers === undefined || headers === null) return plain;
  if (headers instanceof Headers) {
    headers.forEach((value, name) => {
      plain[name] = value;
    });
  } else if (Array.isArray(headers)) {
    for (const [name, value] of headers as [string, string][]) plain[name.toLowerCase()] = value;
  } else {
    for (const name in headers) {
      const value = (headers as Record<string, string | undefined>)[name];
      if (value !== undefined) plain[name.toLowerCase()] = value;
    }
  }
  return plain;
}

function responseHeaders(raw: Record<string, string | string[] | undefined>, decoded: boolean): Headers {
  const headers = new Headers();
  for (const name in raw) {
    const value = raw[name];
    if (value === undefined || (decoded && (name === 'content-encoding' || name === 'content-length'))) continue;
    if (Array.isArray(value)) for (const each of value) headers.append(name, each);
    else headers.append(name, value);
  }
  return headers;
}

function decoder(encoding: string | string[] | undefined): NodeJS.ReadWriteStream | null {
  switch (typeof encoding === 'string' ? encoding.trim().toLowerCase() : '') {
    case 'gzip':
    case 'x-gzip':
      return createGunzip();
    case 'deflate':
      return createInflate();
    case 'br':
      return createBrotliDecompress();
    default:
      return null;
  }
}

/** Statuses whose Response may not have a body. */
const NULL_BODY = new Set([101, 103, 204, 205, 304]);

/**
 * A fetch over undici's `request` through `dispatcher` (an undici Agent or
 * Pool: keep-alive connections, `connections` per origin).
 *
 * @example
 * const agent = new Agent({ keepAliveTimeout: 30_000 })
 * const client = new OpenAI({ apiKey, fetch: await requestFetch(agent), maxRetries: 0 })
 */
export async function requestFetch(dispatcher: Dispatcher): Promise<FetchFunction> {
  const undici = await import('undici');
  const fallback: FetchFunction = (input, init) =>
    undici.fetch(input as Parameters<typeof undici.fetch>[0], { ...(init as Parameters<typeof undici.fetch>[1]), dispatcher }) as unknown as Promise<Response>;
  return async (input, init) => {
    const body = init?.body;
    const plainBody = body === undefined || body === null || typeof body === 'string' || body instanceof Uint8Array;
    if (!plainBody || (typeof input !== 'string' && !(input instanceof URL)) || (init?.redirect !== undefined && init.redirect !== 'follow')) return fallback(input, init);
    const answer = await undici.request(input, {
      method: (init?.method ?? 'GET') as Dispatcher.HttpMethod,
      headers: plainHeaders(init?.headers),
      body: (body ?? null) as string | Uint8Array | null,
      signal: init?.signal ?? null,
      dispatcher,
    });
    const status = answer.statusCode;
    if (NULL_BODY.has(status) || init?.method === 'HEAD') {
      answer.body.resume();
      return new Response(null, { status, headers: responseHeaders(answer.headers, false) });
    }
    const decode = decoder(answer.headers['content-encoding']);
    const stream: Readable = decode === null ? answer.body : (answer.body.pipe(decode) as unknown as Readable);
    if (decode !== null) answer.body.once('error', (error) => stream.destroy(error));
    const contentType = answer.headers['content-type'];
    const type = typeof contentType === 'string' ? contentType.toLowerCase() : '';
    // JSON and plain text are read whole first (one chunk, no web stream per read); event streams (SSE, AWS's) as they come.
    const whole = type.includes('json') || (type.startsWith('text/') && !type.includes('event-stream'));
    const headers = responseHeaders(answer.headers, decode !== null);
    if (whole) return new WholeResponse(await readAll(stream), status, headers) as unknown as Response;
    return new Response(webStream(stream), { status, headers });
  };
}

// Declared as a plain constructor: the DOM typings describe Response's methods as properties, which a subclass may not override.
const ResponseBase = Response as unknown as new (body: null, init: ResponseInit) => { readonly status: number };

/**
 * A `Response` whose body was read whole: `text()` and `json()` decode the
 * bytes at once instead of through a web stream (most of a JSON answer's
 * client-side cost in undici's `Response`); `body` makes the stream only
 * for a caller that asks for it.
 */
class WholeResponse extends ResponseBase {
  readonly #bytes: Uint8Array;
  readonly #headers: Headers;
  #used = false;
  #stream: ReadableStream<Uint8Array> | null = null;

  constructor(bytes: Uint8Array, status: number, headers: Headers) {
    super(null, { status });
    this.#bytes = bytes;
    this.#headers = headers;
  }

  get headers(): Headers {
    return this.#headers;
  }

  get bodyUsed(): boolean {
    return this.#used;
  }

  get body(): ReadableStream<Uint8Array> {
    if (this.#stream === null) {
      if (this.#used) throw new TypeError('Body is unusable: Body has already been read');
      // Pulled only when read (high-water mark 0), so reading is what uses the body, as with fetch's.
      this.#stream = new ReadableStream<Uint8Array>(
        {
          pull: (controller) => {
            this.#used = true;
            if (this.#bytes.byteLength > 0) controller.enqueue(this.#bytes);
            controller.close();
          },
        },
        { highWaterMark: 0 },
      );
    }
    return this.#stream;
  }

  /** Read already, or its stream is being read. */
  get #spent(): boolean {
    return this.#used || this.#stream?.locked === true;
  }

  #take(): Uint8Array {
    if (this.#spent) throw new TypeError('Body is unusable: Body has already been read');
    this.#used = true;
    return this.#bytes;
  }

  async text(): Promise<string> {
    const bytes = this.#take();
    const text = Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('utf8');
    // As fetch's text(): a UTF-8 byte-order mark is not part of the text.
    return text.charCodeAt(0) === 0xfeff ? text.slice(1) : text;
  }

  async json(): Promise<unknown> {
    return JSON.parse(await this.text());
  }

  async arrayBuffer(): Promise<ArrayBuffer> {
    const bytes = this.#take();
    return bytes.buffer.slice(bytes.byteOffset, bytes.byteOffset + bytes.byteLength) as ArrayBuffer;
  }

  async bytes(): Promise<Uint8Array<ArrayBuffer>> {
    return new Uint8Array(await this.arrayBuffer());
  }

  async blob(): Promise<Blob> {
    return new Blob([await this.arrayBuffer()], { type: this.#headers.get('content-type') ?? '' });
  }

  clone(): WholeResponse {
    if (this.#spent) throw new TypeError('Response.clone: Body has already been consumed.');
    return new WholeResponse(this.#bytes, this.status, new Headers(this.#headers));
  }
}

/**
 * The body as a web stream the SDKs read (Readable.toWeb throws "Controller
 * is already closed" into nowhere when an abort races the end).
 */
function webStream(stream: Readable): ReadableStream<Uint8Array> {
  let settled = false;
  return new ReadableStream<Uint8Array>({
    start(controller) {
      stream.on('data', (chunk: Buffer) => {
        if (settled) return;
        controller.enqueue(chunk);
        if ((controller.desiredSize ?? 1) <= 0) stream.pause();
      });
      stream.once('end', () => {
        if (settled) return;
        settled = true;
        controller.close();
      });
      stream.once('error', (error) => {
        if (settled) return;
        settled = true;
        controller.error(error);
      });
    },
    pull() {
      stream.resume();
    },
    cancel(reason) {
      settled = true;
      stream.destroy(reason instanceof Error ? reason : undefined);
    },
  });
}

async function readAll(stream: Readable): Promise<Uint8Array> {
  const chunks: Buffer[] = [];
  for await (const chunk of stream) chunks.push(chunk as Buffer);
  return chunks.length === 1 ? chunks[0]! : Buffer.concat(chunks);
}
