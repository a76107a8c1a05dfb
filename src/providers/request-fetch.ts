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
    const bodyInit = whole ? await readAll(stream) : webStream(stream);
    return new Response(bodyInit, { status, headers: responseHeaders(answer.headers, decode !== null) });
  };
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
