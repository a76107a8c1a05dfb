/**
 * Assembling an answer's content parts in order — from a whole response or
 * from stream chunks — and, for streams, the parts the consumer is sent as
 * they arrive (text and reasoning deltas, tool calls started, their argument
 * text in pieces, then each call complete with parsed arguments).
 */
import type { ContentPart, StreamPart } from './spec.js';

interface TextEntry {
  readonly kind: 'text';
  text: string;
}

interface ReasoningEntry {
  readonly kind: 'reasoning';
  text: string;
  signature: string | undefined;
  redactedData: string | undefined;
}

interface ToolEntry {
  readonly kind: 'tool';
  readonly key: string | number;
  id: string;
  name: string;
  argumentsText: string;
  /** Set when the provider gave the arguments already parsed (Anthropic `input`, Gemini `args`). */
  parsed: { readonly value: unknown } | null;
  signature: string | undefined;
  done: boolean;
}

type Entry = TextEntry | ReasoningEntry | ToolEntry;

/**
 * Tool-call arguments as a value: '' is `{}`; text that is not JSON stays a
 * string (the output checks report it as `invalid_output`).
 *
 * @example
 * parseToolArguments('{"city":"Paris"}') // { city: 'Paris' }
 */
export function parseToolArguments(text: string): unknown {
  if (text.trim() === '') return {};
  try {
    return JSON.parse(text) as unknown;
  } catch {
    return text;
  }
}

/**
 * One answer's content, built in arrival order. `out` receives the stream
 * parts to yield (pass `null` when reading a whole response).
 *
 * @example
 * const content = new ContentBuilder();
 * content.text('Hello', out);
 * content.toolStart(0, 'call_1', 'get_weather', out);
 * content.toolArguments(0, '{"city":"Par', out);
 * content.toolArguments(0, 'is"}', out);
 * content.endTools(out); // out gets { type: 'tool-call', id: 'call_1', name: 'get_weather', arguments: { city: 'Paris' } }
 */
export class ContentBuilder {
  private readonly entries: Entry[] = [];
  private tools: Map<string | number, ToolEntry> | null = null;

  get toolCallCount(): number {
    return this.tools?.size ?? 0;
  }

  text(delta: string, out: StreamPart[] | null): void {
    if (delta === '') return;
    const last = this.entries[this.entries.length - 1];
    if (last !== undefined && last.kind === 'text') last.text += delta;
    else this.entries.push({ kind: 'text', text: delta });
    out?.push({ type: 'text-delta', text: delta });
  }

  /** Reasoning text; a new `block` starts a new part (Anthropic signs each block). */
  reasoning(delta: string, out: StreamPart[] | null, newBlock = false): void {
    const last = this.entries[this.entries.length - 1];
    if (!newBlock && last !== undefined && last.kind === 'reasoning' && last.redactedData === undefined) last.text += delta;
    else this.entries.push({ kind: 'reasoning', text: delta, signature: undefined, redactedData: undefined });
    if (delta !== '') out?.push({ type: 'reasoning-delta', text: delta });
  }

  /**
   * A piece of the signature of the latest reasoning part (Anthropic
   * `signature_delta`, Gemini `thoughtSignature`); `out` gets the part's
   * whole signature so far.
   */
  reasoningSignature(signature: string, out: StreamPart[] | null): void {
    let entry: ReasoningEntry | undefined;
    for (let index = this.entries.length - 1; index >= 0 && entry === undefined; index--) {
      const candidate = this.entries[index]!;
      if (candidate.kind === 'reasoning') entry = candidate;
    }
    if (entry === undefined) this.entries.push((entry = { kind: 'reasoning', text: '', signature, redactedData: undefined }));
    else entry.signature = (entry.signature ?? '') + signature;
    out?.push({ type: 'reasoning-delta', text: '', signature: entry.signature! });
  }

  /** Anthropic's `redacted_thinking`: kept so it can be sent back. */
  redactedReasoning(data: string, out: StreamPart[] | null): void {
    out?.push({ type: 'reasoning-delta', text: '', redactedData: data });
    this.entries.push({ kind: 'reasoning', text: '', signature: undefined, redactedData: data });
  }

  /** A tool call starts; `key` is how later pieces name it (OpenAI's index, Anthropic's block index). */
  toolStart(key: string | number, id: string, name: string, out: StreamPart[] | null, signature?: string): void {
    const entry: ToolEntry = { kind: 'tool', key, id, name, argumentsText: '', parsed: null, signature, done: false };
    this.entries.push(entry);
    (this.tools ??= new Map()).set(key, entry);
    out?.push({ type: 'tool-call-start', id, name });
  }

  /** Whether a call with this key has started. */
  hasTool(key: string | number): boolean {
    return this.tools?.has(key) === true;
  }

  /** More of a call's argument JSON; a late id or name (OpenAI sends them once, first) fills the gaps. */
  toolArguments(key: string | number, delta: string, out: StreamPart[] | null): void {
    const entry = this.tools?.get(key);
    if (entry === undefined || delta === '') return;
    entry.argumentsText += delta;
    out?.push({ type: 'tool-call-delta', id: entry.id, argumentsDelta: delta });
  }

  /** A complete call whose arguments came parsed (a whole response, or Gemini's stream). */
  toolCall(key: string | number, id: string, name: string, args: unknown, out: StreamPart[] | null, signature?: string): void {
    this.toolStart(key, id, name, out, signature);
    const entry = this.tools!.get(key)!;
    entry.parsed = { value: args ?? {} };
    if (out !== null) {
      const text = JSON.stringify(args ?? {});
      entry.argumentsText = text;
      out.push({ type: 'tool-call-delta', id, argumentsDelta: text });
    }
    this.endTool(key, out);
  }

  /** The call is complete: its arguments are parsed and, in a stream, reported. */
  endTool(key: string | number, out: StreamPart[] | null): void {
    const entry = this.tools?.get(key);
    if (entry === undefined || entry.done) return;
    entry.done = true;
    if (entry.parsed === null) entry.parsed = { value: parseToolArguments(entry.argumentsText) };
    out?.push({ type: 'tool-call', id: entry.id, name: entry.name, arguments: entry.parsed.value });
  }

  /** End every call still open (OpenAI ends them all with its finish reason). */
  endTools(out: StreamPart[] | null): void {
    if (this.tools === null) return;
    for (const key of this.tools.keys()) this.endTool(key, out);
  }

  /** The parts, in order; open calls are ended first. */
  content(): ContentPart[] {
    this.endTools(null);
    const parts: ContentPart[] = [];
    for (const entry of this.entries) {
      switch (entry.kind) {
        case 'text':
          parts.push({ type: 'text', text: entry.text });
          break;
        case 'reasoning':
          parts.push({
            type: 'reasoning',
            text: entry.text,
            ...(entry.signature === undefined ? {} : { signature: entry.signature }),
            ...(entry.redactedData === undefined ? {} : { redactedData: entry.redactedData }),
          });
          break;
        case 'tool':
          parts.push({
            type: 'tool-call',
            id: entry.id,
            name: entry.name,
            arguments: entry.parsed?.value ?? {},
            ...(entry.signature === undefined ? {} : { signature: entry.signature }),
          });
          break;
      }
    }
    return parts;
  }
}
