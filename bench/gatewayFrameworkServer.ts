/**
 * The floor of each HTTP framework the gateway could be built on, for
 * bench/gateway.bench.ts: the same handler (read a JSON body, answer a small
 * JSON object) on plain node:http, fastify, and hono on @hono/node-server.
 * Run as a child process: `node gatewayFrameworkServer.js node|fastify|hono`;
 * prints `listening on <port>`.
 *
 * `node gatewayFrameworkServer.js proxy <upstream>` is the floor of any Node
 * gateway instead: node:http passing the request body unchanged to
 * `<upstream>/v1/chat/completions` over an undici keep-alive pool and the
 * answer back — no SDK, no policy, no parsing.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const reply = (body: { messages?: unknown[] }): string =>
  JSON.stringify({ id: 'chatcmpl-floor', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: `hi ${body.messages?.length ?? 0}` }, finish_reason: 'stop' }] });

async function proxy(upstream: string): Promise<number> {
  const { Pool } = await import('undici');
  const pool = new Pool(upstream, { connections: 512 });
  const server = createServer((request, response) => {
    const chunks: Buffer[] = [];
    request.on('data', (chunk: Buffer) => chunks.push(chunk));
    request.on('end', () => {
      pool
        .request({ path: '/v1/chat/completions', method: 'POST', headers: { 'content-type': 'application/json', authorization: request.headers.authorization ?? '' }, body: Buffer.concat(chunks) })
        .then(async (answer) => {
          const text = await answer.body.text();
          response.writeHead(answer.statusCode, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
          response.end(text);
        })
        .catch((error: unknown) => {
          response.writeHead(502, { 'content-type': 'application/json' });
          response.end(JSON.stringify({ error: { message: String(error) } }));
        });
    });
  });
  await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
  return (server.address() as AddressInfo).port;
}

async function start(framework: string): Promise<number> {
  if (framework === 'proxy') return proxy(process.argv[3]!);
  if (framework === 'node') {
    const server = createServer((request, response) => {
      const chunks: Buffer[] = [];
      request.on('data', (chunk: Buffer) => chunks.push(chunk));
      request.on('end', () => {
        const text = reply(JSON.parse(Buffer.concat(chunks).toString('utf8')) as { messages?: unknown[] });
        response.writeHead(200, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(text) });
        response.end(text);
      });
    });
    await new Promise<void>((resolve) => server.listen(0, '127.0.0.1', resolve));
    return (server.address() as AddressInfo).port;
  }
  if (framework === 'fastify') {
    const { default: Fastify } = await import('fastify');
    const app = Fastify({ logger: false });
    app.post('/v1/chat/completions', async (request, response) => {
      void response.type('application/json');
      return reply(request.body as { messages?: unknown[] });
    });
    await app.listen({ port: 0, host: '127.0.0.1' });
    return (app.server.address() as AddressInfo).port;
  }
  const { Hono } = await import('hono');
  const { serve } = await import('@hono/node-server');
  const app = new Hono();
  app.post('/v1/chat/completions', async (context) => context.body(reply(await context.req.json()), 200, { 'content-type': 'application/json' }));
  return new Promise((resolve) => serve({ fetch: app.fetch, port: 0, hostname: '127.0.0.1' }, (info) => resolve(info.port)));
}

const port = await start(process.argv[2] ?? 'node');
process.stdout.write(`listening on ${port}\n`);
