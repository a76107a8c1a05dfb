/**
 * Credentials that exist only once a request is signed (an Entra ID token, a
 * Google access token from application-default credentials) cannot be
 * listed when the client is built, so the cloud clients send their requests
 * through a fetch that remembers the credential each request carries; the
 * adapter scrubs every remembered value from its errors.
 */
import type { FetchFunction } from './client-settings.js';

/** Tokens are refreshed about hourly: the last few are kept, enough for every request in flight. */
const KEPT = 8;

const secretsByClient = new WeakMap<object, string[]>();

function credentialOf(headers: Headers): string | null {
  const authorization = headers.get('authorization');
  if (authorization !== null) return authorization.replace(/^\s*Bearer\s+/i, '').trim() || null;
  return headers.get('api-key') ?? headers.get('x-goog-api-key');
}

/**
 * A fetch over `base` (global fetch when null) that adds each request's
 * credential to `secrets` (a live list: the adapter reads it when an error happens).
 *
 * @example
 * const secrets: string[] = [];
 * const client = new AnthropicVertex({ ..., fetch: credentialRecordingFetch(null, secrets) });
 * rememberClientSecrets(client, secrets);
 */
export function credentialRecordingFetch(base: FetchFunction | null, secrets: string[]): FetchFunction {
  return (input, init) => {
    const headers = new Headers(init?.headers ?? (input instanceof Request ? input.headers : undefined));
    const credential = credentialOf(headers);
    if (credential !== null && !secrets.includes(credential)) {
      secrets.push(credential);
      if (secrets.length > KEPT) secrets.splice(0, secrets.length - KEPT);
    }
    return (base ?? fetch)(input, init);
  };
}

/** Ties a client to the live list of credentials its fetch has seen (read by `clientSecrets`). */
export function rememberClientSecrets(client: object, secrets: string[]): void {
  secretsByClient.set(client, secrets);
}

/** The live list of credentials a client's requests carried, or null for a client without one. */
export function recordedSecrets(client: object): readonly string[] | null {
  return secretsByClient.get(client) ?? null;
}
