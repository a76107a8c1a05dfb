/**
 * The provider adapter spec (version v1): one request shape and one response
 * shape over every provider SDK. Wire types stay inside each provider folder.
 */

export type ProviderType = 'openai' | 'anthropic' | 'google' | 'openai_compatible';

export const PROVIDER_TYPES: readonly ProviderType[] = ['openai', 'anthropic', 'google', 'openai_compatible'];

export type MessageRole = 'system' | 'user' | 'assistant';

/** Text today; images and tool calls get their own part types later. */
export interface TextPart {
  readonly type: 'text';
  readonly text: string;
}

export type ContentPart = TextPart;

export interface Message {
  readonly role: MessageRole;
  readonly content: string | readonly ContentPart[];
}

/** Caller-facing generation parameters (snake_case keys in YAML `params` map onto these). */
export interface GenerationParams {
  readonly maxTokens?: number;
  readonly temperature?: number;
  readonly topP?: number;
  readonly stop?: readonly string[];
  /** Anything else, passed through to the provider's request body as is. */
  readonly extra?: Readonly<Record<string, unknown>>;
}

export interface GenerateRequest extends GenerationParams {
  /** The provider's model id (the catalog's `model`, not its key). */
  readonly model: string;
  readonly messages: readonly Message[];
}

export type UnifiedFinishReason = 'stop' | 'length' | 'content_filter' | 'tool_calls' | 'error' | 'other';

export interface FinishReason {
  readonly unified: UnifiedFinishReason;
  /** What the provider said, e.g. `end_turn`, `MAX_TOKENS`. */
  readonly raw: string | null;
}

export interface Usage {
  readonly inputTokens: number | null;
  readonly outputTokens: number | null;
}

export interface GenerateResponse {
  readonly text: string;
  readonly finishReason: FinishReason;
  readonly usage: Usage;
  readonly responseModel: string | null;
  readonly responseId: string | null;
}

export type StreamPart =
  | { readonly type: 'text-delta'; readonly text: string }
  | { readonly type: 'finish'; readonly response: GenerateResponse };

export interface CallOptions {
  /** Aborts the call; the adapter throws a ProviderCallError of kind `aborted`. */
  readonly signal?: AbortSignal;
  /** Per-call timeout in ms; when it fires the adapter throws kind `timeout`. */
  readonly timeout?: number;
}

/**
 * One model behind one provider client. Adapters throw `ProviderCallError`
 * (with a classified `ErrorFact`) and nothing else; every promise they create
 * is handled.
 */
export interface ProviderAdapter {
  readonly specificationVersion: 'v1';
  /** The provider's key in `provider_config` (e.g. `openai`, `local`). */
  readonly provider: string;
  readonly providerType: ProviderType;
  readonly modelId: string;
  /** For telemetry: `server.address` / `server.port`. */
  readonly serverAddress: string | null;
  readonly serverPort: number | null;
  generate(request: GenerateRequest, options?: CallOptions): Promise<GenerateResponse>;
  /** Yields text deltas, then exactly one `finish`. Breaks raise `stream_interrupted` with the partial text. */
  stream(request: GenerateRequest, options?: CallOptions): AsyncIterable<StreamPart>;
}
