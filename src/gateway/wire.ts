/**
 * What the gateway's two wire formats (OpenAI Chat Completions, Anthropic
 * Messages) have in common: a parsed request in detour's shapes, a JSON
 * answer, an event stream, and an error body.
 */
import type { ExecutorResult, ExecutorStreamEvent } from '../executor/types.js';
import type { GenerationParams, Message, RequestFeatures } from '../providers/spec.js';
import { GatewayProblem } from './GatewayProblem.js';
import type { SseWriter } from './SseWriter.js';

/** A wire request in detour's shapes. */
export interface ParsedRequest {
  /** The `model` field as the client sent it: a policy name, or `policy/model`. */
  readonly model: string;
  readonly messages: readonly Message[];
  readonly params: GenerationParams;
  /** `request.metadata.*` from the body (`metadata`, `user`). */
  readonly metadata: Readonly<Record<string, unknown>>;
  readonly stream: boolean;
  /** OpenAI `stream_options.include_usage`. */
  readonly includeUsage: boolean;
  /** Tools, tool choice, response format, reasoning. */
  readonly features: RequestFeatures;
}

/** The stream events that carry output. */
export type OutputEvent = Extract<ExecutorStreamEvent, { readonly type: 'text-delta' | 'reasoning-delta' | 'tool-call-start' | 'tool-call-delta' | 'tool-call' }>;

/** Writes one streamed answer in a wire format. Each method may return a promise when the socket is full. */
export interface StreamRenderer {
  /** Output from the model `event.model` (a catalog key). */
  event(event: OutputEvent): Promise<void> | undefined;
  /** The text so far is void: the policy restarts the answer on another model. */
  restart(failedModel: string): Promise<void> | undefined;
  /** The answer ended; `result` holds usage and the finish reason. */
  finish(result: ExecutorResult): void;
  /** The session failed after the stream began. */
  fail(problem: GatewayProblem): void;
}

export interface WireFormat {
  readonly name: 'openai' | 'anthropic';
  parse(body: unknown): ParsedRequest;
  /** The non-streamed answer. */
  answer(result: ExecutorResult, request: ParsedRequest): unknown;
  stream(sse: SseWriter, request: ParsedRequest): StreamRenderer;
  /** The status to send for a problem (Anthropic's clients know 529 for overload). */
  status(problem: GatewayProblem): number;
  errorBody(problem: GatewayProblem): unknown;
}

/** A 400 for a field of the request body. */
export function invalidField(message: string, param: string | null = null): GatewayProblem {
  return new GatewayProblem(400, 'invalid_request_error', param === null ? message : `${param}: ${message}`, 'invalid_request');
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** A finite number field, or undefined when absent; a 400 when it is something else. */
export function optionalNumber(body: Record<string, unknown>, field: string): number | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value !== 'number' || !Number.isFinite(value)) throw invalidField('must be a number', field);
  return value;
}

/** `stop` as a string or a list of strings. */
export function optionalStop(body: Record<string, unknown>, field: string): readonly string[] | undefined {
  const value = body[field];
  if (value === undefined || value === null) return undefined;
  if (typeof value === 'string') return [value];
  if (Array.isArray(value) && value.every((item) => typeof item === 'string')) return value as string[];
  throw invalidField('must be a string or a list of strings', field);
}

/** String-valued metadata as request facts; other values are dropped. */
export function metadataOf(value: unknown, field: string): Record<string, unknown> {
  if (value === undefined || value === null) return {};
  if (!isRecord(value)) throw invalidField('must be an object', field);
  const metadata: Record<string, unknown> = {};
  for (const [key, item] of Object.entries(value)) {
    if (typeof item === 'string' || typeof item === 'number' || typeof item === 'boolean') metadata[key] = item;
  }
  return metadata;
}

/** A tool call's arguments as the wire sends them (JSON text) parsed; the text itself when it does not parse. */
export function parseArguments(text: unknown): unknown {
  if (typeof text !== 'string') return text ?? {};
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text);
  } catch {
    return text;
  }
}

/** A JSON Schema object field, or a 400. */
export function schemaField(value: unknown, field: string): Readonly<Record<string, unknown>> {
  if (!isRecord(value)) throw invalidField('must be a JSON Schema object', field);
  return value;
}

/** An id for a response, unique enough for logs: `prefix` and 24 hex digits. */
export function responseId(prefix: string): string {
  return `${prefix}${crypto.randomUUID().replaceAll('-', '').slice(0, 24)}`;
}
