/**
 * The request body as JSON, refused past a size limit before it is all read.
 */
import type { IncomingMessage } from 'node:http';
import { GatewayProblem } from './GatewayProblem.js';

function tooLarge(limit: number): GatewayProblem {
  return new GatewayProblem(413, 'request_too_large', `request body is larger than the gateway's limit of ${limit} bytes`, 'body_too_large');
}

/**
 * Read and parse the body. Rejects with a 413 problem past `limit` bytes (by
 * `content-length` at once, else while reading) and a 400 for bad JSON.
 *
 * @example
 * const body = await readJsonBody(request, 10 * 1024 * 1024)
 */
export function readJsonBody(request: IncomingMessage, limit: number): Promise<unknown> {
  const declared = Number(request.headers['content-length']);
  if (Number.isFinite(declared) && declared > limit) return Promise.reject(tooLarge(limit));
  return new Promise((resolve, reject) => {
    const chunks: Buffer[] = [];
    let size = 0;
    const onData = (chunk: Buffer): void => {
      size += chunk.length;
      if (size > limit) {
        request.off('data', onData);
        request.off('end', onEnd);
        reject(tooLarge(limit));
        return;
      }
      chunks.push(chunk);
    };
    const onEnd = (): void => {
      const text = chunks.length === 1 ? chunks[0]!.toString('utf8') : Buffer.concat(chunks, size).toString('utf8');
      try {
        resolve(JSON.parse(text));
      } catch {
        reject(new GatewayProblem(400, 'invalid_request_error', 'the request body is not valid JSON', 'invalid_json'));
      }
    };
    request.on('data', onData);
    request.on('end', onEnd);
    request.on('error', (error) => reject(error));
    request.on('close', () => {
      if (!request.complete) reject(new GatewayProblem(499, 'invalid_request_error', 'the client closed the connection before the body ended', 'client_closed'));
    });
  });
}
