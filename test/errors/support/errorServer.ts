/**
 * A local HTTP server that answers each request with a documented provider
 * error chosen by the URL: `/case/<provider>/<fault>/…` serves the catalog
 * entry, `/extra/<name>/…` serves one of `extras`, `/hang/…` never answers,
 * `/destroy/…` drops the socket, `/echo-key/<provider>/…` echoes the API key in
 * the provider's own 401 shape (to prove redaction). Stateless, so tests may
 * share it concurrently.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import { providerErrorResponse, type DocumentedErrorResponse, type DocumentedProvider, type FaultName } from '../../../src/errors/catalog.js';
import { startLocalServer } from './localServer.js';

export interface ErrorServer {
  readonly url: string;
  /** Resolves when the next request reaches `/hang/…` (abort it then, with no timer). */
  nextHang(): Promise<void>;
  close(): Promise<void>;
}

function send(response: ServerResponse, documented: DocumentedErrorResponse): void {
  response.writeHead(documented.status, { 'content-type': 'application/json', ...documented.headers });
  response.end(JSON.stringify(documented.body));
}

function keyFrom(request: IncomingMessage): string {
  const header = request.headers['x-api-key'] ?? request.headers['x-goog-api-key'] ?? request.headers['api-key'] ?? request.headers.authorization ?? '';
  return String(header).replace(/^Bearer\s+/i, '');
}

function echoKey(provider: string, key: string): DocumentedErrorResponse {
  switch (provider) {
    case 'anthropic':
      return {
        status: 401,
        headers: { 'request-id': 'req_echo' },
        body: { type: 'error', error: { type: 'authentication_error', message: `invalid x-api-key: ${key}` } },
      };
    case 'google':
      return {
        status: 400,
        headers: {},
        body: { error: { code: 400, message: `API key not valid: ${key}. Please pass a valid API key.`, status: 'INVALID_ARGUMENT' } },
      };
    default:
      return {
        status: 401,
        headers: {},
        body: {
          error: {
            message: `Incorrect API key provided: ${key}. You can find your API key at https://platform.openai.com/account/api-keys. (Authorization: Bearer ${key}; url: https://example.test/v1?key=${key})`,
            type: 'invalid_request_error',
            param: null,
            code: 'invalid_api_key',
          },
        },
      };
  }
}

/** Start the server on 127.0.0.1, port 0. `extras` are extra responses served at `/extra/<name>/…`. */
export async function startErrorServer(extras: Readonly<Record<string, DocumentedErrorResponse>> = {}): Promise<ErrorServer> {
  let hangWaiters: (() => void)[] = [];
  const server = await startLocalServer((request, response) => {
    const [, route = '', first = '', second = ''] = (request.url ?? '').split('/');
    if (route === 'case') return send(response, providerErrorResponse(first as DocumentedProvider, second as FaultName, { retryAfterSeconds: 2, model: 'test-model' }));
    if (route === 'extra' && extras[first] !== undefined) return send(response, extras[first]);
    if (route === 'echo-key') return send(response, echoKey(first, keyFrom(request)));
    if (route === 'destroy') return request.socket.destroy();
    if (route === 'hang') {
      const waiters = hangWaiters;
      hangWaiters = [];
      for (const wake of waiters) wake();
      return;
    }
    response.writeHead(500, { 'content-type': 'text/plain' });
    response.end(`no route for ${request.url ?? ''}`);
  });
  return {
    url: server.url,
    nextHang: () => new Promise<void>((resolve) => hangWaiters.push(resolve)),
    close: () => server.close(),
  };
}
