/** Reading an Anthropic message (whole or streamed) into detour's content parts and usage. */
import type { Message as AnthropicMessage, RawMessageStreamEvent } from '@anthropic-ai/sdk/resources/messages/messages';
import { ContentBuilder } from '../content-builder.js';
import type { StreamPart, Usage } from '../spec.js';

interface AnthropicUsageFields {
  readonly input_tokens?: number | null;
  readonly output_tokens?: number | null;
  readonly cache_read_input_tokens?: number | null;
}

/** Usage with the prompt cache's reads as cached input tokens. */
export function anthropicUsage(usage: AnthropicUsageFields | null | undefined, previous?: Usage): Usage {
  const cached = usage?.cache_read_input_tokens ?? previous?.cachedInputTokens;
  return {
    inputTokens: usage?.input_tokens ?? previous?.inputTokens ?? null,
    outputTokens: usage?.output_tokens ?? previous?.outputTokens ?? null,
    ...(typeof cached === 'number' && cached > 0 ? { cachedInputTokens: cached } : {}),
  };
}

/** A whole message's blocks in order: thinking (with its signature), text, tool calls. */
export function anthropicContent(message: AnthropicMessage): ContentBuilder {
  const content = new ContentBuilder();
  for (const [index, block] of (message.content ?? []).entries()) {
    switch (block.type) {
      case 'text':
        content.text(block.text, null);
        break;
      case 'thinking':
        content.reasoning(block.thinking, null, true);
        if (block.signature) content.reasoningSignature(block.signature, null);
        break;
      case 'redacted_thinking':
        content.redactedReasoning(block.data, null);
        break;
      case 'tool_use':
        content.toolCall(index, block.id, block.name, block.input, null);
        break;
      default:
        break;
    }
  }
  return content;
}

/** One stream event's content into `content`, with the stream parts it makes. */
export function readAnthropicContentEvent(event: RawMessageStreamEvent, content: ContentBuilder, out: StreamPart[]): void {
  switch (event.type) {
    case 'content_block_start': {
      const block = event.content_block;
      if (block.type === 'tool_use') content.toolStart(event.index, block.id, block.name, out);
      else if (block.type === 'thinking') {
        content.reasoning(block.thinking ?? '', out, true);
        if (block.signature) content.reasoningSignature(block.signature, out);
      } else if (block.type === 'redacted_thinking') content.redactedReasoning(block.data, out);
      else if (block.type === 'text' && block.text) content.text(block.text, out);
      return;
    }
    case 'content_block_delta': {
      const delta = event.delta;
      if (delta.type === 'text_delta') content.text(delta.text, out);
      else if (delta.type === 'input_json_delta') content.toolArguments(event.index, delta.partial_json, out);
      else if (delta.type === 'thinking_delta') content.reasoning(delta.thinking, out);
      else if (delta.type === 'signature_delta') content.reasoningSignature(delta.signature, out);
      return;
    }
    case 'content_block_stop':
      content.endTool(event.index, out);
      return;
    default:
      return;
  }
}
