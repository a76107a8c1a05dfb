/**
 * What every SDK client is built from, once the factory has resolved a
 * provider configuration (key read from the environment, overrides applied).
 */
import type { Agent } from 'undici';

/** A WHATWG fetch, as every SDK's `fetch` option takes it. */
export type FetchFunction = (input: string | URL | Request, init?: RequestInit) => Promise<Response>;

export interface ClientSettings {
  readonly apiKey: string;
  /** null: the SDK's default endpoint. */
  readonly baseUrl: string | null;
  /** The SDK's own per-request timeout in ms (detour's per-call timer works beside it). */
  readonly timeoutMs: number | null;
  /** null: the SDK's default (global) fetch. */
  readonly fetch: FetchFunction | null;
  readonly headers: Readonly<Record<string, string>>;
}

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
