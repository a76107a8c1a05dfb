/**
 * The Google Gemini adapter over `@google/genai` (`models.generateContent` / `generateContentStream`).
 */
import type { GenerateContentConfig, GenerateContentResponse, GoogleGenAI } from '@google/genai';
import { CallControl } from '../call-control.js';
import { filteredResponseError, isBodyParseError, malformedResponseError, toCallError } from '../call-error.js';
import { mergeParams } from '../params.js';
import { ContentBuilder } from '../content-builder.js';
import { responseOf } from '../response.js';
import { runStream, type StreamProtocol } from '../run-stream.js';
import { SdkAdapter } from '../sdk-adapter.js';
import type { CallOptions, GenerateRequest, GenerateResponse, ProviderAdapter, StreamPart } from '../spec.js';
import { toGoogleParameters, type GoogleProviderType } from './google-request.js';
import { finishOf, googleUsage, readGoogleParts, withToolCalls } from './google-response.js';
import { GoogleStreamReader } from './google-stream-reader.js';

/** Where the Gemini API lives when no base URL is configured. */
export const GOOGLE_DEFAULT_BASE_URL = 'https://generativelanguage.googleapis.com';

export interface GoogleAdapterOptions {
  /** A `@google/genai` client; detour's factory builds it with `retryOptions: { attempts: 1 }`. */
  readonly client: GoogleGenAI;
  /** The provider's model id, e.g. `gemini-2.0-flash`. */
  readonly modelId: string;
  /** The provider's key in `provider_config`. @default 'google' */
  readonly provider?: string;
  /** The catalog entry's `params` (snake_case keys), merged over every request. */
  readonly params?: Readonly<Record<string, unknown>>;
  /** For `server.address` / `server.port`. @default read from the client, else the Gemini API's */
  readonly baseUrl?: string;
  /**
   * Send `httpOptions.retryOptions: { attempts: 1 }` with every call, for clients
   * detour did not build (their retry settings are unknown).
   * @default false
   */
  readonly retriesOffPerCall?: boolean;
  /** `vertex` for Gemini on Vertex AI (a client in Vertex mode). @default 'google' */
  readonly providerType?: GoogleProviderType;
}

function baseUrlOf(client: GoogleGenAI): string | undefined {
  const apiClient = (client as unknown as { apiClient?: { getBaseUrl?: () => string } }).apiClient;
  try {
    return apiClient?.getBaseUrl?.();
  } catch {
    return undefined;
  }
}

/**
 * A `ProviderAdapter` over `client.models.generateContent`.
 *
 * @example
 * const client = new GoogleGenAI({ apiKey, httpOptions: { retryOptions: { attempts: 1 } } });
 * const adapter = new GoogleAdapter({ client, modelId: 'gemini-2.0-flash' });
 * const response = await adapter.generate({ model: 'gemini-2.0-flash', messages: [{ role: 'user', content: 'Hi' }] });
 */
export class GoogleAdapter extends SdkAdapter<GoogleGenAI> implements ProviderAdapter {
  readonly providerType: GoogleProviderType;
  private readonly perCallHttpOptions: GenerateContentConfig['httpOptions'] | undefined;
  private readonly streaming: StreamProtocol<GenerateRequest, GenerateContentResponse>;

  constructor(options: GoogleAdapterOptions) {
    const providerType = options.providerType ?? 'google';
    super(options, options.provider ?? providerType, options.baseUrl ?? baseUrlOf(options.client) ?? GOOGLE_DEFAULT_BASE_URL);
    this.providerType = providerType;
    this.perCallHttpOptions = options.retriesOffPerCall === true ? { retryOptions: { attempts: 1 } } : undefined;
    this.streaming = {
      provider: providerType,
      secrets: this.secrets,
      // The parameters carry the call's signal, so they are built once the call's control exists.
      prepare: (request) => request,
      open: (request, control) =>
        control.race(
          this.client.models.generateContentStream(
            toGoogleParameters(mergeParams(request, this.params), this.modelId, control.signal, this.perCallHttpOptions, providerType),
          ),
        ),
    };
  }

  async generate(request: GenerateRequest, options?: CallOptions): Promise<GenerateResponse> {
    const control = CallControl.of(options);
    let response: GenerateContentResponse;
    try {
      const parameters = toGoogleParameters(mergeParams(request, this.params), this.modelId, control?.signal, this.perCallHttpOptions, this.providerType);
      const call = this.client.models.generateContent(parameters);
      response = await (control === undefined ? call : control.race(call));
    } catch (error) {
      if (isBodyParseError(error) && control?.aborted !== true && control?.timedOut !== true) throw malformedResponseError(this.providerType, undefined, 'candidates', error);
      throw toCallError(error, { provider: this.providerType, control, secrets: this.secrets });
    } finally {
      control?.dispose();
    }
    // The SDK wraps whatever JSON came into its response class: a body with neither
    // candidates nor prompt feedback (empty, `null`, a list) is no answer at all.
    if (!Array.isArray(response?.candidates) && response?.promptFeedback === undefined) throw malformedResponseError(this.providerType, response, 'candidates');
    const content = new ContentBuilder();
    readGoogleParts(response, content, null, 0, response.responseId ?? null);
    const parts = content.content();
    const finishReason = finishOf(response) ?? { unified: 'other', raw: null };
    const answer = responseOf({
      content: parts,
      finishReason: withToolCalls(finishReason, content.toolCallCount),
      usage: googleUsage(response.usageMetadata),
      responseModel: response.modelVersion ?? null,
      responseId: response.responseId ?? null,
    });
    if (finishReason.unified === 'content_filter') throw filteredResponseError(this.providerType, finishReason, answer.text, response.promptFeedback?.blockReason ?? null, answer);
    return answer;
  }

  stream(request: GenerateRequest, options?: CallOptions): AsyncGenerator<StreamPart, void, undefined> {
    return runStream(this.streaming, request, options, new GoogleStreamReader(this.providerType));
  }
}
