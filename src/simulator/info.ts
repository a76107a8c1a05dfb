/**
 * The simulator's GET endpoints: `/health`, the model lists each SDK can
 * ask for, and `/_detour/counts` for tests and scripts in other processes.
 */
import type { IncomingMessage, ServerResponse } from 'node:http';
import type { CountBook } from './counts.js';
import type { Scenario } from './scenarioTypes.js';

function sendJson(response: ServerResponse, status: number, value: unknown): void {
  const body = JSON.stringify(value);
  response.writeHead(status, { 'content-type': 'application/json', 'content-length': Buffer.byteLength(body) });
  response.end(body);
}

/** The exact model ids a scenario names (patterns like `*` left out). */
export function scenarioModelIds(scenario: Scenario): string[] {
  return [...scenario.models.keys()].filter((id) => !id.includes('*'));
}

export function serveInfo(request: IncomingMessage, response: ServerResponse, path: string, scenario: Scenario, book: CountBook): void {
  request.resume();
  if (request.method !== 'GET' && request.method !== 'HEAD') {
    sendJson(response, 405, { error: { message: `detour simulator: ${request.method ?? ''} is not supported`, type: 'invalid_request_error' } });
    return;
  }
  const created = 1_700_000_000;
  switch (path) {
    case '/health':
    case '/healthz':
      sendJson(response, 200, { status: 'ok', scenario: scenario.name });
      return;
    case '/_detour/counts':
      sendJson(response, 200, book.snapshot());
      return;
    case '/v1/models':
    case '/models': {
      const ids = scenarioModelIds(scenario);
      if (request.headers['anthropic-version'] !== undefined) {
        sendJson(response, 200, {
          data: ids.map((id) => ({ type: 'model', id, display_name: id, created_at: new Date(created * 1000).toISOString() })),
          has_more: false,
          first_id: ids[0] ?? null,
          last_id: ids[ids.length - 1] ?? null,
        });
        return;
      }
      sendJson(response, 200, { object: 'list', data: ids.map((id) => ({ id, object: 'model', created, owned_by: 'detour-simulator' })) });
      return;
    }
    case '/v1beta/models':
      sendJson(response, 200, {
        models: scenarioModelIds(scenario).map((id) => ({
          name: `models/${id}`,
          displayName: id,
          supportedGenerationMethods: ['generateContent', 'streamGenerateContent'],
        })),
      });
      return;
    default:
      sendJson(response, 404, { error: { message: `detour simulator: no route for ${request.method ?? 'GET'} ${path}`, type: 'invalid_request_error', code: 'not_found' } });
  }
}
