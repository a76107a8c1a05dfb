/**
 * What every SDK-backed adapter holds the same way: its client, the client's
 * key (scrubbed from errors), the model id, the provider key, the catalog's
 * params, and where the server is (for telemetry).
 */
import type { CallControl } from './call-control.js';
import { clientSecrets } from './call-error.js';
import { isControlled } from './controlled-fetch.js';
import { catalogParams } from './params.js';
import { serverAddressOf } from './server-address.js';
import type { GenerationParams } from './spec.js';

/** What an SDK call is made with: one attempt (detour decides what comes next), and the call's cancellation. */
export interface SdkRequestOptions {
  readonly maxRetries: 0;
  readonly signal?: AbortSignal;
  /** The call's control itself, for a client over a `controlledFetch`. */
  readonly fetchOptions?: Readonly<Record<string, never>>;
}

const ONE_ATTEMPT: SdkRequestOptions = { maxRetries: 0 };

export interface SdkAdapterOptions<Client> {
  readonly client: Client;
  readonly modelId: string;
  /** The catalog entry's `params` (snake_case keys), merged over every request. */
  readonly params?: Readonly<Record<string, unknown>>;
}

/**
 * The fields of `ProviderAdapter` that do not depend on the provider's wire;
 * each adapter adds `providerType`, `generate` and `stream`.
 *
 * @example
 * class OpenAIAdapter extends SdkAdapter<OpenAI> implements ProviderAdapter {
 *   constructor(options: OpenAIAdapterOptions) {
 *     super(options, options.provider ?? 'openai', options.client.baseURL);
 *   }
 * }
 */
export abstract class SdkAdapter<Client> {
  readonly specificationVersion = 'v2' as const;
  /** The provider's key in `provider_config` (e.g. `openai`, `local`). */
  readonly provider: string;
  readonly modelId: string;
  readonly serverAddress: string | null;
  readonly serverPort: number | null;
  protected readonly client: Client;
  protected readonly secrets: readonly string[];
  protected readonly params: GenerationParams | null;
  /** The client sends through a `controlledFetch`: a call's control goes in `fetchOptions`, no signal. */
  private readonly controlled: boolean;

  protected constructor(options: SdkAdapterOptions<Client>, provider: string, baseUrl: string | undefined) {
    this.client = options.client;
    this.secrets = clientSecrets(options.client);
    this.modelId = options.modelId;
    this.provider = provider;
    this.params = catalogParams(options.params);
    const address = serverAddressOf(baseUrl);
    this.serverAddress = address.serverAddress;
    this.serverPort = address.serverPort;
    this.controlled = isControlled(options.client);
  }

  /** The SDK's request options for a call under `control` (the shape `openai` and `@anthropic-ai/sdk` take). */
  protected requestOptions(control: CallControl | undefined): SdkRequestOptions {
    if (control === undefined) return ONE_ATTEMPT;
    return this.controlled ? { maxRetries: 0, fetchOptions: control.fetchOptions as Readonly<Record<string, never>> } : { maxRetries: 0, signal: control.signal };
  }
}
