/**
 * An adapter built on its first call, so its SDK is imported only when a
 * policy first calls that provider. Until then it answers for the adapter
 * (provider, model, server address); the first call waits for the real
 * adapter, every later call goes straight to it.
 */
import { serverAddressOf } from './server-address.js';
import type { CallOptions, GenerateRequest, GenerateResponse, ProviderAdapter, ProviderType, StreamPart } from './spec.js';

export interface LazyAdapterOptions {
  readonly provider: string;
  readonly providerType: ProviderType;
  readonly modelId: string;
  /**
   * Where the adapter will send requests, for `server.address` / `server.port`
   * before it exists; a promise when that is only known later (a caller's
   * Bedrock client resolves its region asynchronously): the address is null
   * until it settles.
   */
  readonly baseUrl: string | null | Promise<string | null>;
  /** Builds the real adapter; rejects with a ProviderCallError (e.g. the SDK is not installed). */
  readonly build: () => Promise<ProviderAdapter>;
}

/**
 * @example
 * const adapter = new LazyAdapter({
 *   provider: 'openai', providerType: 'openai', modelId: 'gpt-4o', baseUrl: null,
 *   build: async () => new OpenAIAdapter({ client: createOpenAIClient(await loadSdk('openai', provider), settings), modelId: 'gpt-4o' }),
 * });
 * await adapter.generate({ model: 'gpt-4o', messages }); // imports `openai` here, once
 */
export class LazyAdapter implements ProviderAdapter {
  readonly specificationVersion = 'v2' as const;
  readonly provider: string;
  readonly providerType: ProviderType;
  readonly modelId: string;
  serverAddress: string | null = null;
  serverPort: number | null = null;
  readonly #build: () => Promise<ProviderAdapter>;
  #building: Promise<ProviderAdapter> | null = null;
  #adapter: ProviderAdapter | null = null;

  constructor(options: LazyAdapterOptions) {
    this.provider = options.provider;
    this.providerType = options.providerType;
    this.modelId = options.modelId;
    if (options.baseUrl instanceof Promise) options.baseUrl.then((baseUrl) => this.#addressAt(baseUrl), () => {});
    else this.#addressAt(options.baseUrl);
    this.#build = options.build;
  }

  generate(request: GenerateRequest, options?: CallOptions): Promise<GenerateResponse> {
    const adapter = this.#adapter;
    if (adapter !== null) return adapter.generate(request, options);
    return this.#ready().then((built) => built.generate(request, options));
  }

  stream(request: GenerateRequest, options?: CallOptions): AsyncIterable<StreamPart> {
    const adapter = this.#adapter;
    return adapter !== null ? adapter.stream(request, options) : this.#streamWhenReady(request, options);
  }

  async *#streamWhenReady(request: GenerateRequest, options: CallOptions | undefined): AsyncGenerator<StreamPart, void, undefined> {
    const adapter = await this.#ready();
    yield* adapter.stream(request, options);
  }

  #addressAt(baseUrl: string | null): void {
    const address = serverAddressOf(baseUrl);
    this.serverAddress = address.serverAddress;
    this.serverPort = address.serverPort;
  }

  #ready(): Promise<ProviderAdapter> {
    if (this.#building !== null) return this.#building;
    const building = this.#build().then(
      (adapter) => {
        this.#adapter = adapter;
        return adapter;
      },
      (error: unknown) => {
        // A failed build (say, the SDK is missing) is tried again on the next call.
        this.#building = null;
        throw error;
      },
    );
    this.#building = building;
    return building;
  }
}
