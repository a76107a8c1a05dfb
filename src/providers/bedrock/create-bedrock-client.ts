/**
 * A `BedrockRuntimeClient` as detour uses it: the SDK's retries off (detour's
 * policy is the only retry logic), requests sent through detour's fetch, and
 * credentials from the standard AWS chain unless settings give them.
 */
import type * as BedrockSdk from '@aws-sdk/client-bedrock-runtime';
import type { BedrockRuntimeClient } from '@aws-sdk/client-bedrock-runtime';
import type { FetchFunction } from '../client-settings.js';
import { FetchRequestHandler } from './fetch-request-handler.js';

/** Static AWS credentials (an access key pair, with the session token of temporary ones). */
export interface AwsCredentials {
  readonly accessKeyId: string;
  readonly secretAccessKey: string;
  readonly sessionToken?: string;
}

/** What a Bedrock client is built from, once the factory has read the policy and the environment. */
export interface BedrockClientSettings {
  /** The AWS region; null: the SDK reads it from the profile's config file (or fails at the first call). */
  readonly region: string | null;
  /** The shared-config profile for credentials and region; null: AWS_PROFILE, else `default`. */
  readonly profile: string | null;
  /** The endpoint, e.g. a VPC endpoint or a local server; null: `https://bedrock-runtime.{region}.amazonaws.com`. */
  readonly endpoint: string | null;
  /** Static credentials; null: the SDK's default chain (environment, shared files, SSO, web identity, container and instance roles). */
  readonly credentials: AwsCredentials | null;
  /** A Bedrock API key, sent as `Authorization: Bearer …` instead of signing; null: SigV4. */
  readonly bearerToken: string | null;
  /** Each request's own timeout in ms (detour's per-call timer works beside it). */
  readonly timeoutMs: number | null;
  /** null: the global fetch. */
  readonly fetch: FetchFunction | null;
  readonly headers: Readonly<Record<string, string>>;
}

/** A fetch that gives up after `timeoutMs` (kind `timeout`), whatever the caller's signal does. */
function withTimeout(fetch: FetchFunction, timeoutMs: number): FetchFunction {
  return (input, init) => {
    const timer = AbortSignal.timeout(timeoutMs);
    const signal = init?.signal ? AbortSignal.any([init.signal, timer]) : timer;
    return fetch(input, { ...init, signal });
  };
}

/**
 * @example
 * const client = createBedrockClient(await import('@aws-sdk/client-bedrock-runtime'), {
 *   region: 'us-east-1', profile: null, endpoint: null, credentials: null, bearerToken: null, timeoutMs: null, fetch: null, headers: {},
 * });
 */
export function createBedrockClient(sdk: typeof BedrockSdk, settings: BedrockClientSettings): BedrockRuntimeClient {
  const baseFetch: FetchFunction = settings.fetch ?? ((input, init) => globalThis.fetch(input, init));
  const fetch = settings.timeoutMs === null ? baseFetch : withTimeout(baseFetch, settings.timeoutMs);
  const client = new sdk.BedrockRuntimeClient({
    maxAttempts: 1,
    requestHandler: new FetchRequestHandler(fetch),
    ...(settings.region === null ? {} : { region: settings.region }),
    ...(settings.profile === null ? {} : { profile: settings.profile }),
    ...(settings.endpoint === null ? {} : { endpoint: settings.endpoint }),
    ...(settings.credentials === null ? {} : { credentials: { ...settings.credentials } }),
    ...(settings.bearerToken === null ? {} : { token: { token: settings.bearerToken }, authSchemePreference: ['httpBearerAuth'] }),
  });
  const headers = Object.entries(settings.headers);
  if (headers.length > 0) {
    // Added before signing, so signed requests carry them too.
    client.middlewareStack.add(
      (next) => async (args) => {
        const request = args.request as { headers?: Record<string, string> };
        if (request.headers !== undefined) for (const [name, value] of headers) request.headers[name] = value;
        return next(args);
      },
      { step: 'build', name: 'detourProviderHeaders' },
    );
  }
  return client;
}
