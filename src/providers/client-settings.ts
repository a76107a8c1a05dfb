/**
 * What every SDK client is built from, once the factory has resolved a
 * provider configuration (key read from the environment, overrides applied).
 */
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
