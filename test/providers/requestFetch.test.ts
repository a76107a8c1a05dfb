/**
 * The lean transport (`transport: 'undici'`, what `detour serve` uses): the
 * real SDKs over it get what they get from fetch — JSON, event streams,
 * compressed bodies, error statuses, aborts, refused connections.
 */
import { createServer, type IncomingMessage, type Server, type ServerResponse } from 'node:http';
import type { AddressInfo } from 'node:net';
import { gzipSync } from 'node:zlib';
import OpenAI from 'openai';
import { Agent } from 'undici';
import { afterAll, beforeAll, describe, expect, it, vi } from 'vitest';
import { classifyError } from '../../src/errors/classify.js';
import { requestFetch } from '../../src/providers/request-fetch.js';
import { freePort } from '../../bench/free-port.js';

const COMPLETION = { id: 'c1', object: 'chat.completion', created: 1, model: 'm', choices: [{ index: 0, message: { role: 'assistant', content: 'hi' }, finish_reason: 'stop', logprobs: null }] };
const seen: { method: string; body: string; headers: IncomingMessage['headers'] }[] = [];
let closedEarly = 0;
let server: Server;
let url: string;
const agent = new Agent();

function handle(request: IncomingMessage, response: ServerResponse, body: string): void {
  seen.push({ method: request.method ?? '', body, headers: request.headers });
  const scenario = request.headers['x-scenario'];
  if (scenario === 'gzip') {
    response.writeHead(200, { 'content-type': 'application/json', 'content-encoding': 'gzip' });
    response.end(gzipSync(JSON.stringify(COMPLETION)));
  } else if (scenario === 'stream') {
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    for (const text of ['a', 'b', 'c']) response.write(`data: ${JSON.stringify({ ...COMPLETION, object: 'chat.completion.chunk', choices: [{ index: 0, delta: { content: text }, finish_reason: null }] })}\n\n`);
    response.end('data: [DONE]\n\n');
  } else if (scenario === 'error') {
    response.writeHead(429, { 'content-type': 'application/json', 'retry-after': '7', 'set-cookie': ['a=1', 'b=2'] });
    response.end(JSON.stringify({ error: { message: 'slow down', type: 'rate_limit_error', code: 'rate_limit_exceeded' } }));
  } else if (scenario === 'hang') {
    response.on('close', () => {
      if (!response.writableFinished) closedEarly += 1;
    });
    response.writeHead(200, { 'content-type': 'text/event-stream' });
    response.write(': started\n\n');
  } else if (scenario === 'empty') {
    response.writeHead(204);
    response.end();
  } else {
    response.writeHead(200, { 'content-type': 'application/json' });
    response.end(JSON.stringify(COMPLETION));
  }
}

beforeAll(async () => {
  server = createServer((request, response) => {
    let body = '';
    request.on('data', (chunk: Buffer) => (body += chunk.toString()));
    request.on('end', () => handle(request, response, body));
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  url = `http://127.0.0.1:${(server.address() as AddressInfo).port}`;
});
afterAll(async () => {
  server.closeAllConnections();
  await new Promise((resolve) => server.close(resolve));
  await agent.close();
});

async function client(scenario?: string): Promise<OpenAI> {
  return new OpenAI({ apiKey: 'k', baseURL: `${url}/v1`, maxRetries: 0, fetch: await requestFetch(agent), defaultHeaders: scenario === undefined ? {} : { 'x-scenario': scenario } });
}
const ask = { model: 'm', messages: [{ role: 'user' as const, content: 'hello' }] };

describe('requestFetch under the real openai SDK', () => {
  it('sends the SDK request as it is and reads JSON, compressed or not', async () => {
    expect((await (await client()).chat.completions.create(ask)).choices[0]?.message.content).toBe('hi');
    expect(seen.at(-1)).toMatchObject({ method: 'POST', headers: { authorization: 'Bearer k', 'content-type': 'application/json' } });
    expect(JSON.parse(seen.at(-1)!.body)).toEqual(ask);
    expect((await (await client('gzip')).chat.completions.create(ask)).choices[0]?.message.content).toBe('hi');
  });

  it('streams event streams as they come', async () => {
    const stream = await (await client('stream')).chat.completions.create({ ...ask, stream: true });
    let text = '';
    for await (const chunk of stream) text += chunk.choices[0]?.delta.content ?? '';
    expect(text).toBe('abc');
  });

  it('hands error statuses, their headers and bodies to the SDK', async () => {
    const error = await (await client('error')).chat.completions.create(ask).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.RateLimitError);
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).headers.get('retry-after')).toBe('7');
    expect((error as InstanceType<typeof OpenAI.RateLimitError>).code).toBe('rate_limit_exceeded');
  });

  it('aborts a stream in flight (the connection is closed) and answers 204 with no body', async () => {
    const controller = new AbortController();
    const stream = await (await client('hang')).chat.completions.create({ ...ask, stream: true }, { signal: controller.signal });
    const reading = (async () => {
      for await (const _chunk of stream);
    })().catch((caught: unknown) => caught);
    controller.abort();
    // As over fetch: the SDK's stream ends quietly on an abort.
    expect(await reading).toBeUndefined();
    await vi.waitFor(() => expect(closedEarly).toBe(1));
    const fetch = await requestFetch(agent);
    const empty = await fetch(`${url}/`, { headers: { 'x-scenario': 'empty' } });
    expect(empty.status).toBe(204);
    expect(await empty.text()).toBe('');
  });

  it('a refused connection is classified as it is through fetch: connection', async () => {
    const port = await freePort();
    const sdk = new OpenAI({ apiKey: 'k', baseURL: `http://127.0.0.1:${port}/v1`, maxRetries: 0, fetch: await requestFetch(agent) });
    const error = await sdk.chat.completions.create(ask).catch((caught: unknown) => caught);
    expect(error).toBeInstanceOf(OpenAI.APIConnectionError);
    expect(classifyError(error, { provider: 'openai' }).kind).toBe('connection');
  });
});

describe('a JSON answer read whole', () => {
  const read = async (via: 'fetch' | 'requestFetch', how: (response: Response) => Promise<unknown>) => {
    const fetch = via === 'fetch' ? globalThis.fetch : await requestFetch(agent);
    const response = await fetch(`${url}/v1/chat/completions`, { method: 'POST', body: '{}' });
    return { response, value: await how(response) };
  };
  const decode = (bytes: ArrayBuffer | Uint8Array) => JSON.parse(Buffer.from(bytes as ArrayBuffer).toString());
  const readers: [string, (response: Response) => Promise<unknown>][] = [
    ['json', (response) => response.json()],
    ['text', async (response) => JSON.parse(await response.text())],
    ['arrayBuffer', async (response) => decode(await response.arrayBuffer())],
    ['bytes', async (response) => decode(await response.bytes())],
    ['blob', async (response) => decode(await (await response.blob()).arrayBuffer())],
    [
      'body',
      async (response) => {
        const chunks: Uint8Array[] = [];
        for await (const chunk of response.body!) chunks.push(chunk);
        return decode(Buffer.concat(chunks));
      },
    ],
    ['clone', async (response) => [await response.clone().json(), await response.json()]],
  ];

  it.each(readers)('reads as fetch does with %s(), and only once', async (_name, how) => {
    const mine = await read('requestFetch', how);
    const theirs = await read('fetch', how);
    expect(mine.value).toEqual(theirs.value);
    expect(mine.response).toBeInstanceOf(Response);
    expect([mine.response.status, mine.response.ok, mine.response.headers.get('content-type')]).toEqual([theirs.response.status, theirs.response.ok, theirs.response.headers.get('content-type')]);
    expect(mine.response.bodyUsed).toBe(theirs.response.bodyUsed);
    await expect(mine.response.text()).rejects.toThrow(TypeError);
    await expect(theirs.response.text()).rejects.toThrow(TypeError);
  });
});
