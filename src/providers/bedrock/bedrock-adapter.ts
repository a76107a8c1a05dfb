/**
 * The Amazon Bedrock adapter, over the Converse API: one request shape for
 * every model Bedrock serves (Claude, Llama, Mistral, Nova, …), with tools,
 * images, documents, JSON-schema output and reasoning where the model takes them.
 */
import type * as BedrockSdk from '@aws-sdk/client-bedrock-runtime';
import type { BedrockRuntimeClient, ConverseCommandInput, ConverseResponse, ConverseStreamCommandOutput, ConverseStreamOutput } from '@aws-sdk/client-bedrock-runtime';
import { CallControl } from '../call-control.js';
import { filteredResponseError, isBodyParseError, malformedResponseError, toCallError } from '../call-error.js';
import { mergeParams } from '../params.js';
import { responseOf } from '../response.js';
import { runStream, type StreamProtocol } from '../run-stream.js';
import { SdkAdapter } from '../sdk-adapter.js';
import type { CallOptions, GenerateRequest, GenerateResponse, ProviderAdapter, StreamPart } from '../spec.js';
import { toConverseInput } from './bedrock-request.js';
import { bedrockContent, bedrockUsage } from './bedrock-response.js';
import { BedrockStreamReader } from './bedrock-stream-reader.js';
import { mapBedrockFinishReason } from './map-bedrock-finish-reason.js';
import { hasSdkRetries, withoutSdkRetries } from './sdk-retries-off.js';

export interface BedrockAdapterOptions {
  /** A `BedrockRuntimeClient`; detour's factory builds it with `maxAttempts: 1` (build yours so too, or set `retriesOffPerCall`). */
  readonly client: BedrockRuntimeClient;
  /** The `@aws-sdk/client-bedrock-runtime` module the client came from (for its commands). */
  readonly sdk: Pick<typeof BedrockSdk, 'ConverseCommand' | 'ConverseStreamCommand'>;
  /** A model id, inference profile id or ARN, e.g. `us.anthropic.claude-sonnet-4-20250514-v1:0`. */
  readonly modelId: string;
  /** Where the client sends requests, for telemetry (`server.address`), e.g. `https://bedrock-runtime.eu-west-3.amazonaws.com`; omitted: no address is reported. */
  readonly baseUrl?: string;
  /** The provider's key in `provider_config`. @default 'bedrock' */
  readonly provider?: string;
  /** The catalog entry's `params` (snake_case keys), merged over every request. */
  readonly params?: Readonly<Record<string, unknown>>;
  /** Credential values to scrub from errors wherever they might be echoed (secret key, session token, API key). */
  readonly secrets?: readonly string[];
  /** Send each command once whatever the client's `maxAttempts` (for a client the caller built). @default false */
  readonly retriesOffPerCall?: boolean;
}

/** An error the SDK raised after a 200 arrived (its `$metadata` says so). */
function isAnswered(error: unknown): boolean {
  const metadata = typeof error === 'object' && error !== null ? (error as { $metadata?: { httpStatusCode?: unknown } }).$metadata : undefined;
  return metadata?.httpStatusCode === 200;
}

/** What a streamed call learns once it opened. */
interface OpenedStream {
  requestId: string | null;
}

/**
 * A `ProviderAdapter` over `ConverseCommand` / `ConverseStreamCommand`.
 *
 * @example
 * const sdk = await import('@aws-sdk/client-bedrock-runtime');
 * const client = new sdk.BedrockRuntimeClient({ region: 'us-east-1', maxAttempts: 1 });
 * const adapter = new BedrockAdapter({ client, sdk, modelId: 'us.anthropic.claude-3-5-haiku-20241022-v1:0' });
 * const response = await adapter.generate({ model: adapter.modelId, messages: [{ role: 'user', content: 'Hi' }] });
 */
export class BedrockAdapter extends SdkAdapter<BedrockRuntimeClient> implements ProviderAdapter {
  readonly providerType = 'bedrock' as const;
  private readonly sdk: BedrockAdapterOptions['sdk'];
  private readonly credentialSecrets: readonly string[];
  private readonly retriesOff: boolean;

  constructor(options: BedrockAdapterOptions) {
    super(options, options.provider ?? 'bedrock', options.baseUrl);
    this.sdk = options.sdk;
    this.credentialSecrets = (options.secrets ?? []).filter((secret) => secret.length > 0);
    this.retriesOff = options.retriesOffPerCall === true && hasSdkRetries(options.client);
  }

  private once<Command extends { readonly middlewareStack: object }>(command: Command): Command {
    return this.retriesOff ? withoutSdkRetries(command) : command;
  }

  async generate(request: GenerateRequest, options?: CallOptions): Promise<GenerateResponse> {
    const input = toConverseInput(mergeParams(request, this.params), this.modelId);
    const control = CallControl.of(options);
    let output: ConverseResponse & { $metadata?: { requestId?: string } };
    try {
      const call = this.client.send(this.once(new this.sdk.ConverseCommand(input)), control === undefined ? {} : { abortSignal: control.signal });
      output = await (control === undefined ? call : control.race(call));
    } catch (error) {
      if (isBodyParseError(error) && control?.aborted !== true && control?.timedOut !== true) throw malformedResponseError('bedrock', undefined, 'output', error);
      throw toCallError(error, { provider: 'bedrock', control, secrets: this.credentialSecrets });
    } finally {
      control?.dispose();
    }
    const blocks = (output as { output?: { message?: { content?: unknown } } } | null | undefined)?.output?.message?.content;
    if (!Array.isArray(blocks)) throw malformedResponseError('bedrock', output, 'output.message.content');
    const content = bedrockContent(output.output?.message?.content ?? []).content();
    const finishReason = mapBedrockFinishReason(output.stopReason);
    const response = responseOf({
      content,
      finishReason,
      usage: bedrockUsage(output.usage),
      responseModel: this.modelId,
      responseId: output.$metadata?.requestId ?? null,
    });
    if (finishReason.unified === 'content_filter') throw filteredResponseError('bedrock', finishReason, response.text, null, response);
    return response;
  }

  stream(request: GenerateRequest, options?: CallOptions): AsyncGenerator<StreamPart, void, undefined> {
    const opened: OpenedStream = { requestId: null };
    const protocol: StreamProtocol<ConverseCommandInput, ConverseStreamOutput> = {
      provider: 'bedrock',
      secrets: this.credentialSecrets,
      prepare: (streamed) => toConverseInput(mergeParams(streamed, this.params), this.modelId),
      open: async (input, control) => {
        let output: ConverseStreamCommandOutput;
        try {
          output = await control.race(this.client.send(this.once(new this.sdk.ConverseStreamCommand(input)), { abortSignal: control.signal }));
        } catch (error) {
          // The SDK reads the first event before it answers: a 200 whose stream broke there is a broken stream.
          if (isAnswered(error)) throw toCallError(error, { provider: 'bedrock', control, duringStream: true, secrets: this.credentialSecrets });
          throw error;
        }
        opened.requestId = output.$metadata.requestId ?? null;
        if (output.stream === undefined) throw malformedResponseError('bedrock', output, 'stream');
        return output.stream;
      },
    };
    return runStream(protocol, request, options, new BedrockStreamReader(this.modelId, () => opened.requestId));
  }
}
