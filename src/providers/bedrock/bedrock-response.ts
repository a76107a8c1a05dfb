/** A Converse answer's content blocks and usage, read into detour's shapes. */
import type { ContentBlock, ContentBlockDeltaEvent, ContentBlockStartEvent, TokenUsage } from '@aws-sdk/client-bedrock-runtime';
import { ContentBuilder } from '../content-builder.js';
import type { StreamPart, Usage } from '../spec.js';

function base64(bytes: Uint8Array): string {
  return Buffer.from(bytes.buffer, bytes.byteOffset, bytes.byteLength).toString('base64');
}

/**
 * The content of a whole answer: reasoning, text and tool calls, in order.
 *
 * @example
 * bedrockContent([{ text: 'Hi' }]).content() // [{ type: 'text', text: 'Hi' }]
 */
export function bedrockContent(blocks: readonly ContentBlock[]): ContentBuilder {
  const content = new ContentBuilder();
  blocks.forEach((block, index) => {
    if (block.text !== undefined) content.text(block.text, null);
    else if (block.toolUse !== undefined) content.toolCall(index, block.toolUse.toolUseId ?? `tooluse_${index}`, block.toolUse.name ?? '', block.toolUse.input ?? {}, null);
    else if (block.reasoningContent !== undefined) {
      const reasoning = block.reasoningContent;
      if (reasoning.reasoningText !== undefined) {
        content.reasoning(reasoning.reasoningText.text ?? '', null, true);
        if (reasoning.reasoningText.signature !== undefined) content.reasoningSignature(reasoning.reasoningText.signature, null);
      } else if (reasoning.redactedContent !== undefined) content.redactedReasoning(base64(reasoning.redactedContent), null);
    }
  });
  return content;
}

/** Converse's token counts; `inputTokens` includes the cache reads Bedrock reports beside it. */
export function bedrockUsage(usage: TokenUsage | undefined): Usage {
  if (usage === undefined) return { inputTokens: null, outputTokens: null };
  const cached = usage.cacheReadInputTokens;
  return {
    inputTokens: usage.inputTokens ?? null,
    outputTokens: usage.outputTokens ?? null,
    ...(cached === undefined || cached === 0 ? {} : { cachedInputTokens: cached }),
  };
}

/** A `contentBlockStart` event: a tool call begins (text and reasoning blocks start with their first delta). */
export function readBlockStart(event: ContentBlockStartEvent, content: ContentBuilder, out: StreamPart[]): void {
  const toolUse = event.start?.toolUse;
  if (toolUse !== undefined) content.toolStart(event.contentBlockIndex ?? 0, toolUse.toolUseId ?? `tooluse_${event.contentBlockIndex ?? 0}`, toolUse.name ?? '', out);
}

/** A `contentBlockDelta` event: text, reasoning (and its signature) or a piece of a tool call's argument JSON. */
export function readBlockDelta(event: ContentBlockDeltaEvent, content: ContentBuilder, out: StreamPart[], newReasoningBlock: boolean): void {
  const delta = event.delta;
  if (delta === undefined) return;
  if (delta.text !== undefined) content.text(delta.text, out);
  else if (delta.toolUse !== undefined) content.toolArguments(event.contentBlockIndex ?? 0, delta.toolUse.input ?? '', out);
  else if (delta.reasoningContent !== undefined) {
    const reasoning = delta.reasoningContent;
    if (reasoning.text !== undefined) content.reasoning(reasoning.text, out, newReasoningBlock);
    else if (reasoning.signature !== undefined) content.reasoningSignature(reasoning.signature, out);
    else if (reasoning.redactedContent !== undefined) content.redactedReasoning(base64(reasoning.redactedContent), out);
  }
}
