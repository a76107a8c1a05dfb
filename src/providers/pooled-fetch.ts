/**
 * The fetch behind `provider_config.*.max_connections`: its own module so the
 * transports it may load (request-fetch.ts) can import the client types from
 * client-settings.ts without an import cycle.
 */
import type { Agent } from 'undici';
import type { FetchFunction } from './client-settings.js';

/**
 * A fetch that sends every request through one undici `Agent` limited to
 * `connections` sockets per origin: `provider_config.*.max_connections`.
 * The agent is returned so its owner can close it. undici is imported here,
 * the first time a policy sets `max_connections`, not when detour is.
 * `transport: 'undici'`: the lean fetch over undici's `request` (request-fetch.ts).
 *
 * @example
 * const { fetch, agent } = await pooledFetch(10);
 * const client = new OpenAI({ apiKey, fetch, maxRetries: 0 });
 */
export async function pooledFetch(connections: number, transport: 'fetch' | 'undici' = 'fetch'): Promise<{ readonly fetch: FetchFunction; readonly agent: Agent }> {
  const { Agent, fetch: undiciFetch } = await import('undici');
  const agent = new Agent({ connections });
  if (transport === 'undici') {
    const { requestFetch } = await import('./request-fetch.js');
    return { fetch: await requestFetch(agent), agent };
  }
  const fetch: FetchFunction = (input, init) =>
    undiciFetch(input as Parameters<typeof undiciFetch>[0], { ...(init as Parameters<typeof undiciFetch>[1]), dispatcher: agent }) as unknown as Promise<Response>;
  return { fetch, agent };
}
