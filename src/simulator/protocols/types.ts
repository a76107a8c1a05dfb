/**
 * What each wire protocol (OpenAI chat completions, Anthropic messages,
 * Google generateContent) supplies to the simulator's one request loop.
 */
import { createHash } from 'node:crypto';
import type { DocumentedProvider } from '../../errors/catalog.js';

/** The facts about a request the simulator needs, whatever the protocol. */
export interface SimulatedRequest {
  readonly model: string;
  readonly stream: boolean;
  /** The last user message's text. */
  readonly lastUserText: string;
  /** Characters of every message, for the input token estimate. */
  readonly inputCharacters: number;
  readonly maxTokens: number | null;
  /** OpenAI `stream_options.include_usage`. */
  readonly includeUsage: boolean;
  /** The names of the tools the request offers. */
  readonly tools: readonly string[];
  /** The conversation ends with tool results (the model answers them instead of calling again). */
  readonly lastIsToolResult: boolean;
  /** Image and file (document) parts in the request. */
  readonly images: number;
  readonly files: number;
  /** The JSON Schema the answer must fit (structured output), or null. */
  readonly jsonSchema: unknown;
  /** JSON was asked for, with or without a schema. */
  readonly wantsJson: boolean;
}

/** No tools, images, files or JSON: the fields a text-only request has. */
export const TEXT_ONLY = {
  tools: [] as readonly string[],
  lastIsToolResult: false,
  images: 0,
  files: 0,
  jsonSchema: null,
  wantsJson: false,
} as const;

/** A tool call the simulator makes; `argumentChunks` joined are `arguments`. */
export interface PlannedToolCall {
  readonly id: string;
  readonly name: string;
  /** The arguments as JSON text. */
  readonly arguments: string;
  readonly argumentChunks: readonly string[];
}

/** How a reply ends: normally, cut by length, filtered, or with no terminator at all. */
export type ReplyEnding = 'stop' | 'length' | 'filtered' | 'none';

/** One reply, protocol-neutral, ready to be framed. */
export interface ReplyPlan {
  readonly id: string;
  readonly model: string;
  readonly text: string;
  readonly chunks: readonly string[];
  readonly inputTokens: number;
  readonly outputTokens: number;
  readonly ending: ReplyEnding;
  /** Unix seconds. */
  readonly created: number;
  readonly includeUsage: boolean;
  /** Tool calls after the text (the finish reason then says so). */
  readonly toolCalls: readonly PlannedToolCall[];
  /** Thinking before the text, in chunks, and its signature (Anthropic and Gemini send one). */
  readonly reasoning: string | null;
  readonly reasoningChunks: readonly string[];
  readonly reasoningSignature: string | null;
  /** OpenAI's `refusal` message (the text is then empty). */
  readonly refusal: string | null;
}

/** Bytes on the wire: SSE text, or binary frames (Bedrock's event stream). */
export type Frame = string | Uint8Array;

/** A stream's frames, split so faults can stop or drop parts of it. */
export interface StreamFrames {
  readonly head: Frame;
  /** One frame (or frames) per content chunk. */
  readonly content: readonly Frame[];
  /** Finish, usage and terminator frames (whatever `ending` leaves of them). */
  readonly tail: Frame;
}

/** Frames as one write: text stays text, any binary frame makes the whole a Buffer. */
export function joinFrames(frames: readonly Frame[]): Frame {
  if (frames.every((frame) => typeof frame === 'string')) return (frames as readonly string[]).join('');
  return Buffer.concat(frames.map((frame) => (typeof frame === 'string' ? Buffer.from(frame, 'utf8') : frame)));
}

export type HeaderList = Readonly<Record<string, string>>;

export interface WireProtocol {
  /** Whose documented error shape this endpoint answers with. */
  readonly provider: DocumentedProvider;
  /** Reads the parsed JSON body (and the model/stream from the URL for Google and Bedrock); a string is what is wrong. */
  readRequest(body: unknown, urlModel: string | null, urlStream: boolean): SimulatedRequest | string;
  /** The prefix of ids (`chatcmpl-`, `msg_`, or none). */
  newId(sequence: number): string;
  jsonHeaders(requestId: string): HeaderList;
  streamHeaders(requestId: string): HeaderList;
  jsonBody(plan: ReplyPlan): string;
  streamFrames(plan: ReplyPlan): StreamFrames;
  /** A 200 body that is not valid JSON (or a stream whose first frame is not). */
  malformedJson(plan: ReplyPlan): string;
  malformedStream(plan: ReplyPlan): Frame;
  /** An error sent inside a stream that has already started (the documented error body, framed; its headers name the error where the body does not). */
  streamErrorFrame(body: string, headers: HeaderList): Frame;
}

/** The text of a message's content: a string, or an array of parts with `text`. */
export function textOfContent(content: unknown): string {
  if (typeof content === 'string') return content;
  if (!Array.isArray(content)) return '';
  let text = '';
  for (const part of content) {
    if (typeof part === 'string') text += part;
    else if (typeof part === 'object' && part !== null && typeof (part as { text?: unknown }).text === 'string') {
      text += (part as { text: string }).text;
    }
  }
  return text;
}

export function isRecord(value: unknown): value is Record<string, unknown> {
  return typeof value === 'object' && value !== null && !Array.isArray(value);
}

/** What the simulator reads off a conversation's turns, whatever the protocol. */
export type TurnFigures = Pick<SimulatedRequest, 'lastUserText' | 'inputCharacters' | 'images' | 'files'>;

/** Where a protocol keeps a turn's parts, and how it tells the user's turns, images and files. */
export interface TurnShape {
  /** The field holding a turn's parts: `content`, or Gemini's `parts`. */
  readonly parts: string;
  /** Whether the turn is the user's (its text given). @default its `role` is `user` */
  readonly isUser?: (turn: Record<string, unknown>, text: string) => boolean;
  readonly images: (parts: unknown) => number;
  readonly files: (parts: unknown) => number;
}

/**
 * The figures of a conversation's turns (`messages`, Gemini's `contents`): the
 * characters sent (after `systemText`'s), the last user turn's text, and the
 * images and files attached.
 *
 * @example
 * readTurns(body.messages, { parts: 'content', images: (parts) => countPartsOfType(parts, 'image'), files: (parts) => countPartsOfType(parts, 'document') })
 */
export function readTurns(turns: readonly unknown[], shape: TurnShape, systemText = ''): TurnFigures {
  let lastUserText = '';
  let inputCharacters = systemText.length;
  let images = 0;
  let files = 0;
  for (const turn of turns) {
    if (!isRecord(turn)) continue;
    const parts = turn[shape.parts];
    const text = textOfContent(parts);
    inputCharacters += text.length;
    if (shape.isUser === undefined ? turn['role'] === 'user' : shape.isUser(turn, text)) lastUserText = text;
    images += shape.images(parts);
    files += shape.files(parts);
  }
  return { lastUserText, inputCharacters, images, files };
}

/** How many parts of a message's content have this `type` (0 when the content is plain text). */
export function countPartsOfType(content: unknown, type: string): number {
  return Array.isArray(content) ? content.filter((part) => isRecord(part) && part['type'] === type).length : 0;
}

/** A fixed-width, ordered, unique id suffix from a sequence number (cheaper than random bytes). */
export function sequenceId(prefix: string, sequence: number, width: number): string {
  return prefix + sequence.toString(36).padStart(width, '0');
}

/** The simulator's signature of a thinking text (Anthropic and Gemini sign theirs; the simulator checks Anthropic's when sent back). */
export function reasoningSignature(text: string): string {
  return createHash('sha256').update(text).digest('base64');
}
