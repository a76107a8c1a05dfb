/**
 * Message content in the GenAI conventions' JSON schema
 * (`gen-ai-input-messages.json` / `gen-ai-output-messages.json`), recorded on
 * attempt spans only when the caller opted in. The one difference between
 * v1.41 and the latest schema for text: v1.41 requires `finish_reason` on each
 * output message; the latest deprecates it in favour of
 * `gen_ai.response.finish_reasons`, so it is left out there.
 */
import type { GenerateResponse, Message, UnifiedFinishReason } from '../providers/spec.js';
import type { SemanticConventions } from './conventions.js';

interface TextMessagePart {
  readonly type: 'text';
  readonly content: string;
}

function partsOf(message: Message): TextMessagePart[] {
  if (typeof message.content === 'string') return [{ type: 'text', content: message.content }];
  return message.content.flatMap((part) => (part.type === 'text' ? [{ type: 'text' as const, content: part.text }] : []));
}

/**
 * `gen_ai.input.messages` as a JSON string.
 *
 * @example
 * inputMessagesJson([{ role: 'user', content: 'Hi' }])
 * // '[{"role":"user","parts":[{"type":"text","content":"Hi"}]}]'
 */
export function inputMessagesJson(messages: readonly Message[]): string {
  return JSON.stringify(messages.map((message) => ({ role: message.role, parts: partsOf(message) })));
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
 * response text, and (v1.41) the conventions' finish reason.
 *
 * @example
 * outputMessagesJson(response, 'v1.41')
 * // '[{"role":"assistant","parts":[{"type":"text","content":"Hello"}],"finish_reason":"stop"}]'
 * outputMessagesJson(response, 'latest')
 * // '[{"role":"assistant","parts":[{"type":"text","content":"Hello"}]}]'
 */
export function outputMessagesJson(response: GenerateResponse, conventions: SemanticConventions = 'v1.41'): string {
  const parts = [{ type: 'text', content: response.text }];
  if (conventions === 'latest') return JSON.stringify([{ role: 'assistant', parts }]);
  return JSON.stringify([{ role: 'assistant', parts, finish_reason: OUTPUT_FINISH_REASON[response.finishReason.unified] ?? 'other' }]);
}

/** True when `OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT` asks for content capture. */
export function contentCaptureFromEnvironment(environment: Readonly<Record<string, string | undefined>> = globalThis.process?.env ?? {}): boolean {
  return (environment['OTEL_INSTRUMENTATION_GENAI_CAPTURE_MESSAGE_CONTENT'] ?? '').trim().toLowerCase() === 'true';
}
