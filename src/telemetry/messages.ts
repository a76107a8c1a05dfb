/**
 * Message content in the GenAI conventions' JSON schema
 * (`gen-ai-input-messages.json` / `gen-ai-output-messages.json`), recorded on
 * attempt spans only when the caller opted in. Parts map the same way in
 * v1.41 and the latest schema: text, `reasoning`, `tool_call`,
 * `tool_call_response`, and images by URL as `uri` parts; inline images and
 * files (bytes, data URLs) are left out, so a span never carries a file. The
 * one difference: v1.41 requires `finish_reason` on each output message; the
 * latest deprecates it in favour of `gen_ai.response.finish_reasons`, so it is
 * left out there.
 */
import type { ContentPart, GenerateResponse, Message, UnifiedFinishReason } from '../providers/spec.js';
import type { SemanticConventions } from './conventions.js';

/** One part in the conventions' message schema. */
type ConventionsPart =
  | { readonly type: 'text'; readonly content: string }
  | { readonly type: 'reasoning'; readonly content: string }
  | { readonly type: 'tool_call'; readonly id: string; readonly name: string; readonly arguments: unknown }
  | { readonly type: 'tool_call_response'; readonly id: string; readonly response: unknown }
  | { readonly type: 'uri'; readonly modality: 'image'; readonly uri: string; readonly mime_type?: string };

function conventionsPart(part: ContentPart): ConventionsPart | null {
  switch (part.type) {
    case 'text':
      return { type: 'text', content: part.text };
    case 'reasoning':
      // Anthropic's redacted thinking has no text to show.
      return part.text === '' ? null : { type: 'reasoning', content: part.text };
    case 'tool-call':
      return { type: 'tool_call', id: part.id, name: part.name, arguments: part.arguments };
    case 'tool-result':
      return { type: 'tool_call_response', id: part.id, response: part.result };
    case 'image':
      if (typeof part.image !== 'string' || !/^https?:\/\//i.test(part.image)) return null;
      return { type: 'uri', modality: 'image', uri: part.image, ...(part.mediaType === undefined ? {} : { mime_type: part.mediaType }) };
    default:
      return null;
  }
}

function partsOf(content: string | readonly ContentPart[]): ConventionsPart[] {
  if (typeof content === 'string') return [{ type: 'text', content }];
  const parts: ConventionsPart[] = [];
  for (const part of content) {
    const mapped = conventionsPart(part);
    if (mapped !== null) parts.push(mapped);
  }
  return parts;
}

/**
 * `gen_ai.input.messages` as a JSON string.
 *
 * @example
 * inputMessagesJson([{ role: 'user', content: 'Hi' }])
 * // '[{"role":"user","parts":[{"type":"text","content":"Hi"}]}]'
 */
export function inputMessagesJson(messages: readonly Message[]): string {
  return JSON.stringify(messages.map((message) => ({ role: message.role, parts: partsOf(message.content) })));
}

const OUTPUT_FINISH_REASON: Readonly<Record<UnifiedFinishReason, string>> = {
  stop: 'stop',
  length: 'length',
  content_filter: 'content_filter',
  tool_calls: 'tool_call',
  error: 'error',
  other: 'other',
};

/**
 * `gen_ai.output.messages` as a JSON string: one assistant message with the
 * response's parts (reasoning, text, tool calls), and (v1.41) the
 * conventions' finish reason.
 *
 * @example
 * outputMessagesJson(response, 'v1.41')
 * // '[{"role":"assistant","parts":[{"type":"text","content":"Hello"}],"finish_reason":"stop"}]'
 * outputMessagesJson(response, 'latest')
 * // '[{"role":"assistant","parts":[{"type":"text","content":"Hello"}]}]'
 */
export function outputMessagesJson(response: GenerateResponse, conventions: SemanticConventions = 'v1.41'): string {
  const parts = response.content.length === 0 ? partsOf(response.text) : partsOf(response.content);
  if (conventions === 'latest') return JSON.stringify([{ role: 'assistant', parts }]);
  return JSON.stringify([{ role: 'assistant', parts, finish_reason: OUTPUT_FINISH_REASON[response.finishReason.unified] ?? 'other' }]);
}

/** True when `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT` asks for content capture. */
export function contentCaptureFromEnvironment(environment: Readonly<Record<string, string | undefined>> = globalThis.process?.env ?? {}): boolean {
  return (environment['OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT'] ?? '').trim().toLowerCase() === 'true';
}
