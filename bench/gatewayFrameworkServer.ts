/**
 * The floor of each HTTP framework the gateway could be built on, for
 * bench/gateway.bench.ts: the same handler (read a JSON body, answer a small
 * JSON object) on plain node:http, fastify, and hono on @hono/node-server.
 * Run as a child process: `node gatewayFrameworkServer.js node|fastify|hono`;
 * prints `listening on <port>`.
 */
import { createServer } from 'node:http';
import type { AddressInfo } from 'node:net';

const reply = (body: { messages?: unknown[] }): string =>
  JSON.stringify({ id: 'chatcmpl-floor', object: 'chat.completion', choices: [{ index: 0, message: { role: 'assistant', content: `hi ${body.messages?.length ?? 0}` }, finish_reason: 'stop' }] });

async function start(framework: string): Promise<number> {
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
