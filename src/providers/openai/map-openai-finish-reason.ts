import type { FinishReason } from '../spec.js';

/**
 * OpenAI's `finish_reason` as detour's `{ unified, raw }`.
 *
 * @example
 * mapOpenAIFinishReason('length') // → { unified: 'length', raw: 'length' }
 */
export function mapOpenAIFinishReason(raw: string | null | undefined): FinishReason {
  switch (raw) {
    case 'stop':
      return { unified: 'stop', raw };
    case 'length':
      return { unified: 'length', raw };
    case 'content_filter':
      return { unified: 'content_filter', raw };
    case 'tool_calls':
    case 'function_call':
      return { unified: 'tool_calls', raw };
    case null:
    case undefined:
      return { unified: 'other', raw: null };
    default:
      return { unified: 'other', raw };
  }
}
