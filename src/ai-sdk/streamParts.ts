/**
 * An executor stream as the AI SDK's stream parts: `stream-start`, text and
 * reasoning blocks (`*-start`, `*-delta`, `*-end`), tool inputs
 * (`tool-input-*`, then `tool-call`), and one `finish` carrying the usage and
 * the session in `providerMetadata.detour`. A failed session is one `error`
 * part with the `LLMFallbackError`, then the end of the stream.
 *
 * A policy's `mid_stream: restart` starts the answer over on another model,
 * but text already given to the AI SDK cannot be taken back: the open blocks
 * are closed, the new model's text follows in new blocks, and the finish's
 * metadata lists the restart (`restarts`). Without it (the default,
 * `mid_stream: fail`) a break after the first chunk fails the stream.
 */
import type { LanguageModelV4StreamPart, SharedV4Warning } from '@ai-sdk/provider';
import type { ExecutorStreamEvent } from '../executor/types.js';
import { toAiSdkFinishReason, toAiSdkUsage, toolInputText } from '../providers/ai-sdk/result.js';
import { sessionMetadata, type StreamRestart } from './sessionMetadata.js';

/** Turns executor events into stream parts, keeping track of the open blocks. */
class PartWriter {
  /** The text or reasoning block open now (one at a time: a new kind closes the other). */
  private open: { readonly kind: 'text' | 'reasoning'; readonly id: string } | null = null;
  private readonly toolInputs = new Set<string>();
  private blocks = 0;
  readonly restarts: StreamRestart[] = [];

  constructor(private readonly out: LanguageModelV4StreamPart[]) {}

  write(event: ExecutorStreamEvent): void {
    const out = this.out;
    switch (event.type) {
      case 'text-delta':
      case 'reasoning-delta':
        // A reasoning signature or a redacted block (text ''): the finish result's content keeps them.
        if (event.text === '') return;
        this.delta(event.type === 'text-delta' ? 'text' : 'reasoning', event.text);
        return;
      case 'tool-call-start':
        this.closeBlocks();
        this.toolInputs.add(event.id);
        out.push({ type: 'tool-input-start', id: event.id, toolName: event.name });
        return;
      case 'tool-call-delta':
        out.push({ type: 'tool-input-delta', id: event.id, delta: event.argumentsDelta });
        return;
      case 'tool-call': {
        this.closeBlocks();
        const input = toolInputText(event.arguments);
        if (!this.toolInputs.has(event.id)) {
          out.push({ type: 'tool-input-start', id: event.id, toolName: event.name });
          out.push({ type: 'tool-input-delta', id: event.id, delta: input });
        }
        this.toolInputs.delete(event.id);
        out.push({ type: 'tool-input-end', id: event.id });
        out.push({ type: 'tool-call', toolCallId: event.id, toolName: event.name, input });
        return;
      }
      case 'restart':
        this.closeBlocks();
        for (const id of this.toolInputs) out.push({ type: 'tool-input-end', id });
        this.toolInputs.clear();
        this.restarts.push({ failedModel: event.failedModel, errorKind: event.error.kind, discardedCharacters: event.discardedText.length });
        return;
      case 'finish': {
        this.closeBlocks();
        const result = event.result;
        out.push({ type: 'response-metadata', ...(result.response.responseId === null ? {} : { id: result.response.responseId }), modelId: result.response.responseModel ?? result.model });
        out.push({ type: 'finish', usage: toAiSdkUsage(result.usage), finishReason: toAiSdkFinishReason(result.finishReason), providerMetadata: sessionMetadata(result, this.restarts) });
        return;
      }
      case 'attempt-failed':
        return;
    }
  }

  closeBlocks(): void {
    const open = this.open;
    if (open === null) return;
    this.out.push(open.kind === 'text' ? { type: 'text-end', id: open.id } : { type: 'reasoning-end', id: open.id });
    this.open = null;
  }

  private delta(kind: 'text' | 'reasoning', delta: string): void {
    let open = this.open;
    if (open?.kind !== kind) {
      this.closeBlocks();
      open = { kind, id: `${kind}-${++this.blocks}` };
      this.open = open;
      this.out.push(kind === 'text' ? { type: 'text-start', id: open.id } : { type: 'reasoning-start', id: open.id });
    }
    this.out.push(kind === 'text' ? { type: 'text-delta', id: open.id, delta } : { type: 'reasoning-delta', id: open.id, delta });
  }
}

/**
 * The AI SDK stream over one executor stream. Nothing is sent until the AI SDK
 * reads; cancelling the stream aborts the session.
 *
 * @example
 * return { stream: toStreamParts(executor.stream(request), warnings) }
 */
export function toStreamParts(events: AsyncIterable<ExecutorStreamEvent>, warnings: SharedV4Warning[]): ReadableStream<LanguageModelV4StreamPart> {
  const iterator = events[Symbol.asyncIterator]();
  const pending: LanguageModelV4StreamPart[] = [{ type: 'stream-start', warnings }];
  const writer = new PartWriter(pending);
  return new ReadableStream<LanguageModelV4StreamPart>({
    async pull(controller) {
      while (pending.length === 0) {
        let next: IteratorResult<ExecutorStreamEvent>;
        try {
          next = await iterator.next();
        } catch (error) {
          writer.closeBlocks();
          for (const part of pending.splice(0)) controller.enqueue(part);
          controller.enqueue({ type: 'error', error });
          controller.close();
          return;
        }
        if (next.done === true) {
          controller.close();
          return;
        }
        writer.write(next.value);
      }
      for (const part of pending.splice(0)) controller.enqueue(part);
    },
    async cancel() {
      await iterator.return?.();
    },
  });
}
