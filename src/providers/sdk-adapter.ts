/**
 * What every SDK-backed adapter holds the same way: its client, the client's
 * key (scrubbed from errors), the model id, the provider key, the catalog's
 * params, and where the server is (for telemetry).
 */
import { clientSecrets } from './call-error.js';
import { catalogParams } from './params.js';
import { serverAddressOf } from './server-address.js';
import type { GenerationParams } from './spec.js';

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

  protected constructor(options: SdkAdapterOptions<Client>, provider: string, baseUrl: string | undefined) {
    this.client = options.client;
    this.secrets = clientSecrets(options.client);
    this.modelId = options.modelId;
    this.provider = provider;
    this.params = catalogParams(options.params);
    const address = serverAddressOf(baseUrl);
    this.serverAddress = address.serverAddress;
    this.serverPort = address.serverPort;
  }
}
