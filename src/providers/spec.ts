/**
 * The provider adapter spec (version v2): one request shape and one response
 * shape over every provider SDK — text, images, files, tools, structured
 * output and reasoning. Wire types stay inside each provider folder.
 */

import type { ProviderType } from '../provider-type.js';
import type { CallControlOptions } from './call-control.js';

export { PROVIDER_TYPES, type ProviderType } from '../provider-type.js';

/** `tool` messages carry the results of the assistant's tool calls. */
export type MessageRole = 'system' | 'user' | 'assistant' | 'tool';

/** A JSON Schema object (draft 2020-12 or 07), passed to providers as is. */
export type JSONSchema = Readonly<Record<string, unknown>>;

export interface TextPart {
  readonly type: 'text';
  readonly text: string;
}

/**
 * An image in a user message: an `https:` URL, a `data:` URL, base64 text
 * (then `mediaType` is required) or bytes.
 *
 * @example
 * { type: 'image', image: 'https://example.com/cat.png' }
 * { type: 'image', image: pngBytes, mediaType: 'image/png' }
 */
export interface ImagePart {
  readonly type: 'image';
  readonly image: string | Uint8Array;
  /** `image/png`, `image/jpeg`, `image/gif`, `image/webp`; read from a data URL when absent. */
  readonly mediaType?: string;
}

/**
 * A document in a user message (PDF, plain text): base64 text, a data URL or bytes.
 *
 * @example
 * { type: 'file', data: pdfBytes, mediaType: 'application/pdf', filename: 'invoice.pdf' }
 */
export interface FilePart {
  readonly type: 'file';
  readonly data: string | Uint8Array;
  readonly mediaType: string;
  readonly filename?: string;
}

/**
 * A tool call the assistant made, kept in the history so the next turn (on
 * any provider) sees it. `arguments` is the parsed JSON object.
 *
 * @example
 * { type: 'tool-call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }
 */
export interface ToolCallPart {
  readonly type: 'tool-call';
  readonly id: string;
  readonly name: string;
  readonly arguments: unknown;
  /** Gemini's opaque thought signature of this call, sent back as is (other providers ignore it). */
  readonly signature?: string;
}

/**
 * The result of one tool call, in a `tool` message; `id` and `name` are the call's.
 *
 * @example
 * { role: 'tool', content: [{ type: 'tool-result', id: 'call_1', name: 'get_weather', result: { temperature: 21 } }] }
 */
export interface ToolResultPart {
  readonly type: 'tool-result';
  readonly id: string;
  readonly name: string;
  /** Any JSON value; strings are sent as they are, anything else as JSON text where the provider wants text. */
  readonly result: unknown;
  readonly isError?: boolean;
}

/**
 * The assistant's thinking. Anthropic signs its thinking blocks: keep the
 * part (with its `signature`) in the history and it is sent back as is;
 * other providers drop reasoning from the history they are sent.
 */
export interface ReasoningPart {
  readonly type: 'reasoning';
  readonly text: string;
  readonly signature?: string;
  /** Anthropic's `redacted_thinking` block: the encrypted data, sent back as is (`text` is empty). */
  readonly redactedData?: string;
}

export type ContentPart = TextPart | ImagePart | FilePart | ToolCallPart | ToolResultPart | ReasoningPart;

export interface Message {
  readonly role: MessageRole;
  readonly content: string | readonly ContentPart[];
}

/**
 * A function the model may call.
 *
 * @example
 * { name: 'get_weather', description: 'Current weather for a city', parameters: { type: 'object', properties: { city: { type: 'string' } }, required: ['city'] } }
 */
export interface Tool {
  readonly name: string;
  readonly description?: string;
  /** JSON Schema of the arguments object. */
  readonly parameters: JSONSchema;
}

/** `auto` (the model decides), `none`, `required` (some tool), or one named tool. */
export type ToolChoice = 'auto' | 'none' | 'required' | { readonly name: string };

/**
 * `json` asks for a JSON answer; with a `schema`, providers with native
 * structured output get the schema, the rest are asked for JSON and the
 * answer is checked against the schema (policy `output_checks: [json_schema]`).
 */
export type ResponseFormat =
  | { readonly type: 'text' }
  | { readonly type: 'json'; readonly schema?: JSONSchema; readonly name?: string };

/** Thinking effort, mapped to each provider's knob (OpenAI `reasoning_effort`, Anthropic / Gemini thinking budgets). */
export interface ReasoningOptions {
  readonly effort?: 'low' | 'medium' | 'high';
  /** An explicit thinking budget in tokens (Anthropic `budget_tokens`, Gemini `thinkingBudget`); wins over `effort` there. */
  readonly budgetTokens?: number;
}

/** What a request can carry beyond messages and sampling parameters. */
export interface RequestFeatures {
  readonly tools?: readonly Tool[];
  readonly toolChoice?: ToolChoice;
  readonly responseFormat?: ResponseFormat;
  readonly reasoning?: ReasoningOptions;
  /** Let the model call several tools in one turn. @default the provider's default (yes) */
  readonly parallelToolCalls?: boolean;
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

export interface GenerateRequest extends GenerationParams, RequestFeatures {
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
  /** Thinking tokens, where the provider reports them (included in `outputTokens`). */
  readonly reasoningTokens?: number;
  /** Input tokens served from the provider's prompt cache, where reported. */
  readonly cachedInputTokens?: number;
}

/** A tool call in an answer; `arguments` is parsed JSON (the raw text when it did not parse). */
export interface ToolCall {
  readonly id: string;
  readonly name: string;
  readonly arguments: unknown;
}

export interface GenerateResponse {
  /** The text parts joined. */
  readonly text: string;
  /** Everything the model produced, in order: reasoning, text, tool calls. Append it as the assistant message to continue. */
  readonly content: readonly ContentPart[];
  /** The tool calls of `content`; [] when none. */
  readonly toolCalls: readonly ToolCall[];
  /** The reasoning parts' text joined, or null when there was none. */
  readonly reasoning: string | null;
  /** The provider's refusal message (OpenAI `refusal`), or null. */
  readonly refusal?: string | null;
  readonly finishReason: FinishReason;
  readonly usage: Usage;
  readonly responseModel: string | null;
  readonly responseId: string | null;
}

/**
 * A stream yields deltas, then exactly one `finish`. Tool calls arrive as
 * `tool-call-start`, `tool-call-delta`s (argument JSON text in pieces) and one
 * `tool-call` with the parsed arguments. Reasoning arrives as
 * `reasoning-delta`s; see ReasoningDelta for its signature and redacted blocks.
 */
export type StreamPart =
  | { readonly type: 'text-delta'; readonly text: string }
  | ReasoningDelta
  | { readonly type: 'tool-call-start'; readonly id: string; readonly name: string }
  | { readonly type: 'tool-call-delta'; readonly id: string; readonly argumentsDelta: string }
  | { readonly type: 'tool-call'; readonly id: string; readonly name: string; readonly arguments: unknown }
  | { readonly type: 'finish'; readonly response: GenerateResponse };

/**
 * A piece of the model's thinking. Most carry `text`; a signed block's
 * signature (Anthropic `signature_delta`, Gemini `thoughtSignature`) comes as
 * one with `text: ''` and `signature` — the current block's whole signature
 * so far (a later one for the same block replaces it, as Anthropic's clients
 * read `signature_delta`). It ends the block: later reasoning text starts a
 * new one. An
 * Anthropic `redacted_thinking` block comes whole as one with `text: ''` and
 * `redactedData`. Keep both to send the thinking back (the `finish` response's
 * `content` has them assembled).
 *
 * @example
 * { type: 'reasoning-delta', text: 'The user wants ' }
 * { type: 'reasoning-delta', text: '', signature: 'EqQBCkgIAR…' }
 */
export interface ReasoningDelta {
  readonly type: 'reasoning-delta';
  readonly text: string;
  readonly signature?: string;
  readonly redactedData?: string;
}

/** How one call runs: its abort signal, timeout and control (see `CallControlOptions`). */
export type CallOptions = CallControlOptions;

/**
 * One model behind one provider client. Adapters throw `ProviderCallError`
 * (with a classified `ErrorFact`) and nothing else; every promise they create
 * is handled.
 */
export interface ProviderAdapter {
  readonly specificationVersion: 'v2';
  /** The provider's key in `provider_config` (e.g. `openai`, `local`). */
  readonly provider: string;
  readonly providerType: ProviderType;
  readonly modelId: string;
  /** For telemetry: `server.address` / `server.port`. */
  readonly serverAddress: string | null;
  readonly serverPort: number | null;
  generate(request: GenerateRequest, options?: CallOptions): Promise<GenerateResponse>;
  /** Yields deltas (text, reasoning, tool calls), then exactly one `finish`. Breaks raise `stream_interrupted` with the partial text. */
  stream(request: GenerateRequest, options?: CallOptions): AsyncIterable<StreamPart>;
}
